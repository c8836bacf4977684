import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { lintEngine, renderJinja } from '../../src/workflow/jinja/engine.js';
import { pythonJson } from '../../src/workflow/jinja/json.js';
import { renderTemplateText } from '../../src/workflow/render.js';
import { lintTemplate } from '../../src/workflow/template-lint.js';

/**
 * Each lint rule with a template that triggers it, and the one line the user sees. Where python3
 * with jinja2 is installed, each case also shows why the rule exists: jinja2's outcome differs
 * from what the engine alone would give.
 */
const DIR = 'test/fixtures/jinja-lint';
const CONTEXT = readFileSync(path.join(DIR, 'context.json'), 'utf8');

const EXPECTED: Record<string, string> = {
    'for-bracketed-targets': 'test/fixtures/jinja-lint/for-bracketed-targets.j2:1:8: bracketed loop targets are not read here; jinja2 unpacks them — write the names bare: {% for k, v in pairs %}, and unpack nested pairs inside the loop',
    'for-loop-filter': "test/fixtures/jinja-lint/for-loop-filter.j2:1:27: a loop filter ({% for x in items if … %}) is jinja2's; here it would not filter — select first (items|selectattr(…), items|reject(…)) or put {% if %} inside the loop",
    'filter-dump': "test/fixtures/jinja-lint/filter-dump.j2:1:28: jinja2 has no filter named 'dump' — use tojson",
    'filter-nl2br': "test/fixtures/jinja-lint/filter-nl2br.j2:1:11: jinja2 has no filter named 'nl2br' — use replace('\\n', '<br />\\n')",
    'filter-pprint': "test/fixtures/jinja-lint/filter-pprint.j2:1:17: filter 'pprint' is jinja2's but paw-tui does not have it — write it with other filters",
    'filter-urlize': "test/fixtures/jinja-lint/filter-urlize.j2:1:30: filter 'urlize' renders differently from jinja2 — jinja2 adds rel=\"noopener\" and other details; write the <a> tag in the template",
    'operator-strict-equal': "test/fixtures/jinja-lint/operator-strict-equal.j2:1:18: === is JavaScript; jinja2 has no such operator — use ==",
    'operator-strict-not-equal': "test/fixtures/jinja-lint/operator-strict-not-equal.j2:1:19: !== is JavaScript; jinja2 has no such operator — use !=",
    'regex-literal': "test/fixtures/jinja-lint/regex-literal.j2:1:4: r/…/ is a nunjucks regular expression; jinja2 has none — use string tests (in, startswith) or filters (replace)",
    'set-unpack': "test/fixtures/jinja-lint/set-unpack.j2:1:4: {% set a, b = … %} gives every name the whole value here; jinja2 unpacks it — set each name on its own: {% set a = pair[0] %}",
    'tag-async-all': "test/fixtures/jinja-lint/tag-async-all.j2:1:4: {% asyncAll %} is nunjucks syntax; jinja2 refuses it — use {% for %}",
    'tag-async-each': "test/fixtures/jinja-lint/tag-async-each.j2:1:4: {% asyncEach %} is nunjucks syntax; jinja2 refuses it — use {% for %}",
    'tag-elseif': "test/fixtures/jinja-lint/tag-elseif.j2:1:25: {% elseif %} is nunjucks syntax; jinja2 refuses it — use {% elif %}",
    'tag-if-async': "test/fixtures/jinja-lint/tag-if-async.j2:1:4: {% ifAsync %} is nunjucks syntax; jinja2 refuses it — use {% if %}",
    'tag-switch': "test/fixtures/jinja-lint/tag-switch.j2:2:4: {% switch %} is nunjucks syntax; jinja2 refuses it — use {% if %} / {% elif %}",
    'tag-verbatim': "test/fixtures/jinja-lint/tag-verbatim.j2:1:4: {% verbatim %} is nunjucks syntax; jinja2 refuses it — use {% raw %}",
    'test-null': "test/fixtures/jinja-lint/test-null.j2:1:30: jinja2 has no test named 'null' — see jinja2's list of builtin tests",
    'test-truthy': "test/fixtures/jinja-lint/test-truthy.j2:1:21: jinja2 has no test named 'truthy' — see jinja2's list of builtin tests",
};

const read = (name: string) => readFileSync(path.join(DIR, `${name}.j2`), 'utf8');

function hasJinja(): boolean {
  return spawnSync('python3', ['-c', 'import jinja2'], { encoding: 'utf8' }).status === 0;
}

