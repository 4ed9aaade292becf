import { describe, expect, it } from 'vitest';

import { criticalHeaderAcceptable } from './critical-header.js';

describe('criticalHeaderAcceptable', () => {
  it('accepts a header without crit', () => {
    expect(criticalHeaderAcceptable({ alg: 'RS256', kid: 'k', typ: 'at+jwt' })).toBe(true);
  });

  it.each([
    ['an unknown extension', { crit: ['urn:x'], 'urn:x': 1 }],
    ['an extension absent from the header', { crit: ['urn:x'] }],
    ['a registered parameter', { alg: 'RS256', crit: ['alg'] }],
    ['a string', { crit: 'urn:x', 'urn:x': 1 }],
    ['an empty list', { crit: [] }],
    ['a non-string entry', { crit: [1] }],
    ['an object', { crit: { 'urn:x': true } }],
    ['null', { crit: null }],
    ['a repeated name', { crit: ['urn:x', 'urn:x'], 'urn:x': 1 }],
  ])('refuses crit with %s', (_case, header) => {
    expect(criticalHeaderAcceptable({ alg: 'RS256', ...header })).toBe(false);
  });
});
