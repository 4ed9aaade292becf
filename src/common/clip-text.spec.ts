import { describe, expect, it } from 'vitest';

import { clipText } from './clip-text.js';

describe(clipText.name, () => {
  it('keeps text within the limit and cuts longer text with an ellipsis', () => {
    expect(clipText('abc', 3)).toBe('abc');
    expect(clipText('abcd', 3)).toBe('abc…');
    expect(clipText('x'.repeat(100_000), 80)).toHaveLength(81);
  });
});
