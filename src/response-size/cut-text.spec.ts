import { describe, expect, it } from 'vitest';

import { untrusted } from '../common/untrusted-content.js';
import { cutText } from './cut-text.js';

describe('cutText', () => {
  it('leaves text within the limit alone', () => {
    expect(cutText('short', 10)).toBe('short');
    expect(cutText(untrusted('short'), 10)).toBe(untrusted('short'));
  });

  it('cuts long text and says how long it was', () => {
    expect(cutText('abcdefghij', 4)).toBe('abcd… [truncated from 10 chars]');
  });

  it('cuts untrusted text inside its markers, so it stays fenced', () => {
    expect(cutText(untrusted('abcdefghij'), 4)).toBe(untrusted('abcd… [truncated from 10 chars]'));
  });

  it('does not split a surrogate pair', () => {
    expect(cutText('ab😀cd', 3)).toBe('ab… [truncated from 6 chars]');
  });
});
