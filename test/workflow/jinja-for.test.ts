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

describe('range()', () => {
  // jinja2 takes one to three integers (a bool is one) and raises Python's TypeError otherwise;
  // test/fixtures/jinja-corpus/cases/range-*.j2 hold what it renders.
  it.each([
    ['{{ range() }}', 'range expected at least 1 argument, got 0'],
    ['{{ range(1.5) }}', "'float' object cannot be interpreted as an integer"],
    ['{{ range(1, 2, 3, 4) }}', 'range expected at most 3 arguments, got 4'],
    ['{% for i in range("3") %}{{ i }}{% endfor %}', "'str' object cannot be interpreted as an integer"],
    ['{{ range(none) }}', "'NoneType' object cannot be interpreted as an integer"],
    ['{{ range(1, 0, 0) }}', 'range() arg 3 must not be zero'],
  ])('stops on %s as jinja2 does, naming template:line', async (text, why) => {
    expect(await failure(`\n${text}`)).toMatch(new RegExp(`^templates/\\.pkr\\.hcl:2:\\d+: ${why.replace(/[()]/g, '\\$&')}`));
  });
});
