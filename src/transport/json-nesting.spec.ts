import { describe, expect, it } from 'vitest';

import { nestsDeeperThan } from './json-nesting.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe(nestsDeeperThan.name, () => {
  it('allows nesting up to the limit and refuses one level more', () => {
    expect(nestsDeeperThan(nested(64), 64)).toBe(false);
    expect(nestsDeeperThan(nested(65), 64)).toBe(true);
    expect(nestsDeeperThan(`{"a":${nested(63)}}`, 64)).toBe(false);
    expect(nestsDeeperThan(`{"a":${nested(64)}}`, 64)).toBe(true);
  });

  it('refuses an unclosed run of brackets, as in a 4 MB body of [[[[', () => {
    expect(nestsDeeperThan('['.repeat(4 * 1024 * 1024), 64)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const inString = JSON.stringify({ text: `\\" ${'['.repeat(1000)} {{{` });
    expect(nestsDeeperThan(inString, 2)).toBe(false);
    expect(nestsDeeperThan('["\\\\", [[]]]', 2)).toBe(true);
  });

  it('counts depth after sibling containers close', () => {
    const siblings = `[${Array.from({ length: 100 }, () => nested(3)).join(',')}]`;
    expect(nestsDeeperThan(siblings, 4)).toBe(false);
    expect(nestsDeeperThan(siblings, 3)).toBe(true);
  });
});
