import { describe, expect, it } from 'vitest';

import {
  MAX_RENDERED_SQL_CHARS,
  renderSqlTemplate,
  SqlTemplateError,
  type TemplateContext,
} from './sql-template.renderer.js';

const context = (params: Record<string, unknown> = {}): TemplateContext => ({
  username: 'gamma',
  userId: 3,
  params,
});

function failure(sql: string, params: Record<string, unknown> = {}): SqlTemplateError {
  try {
    renderSqlTemplate(sql, context(params));
  } catch (error) {
    if (error instanceof SqlTemplateError) return error;
    throw error;
  }
  throw new Error('expected a SqlTemplateError');
}

describe(renderSqlTemplate.name, () => {
  it.each([
    ['SELECT 1', {}, 'SELECT 1'],
    ["SELECT '{{ current_username() }}'", {}, "SELECT 'gamma'"],
    ['SELECT {{current_user_id()}} AS id', {}, 'SELECT 3 AS id'],
    ['SELECT * FROM t WHERE y = {{ year }}', { year: 2024 }, 'SELECT * FROM t WHERE y = 2024'],
    ["WHERE n = '{{ name }}'", { name: 'Ada' }, "WHERE n = 'Ada'"],
    ['{{ flag }} {{ nothing }}', { flag: true, nothing: null }, 'True None'],
    [
      "WHERE c = '{{ url_param('country') }}'",
      { url_params: { country: "Côte d'Ivoire" } },
      "WHERE c = 'Côte d''Ivoire'",
    ],
    ["'{{ url_param(\"missing\", 'FR') }}'", {}, "'FR'"],
    ["'{{ url_param('missing') }}'", {}, "''"],
    [
      "WHERE g IN ({{ filter_values('gender') }})",
      { filter_values: { gender: ['boy', "o'girl", 3, false] } },
      "WHERE g IN ('boy', 'o''girl', 3, FALSE)",
    ],
    ["IN ({{ filter_values('x', 'none') }})", {}, "IN ('none')"],
    ['a {{ a }} b {{ b }} c', { a: '1', b: '2' }, 'a 1 b 2 c'],
  ])('%s → %s', (sql, params, expected) => {
    expect(renderSqlTemplate(sql, context(params))).toBe(expected);
  });

  it.each([
    ['{{ missing }}', 'MISSING_TEMPLATE_PARAMS_ERROR', /'missing'/],
    ['{% if x %}1{% endif %}', 'INVALID_TEMPLATE_PARAMS_ERROR', /'\{%'/],
    ['{# comment #}', 'INVALID_TEMPLATE_PARAMS_ERROR', /'\{#'/],
    ['SELECT {{ 1 + 1 }}', 'INVALID_TEMPLATE_PARAMS_ERROR', /unsupported template expression/],
    [
      "{{ ''.__class__.__mro__[1].__subclasses__() }}",
      'INVALID_TEMPLATE_PARAMS_ERROR',
      /unsupported/,
    ],
    ['{{ cycler.__init__.__globals__.os }}', 'INVALID_TEMPLATE_PARAMS_ERROR', /unsupported/],
    ['{{ name | upper }}', 'INVALID_TEMPLATE_PARAMS_ERROR', /unsupported/],
    ['SELECT {{ x', 'INVALID_TEMPLATE_PARAMS_ERROR', /never closed/],
    ['{{ url_param(name) }}', 'INVALID_TEMPLATE_PARAMS_ERROR', /unsupported/],
  ])('%s is refused with %s', (sql, errorType, message) => {
    const error = failure(sql, { name: 'x' });
    expect(error.errorType).toBe(errorType);
    expect(error.message).toMatch(message);
  });

  it('refuses lists and objects where a scalar is substituted', () => {
    expect(failure('{{ list }}', { list: [1, 2] }).message).toMatch(/template_params.list/);
    expect(failure("{{ url_param('a') }}", { url_params: [] }).message).toMatch(
      /must be an object/,
    );
    expect(failure("{{ filter_values('a') }}", { filter_values: { a: 'x' } }).message).toMatch(
      /must be a list/,
    );
    expect(failure("{{ filter_values('a') }}", { filter_values: { a: [{}] } }).message).toMatch(
      /not a string, number or boolean/,
    );
  });

  it('bounds the rendered SQL', () => {
    const big = 'x'.repeat(100_000);
    const sql = '{{ v }}'.repeat(MAX_RENDERED_SQL_CHARS / 100_000 + 1);
    expect(failure(sql, { v: big }).message).toMatch(/longer than/);
  });

  it('reads only its own properties of template_params', () => {
    expect(failure('{{ constructor }}').errorType).toBe('MISSING_TEMPLATE_PARAMS_ERROR');
    expect(failure('{{ toString }}').errorType).toBe('MISSING_TEMPLATE_PARAMS_ERROR');
    expect(renderSqlTemplate("'{{ url_param('constructor') }}'", context())).toBe("''");
    expect(renderSqlTemplate("({{ filter_values('toString') }})", context())).toBe('()');
  });
});
