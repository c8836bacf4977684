import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { renderTemplateText } from '../../src/workflow/render.js';

/**
 * `{% for a, b in … %}` unpacks each item as Python does: exactly as many values as names, or
 * jinja2's ValueError, named at template:line (nunjucks alone would take the first characters
 * of a key, or leave a name empty).
 */
const CONTEXT = JSON.stringify({
  tags: { team: 'infra', owner: 'Ann' },
  pairs: { ab: 1, cd: 2 },
  ports: [22, 80],
});
const render = (text: string) => renderTemplateText('templates/.pkr.hcl', text, CONTEXT, '.');
const failure = (text: string) =>
  render(text).then(
    () => 'rendered',
    (e: unknown) => errorLine(e),
  );

describe('for loops with several names', () => {
  it('render as jinja2 where jinja2 renders', async () => {
    expect(await render('{% for k, v in builder.tags.items() %}{{ k }}={{ v }};{% endfor %}')).toBe(
      'team=infra;owner=Ann;',
    );
    expect(await render('{% for k, v in builder.pairs %}{{ k }}={{ v }};{% endfor %}')).toBe(
      'a=b;c=d;',
    );
    expect(
      await render('{% for a, b, c in [[1, 2, 3], "xyz"] %}{{ c }}{{ b }}{{ a }};{% endfor %}'),
    ).toBe('321;zyx;');
  });

  it("stop with jinja2's ValueError, naming template:line, where jinja2 stops", async () => {
    expect(await failure('\n{% for k, v in builder.tags %}{{ k }}{% endfor %}')).toMatch(
      /^templates\/\.pkr\.hcl:2:\d+: too many values to unpack \(expected 2\) — /,
    );
    expect(await failure('{% for k, v in builder.tags.keys() %}{{ k }}{% endfor %}')).toMatch(
      /:1:\d+: too many values to unpack \(expected 2\)/,
    );
    expect(await failure("{% for k, v in {'a': 1} %}{{ k }}{% endfor %}")).toMatch(
      /:1:\d+: not enough values to unpack \(expected 2, got 1\)/,
    );
    expect(await failure('{% for a, b in [[1]] %}{{ a }}{% endfor %}')).toMatch(
      /not enough values to unpack \(expected 2, got 1\)/,
    );
    expect(await failure('{% for a, b in builder.ports %}{{ a }}{% endfor %}')).toMatch(
      /cannot unpack non-iterable int object/,
    );
  });
});
