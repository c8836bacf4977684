import { spawnSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import { toPlain } from '../../src/workflow/jinja/values.js';
import { builderContext, renderStep } from '../../src/workflow/render.js';
import { FIXTURE, copyFixtureWorkflow } from './helpers.js';

/**
 * The Python library renders with jinja2. Where Python and jinja2 are installed, jinja2 itself
 * renders the fixture's templates with the same `builder` context, and its output must equal
 * both the hand-written expected files and paw-tui's.
 */
const JINJA = `
import json, sys, jinja2
job = json.load(sys.stdin)
out = {}
for name, path in job["templates"].items():
    with open(path, encoding="utf-8") as f:
        out[name] = jinja2.Template(f.read()).render(builder=job["builder"])
json.dump(out, sys.stdout)
`;

function hasJinja(): boolean {
  const r = spawnSync('python3', ['-c', 'import jinja2'], { encoding: 'utf8' });
  if (r.status === 0) return true;
  console.log('skipping the jinja2 comparison: python3 with jinja2 is not installed');
  return false;
}

describe.skipIf(!hasJinja())('jinja2 parity', () => {
  it('jinja2, the expected files and paw-tui agree byte for byte', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    for (const [folder, id] of [
      ['s01-pyenv', 'pyenv'],
      ['s02-app', 'app'],
    ] as const) {
      const step = findStep(wf, id);
      const ctx = { sourceAmiId: 'ami-0123456789abcdef0', sourceAmiName: 'source', region: 'us-east-1' };
      if (id === 'pyenv') Object.assign(ctx, { sourceAmiId: wf.param.root_base_ami_id, sourceAmiName: wf.param.root_base_ami_name });
      const templates = Object.fromEntries(
        (await readdir(path.join(step.dir, 'templates'))).map((t) => [`${id}${t}`, path.join(step.dir, 'templates', t)]),
      );
      const r = spawnSync('python3', ['-c', JINJA], { input: JSON.stringify({ templates, builder: toPlain(builderContext(wf, step, ctx)) }), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const jinja = JSON.parse(r.stdout) as Record<string, string>;
      await renderStep(wf, step, ctx);
      for (const [name, text] of Object.entries(jinja)) {
        expect(text, `jinja2 ${name}`).toBe(await readFile(path.join(FIXTURE, 'expected', folder, name), 'utf8'));
        expect(await readFile(path.join(step.dir, name), 'utf8'), `paw-tui ${name}`).toBe(text);
      }
    }
  });
});
