import { describe, expect, it } from 'vitest';

import { guide, isShown, renderGuidance, withAny, without } from './tool-guidance.js';

describe(renderGuidance.name, () => {
  it('records every interpolated tool of a guide line and keeps the text as written', () => {
    expect(guide`Use ${'list_charts'} then ${'get_chart_info'} with {"id": 1}.`).toEqual({
      text: 'Use list_charts then get_chart_info with {"id": 1}.',
      tools: ['list_charts', 'get_chart_info'],
    });
  });

  it('shows a guide line only with all its tools, a fallback only without any', () => {
    const both = guide`${'a_tool'} and ${'b_tool'}`;
    expect(isShown(both, new Set(['a_tool', 'b_tool']))).toBe(true);
    expect(isShown(both, new Set(['a_tool']))).toBe(false);
    const fallback = without(['a_tool', 'b_tool'], 'none of them');
    expect(isShown(fallback, new Set())).toBe(true);
    expect(isShown(fallback, new Set(['b_tool']))).toBe(false);
    const family = withAny(['a_tool', 'b_tool'], 'one of them');
    expect(isShown(family, new Set(['b_tool']))).toBe(true);
    expect(isShown(family, new Set(['c_tool']))).toBe(false);
    expect(isShown('plain text', new Set())).toBe(true);
  });

  it('leaves out a section whose lines are all hidden, heading included', () => {
    const text = renderGuidance(
      [
        { lines: ['Intro.'] },
        { heading: 'Charts', lines: [guide`- ${'list_charts'}`] },
        { heading: 'Always', lines: ['- rule', guide`- ${'get_instance_info'}`] },
      ],
      new Set(['get_instance_info']),
    );
    expect(text).toBe('Intro.\n\nAlways\n- rule\n- get_instance_info');
  });
});