/** jinja2's outcome for each case: its output, or `error`. */
function jinja2Outcomes(names: string[]): Record<string, string> {
  const script = [
    'import json, sys, jinja2',
    'out = {}',
    'ctx = json.loads(sys.argv[1])',
    'for f in sys.argv[2:]:',
    '    try: out[f] = jinja2.Template(open(f, encoding="utf-8").read()).render(builder=ctx)',
    '    except Exception: out[f] = "error"',
    'print(json.dumps(out))',
  ].join('\n');
  const files = names.map((n) => path.join(DIR, `${n}.j2`));
  const r = spawnSync('python3', ['-c', script, CONTEXT, ...files], { encoding: 'utf8' });
  const byFile = JSON.parse(r.stdout) as Record<string, string>;
  return Object.fromEntries(names.map((n, i) => [n, byFile[files[i]!]!]));
}

describe('template lint', () => {
  const names = readdirSync(DIR)
    .filter((f) => f.endsWith('.j2'))
    .map((f) => f.slice(0, -3))
    .sort();

  it('has one case per fixture, and every rule has a case', async () => {
    expect(names).toEqual(Object.keys(EXPECTED).sort());
    const engine = await lintEngine();
    const rules = new Set(names.flatMap((n) => lintTemplate(engine, path.join(DIR, `${n}.j2`), read(n)).map((f) => f.rule)));
    expect([...rules].sort()).toEqual(['filter', 'for-loop', 'js-operator', 'nunjucks-tag', 'regex-literal', 'renders-differently', 'set-unpack', 'test']);
  });

  it.each(Object.entries(EXPECTED))('%s: one finding, and render stops with its one line', async (name, line) => {
    const file = path.join(DIR, `${name}.j2`);
    expect(lintTemplate(await lintEngine(), file, read(name))).toHaveLength(1);
    const error = await renderTemplateText(file, read(name), CONTEXT, DIR).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(errorLine(error)).toBe(line);
  });

  it('names every finding of a template, the first with its hint', async () => {
    const text = '{{ 1 === 1 }}\n{{ x|dump }}\n';
    const error = await renderTemplateText('t.j2', text, '{}', '.').catch((e: unknown) => e);
    expect(errorLine(error)).toBe("t.j2:1:6: === is JavaScript; jinja2 has no such operator — use == (1 more: t.j2:2:6: jinja2 has no filter named 'dump')");
  });

  it('reads raw blocks as text, and follows literal includes', async () => {
    const engine = await lintEngine();
    expect(lintTemplate(engine, 'a.j2', '{%- raw -%}{{ x|dump }} {% switch %}{%- endraw %}{{ 1 }}')).toEqual([]);
    const dir = path.resolve(DIR);
    const files = { dir, root: dir, read: (f: string) => (f === path.join(dir, 'part.j2') ? 'ok\n{{ 1 === 1 }}' : undefined) };
    const findings = lintTemplate(engine, path.join(dir, 'main.j2'), '{% include "part.j2" %}', files);
    expect(findings.map((f) => [path.basename(f.file), f.line, f.column, f.rule])).toEqual([['part.j2', 2, 6, 'js-operator']]);
  });

  it('finds nothing in the example workflow and the scaffolds', async () => {
    const engine = await lintEngine();
    const templates = ['workflow', 'scaffolds'].flatMap((top) =>
      readdirSync(top, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(top, d.name, 'templates')))
        .flatMap((d) => readdirSync(path.join(top, d.name, 'templates')).map((f) => path.join(top, d.name, 'templates', f))),
    );
    expect(templates.length).toBeGreaterThanOrEqual(9);
    for (const file of templates) {
      const files = { dir: path.dirname(file), root: path.dirname(path.dirname(path.dirname(file))), read: (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined) };
      expect(lintTemplate(engine, file, readFileSync(file, 'utf8'), files), file).toEqual([]);
    }
  });

  it.skipIf(!hasJinja())('refuses only real differences: no case renders alike in jinja2 and in the engine alone', async () => {
    const jinja = jinja2Outcomes(names);
    const files = { dir: path.resolve(DIR), root: path.resolve(DIR), read: () => undefined };
    const alike = [];
    for (const name of names) {
      const engineAlone = await renderJinja(files, name, read(name), { builder: pythonJson(CONTEXT) }).catch(() => 'error');
      if (engineAlone !== 'error' && engineAlone === jinja[name]) alike.push(name);
    }
    expect(alike).toEqual([]);
    // Those the engine renders are rendered otherwise by jinja2, or refused by it.
    expect(names.filter((n) => jinja[n] === 'error')).toEqual(names.filter((n) => !['filter-pprint', 'filter-urlize', 'for-bracketed-targets', 'for-loop-filter', 'set-unpack'].includes(n)));
  });
});
