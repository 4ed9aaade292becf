/**
 * The known name `name` was most likely meant as, or null when none is close: the same name in
 * another case, one cut short by up to three characters (`MCP_AUTH_ENABLE`), or one within a
 * small edit distance (`SQLALCHEMY_DATABASE_URL`, `MCP_SERVICE_PROT`). Names unrelated to the
 * known ones (PATH, HOME, npm's variables) are never matched.
 */
export function closestName(name: string, known: Iterable<string>): string | null {
  const given = name.toUpperCase();
  let best: { name: string; distance: number } | null = null;
  for (const candidate of known) {
    const target = candidate.toUpperCase();
    if (target === given) return candidate;
    const truncated =
      given.length >= 8 && target.startsWith(given) && target.length - given.length <= 3;
    const distance = truncated ? target.length - given.length : editDistance(given, target);
    if (distance <= allowedDistance(target) && (best === null || distance < best.distance)) {
      best = { distance, name: candidate };
    }
  }
  return best?.name ?? null;
}

/** Short names tolerate one slip, longer ones two (a swapped pair counts as one). */
function allowedDistance(name: string): number {
  if (name.length < 6) return 0;
  return name.length < 12 ? 1 : 2;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}
