const UNITS: readonly [string, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", like Superset's `changed_on_humanized`. */
export function humanizeAgo(date: Date | null, now: Date = new Date()): string | null {
  if (!date) return null;
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  for (const [unit, size] of UNITS) {
    const count = Math.floor(seconds / size);
    if (count >= 1)
      return count === 1 ? `a ${unit} ago`.replace('a hour', 'an hour') : `${count} ${unit}s ago`;
  }
  return 'just now';
}
