import { describe, expect, it } from 'vitest';

import { ExpiringLru } from './expiring-lru.js';

describe(ExpiringLru.name, () => {
  it('forgets an entry once its time is up', () => {
    let now = 1_000;
    const lru = new ExpiringLru<string>(10, 500, () => now);
    lru.set('a', 'A');
    now += 499;
    expect(lru.get('a')).toBe('A');
    now += 1;
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it('makes room by dropping the least recently used entry', () => {
    const lru = new ExpiringLru<number>(2, 60_000);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('deletes a key only while it holds the value named', () => {
    const lru = new ExpiringLru<string>(2, 60_000);
    lru.set('a', 'old');
    lru.set('a', 'new');
    lru.delete('a', 'old');
    expect(lru.get('a')).toBe('new');
    lru.delete('a');
    expect(lru.get('a')).toBeUndefined();
  });
});
