import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { hclString } from '../../src/workflow/hcl.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import { renderStep, renderedVarFiles } from '../../src/workflow/render.js';
import { FIXTURE, copyFixtureWorkflow, snapshot } from './helpers.js';

const ROOT_NAME = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607';
/** root_base_ami_id of the fixture's workflow_param.json: the library rendered with it. */
const LIBRARY_ROOT_AMI = 'ami-0975ad60e5054592a';

async function renderError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    return errorLine(e);
  }
  throw new Error('expected the render to fail');
}

/** A step folder as the Python library leaves it: its rendered files next to templates/. */
async function withLibraryRendering(sourceAmiId: string) {
  const dir = await copyFixtureWorkflow();
  const wf = await loadWorkflow(dir);
  const step = findStep(wf, 'pyenv');
  const expectedDir = path.join(FIXTURE, 'expected', 's01-pyenv');
  const names = (await readdir(expectedDir)).sort();
  for (const name of names) {
    const text = await readFile(path.join(expectedDir, name), 'utf8');
    await writeFile(
      path.join(step.dir, name),
      text.replaceAll(wf.param.root_base_ami_id, sourceAmiId),
    );
  }
  return {
    dir,
    wf,
    step,
    names,
    ctx: { sourceAmiId: wf.param.root_base_ami_id, sourceAmiName: ROOT_NAME, region: 'us-east-1' },
  };
}

describe("renderStep over the Python library's rendered files", () => {
  it('re-renders in place files identical to its output, and owns them from then on', async () => {
    const { wf, step, names, ctx } = await withLibraryRendering(LIBRARY_ROOT_AMI);
    const { files, replaced } = await renderStep(wf, step, ctx);
    expect(files.map((f) => path.basename(f)).sort()).toEqual(names);
    expect(replaced).toEqual([]);
    // Now paw-tui's: a change of params re-renders them without a question.
    const next = await renderStep(wf, step, { ...ctx, sourceAmiId: 'ami-0fedcba9876543210' });
    expect(next.replaced).toEqual([]);
    expect(await readFile(path.join(step.dir, 'pyenv.pkrvars.hcl'), 'utf8')).toContain(
      'ami-0fedcba9876543210',
    );
  });

  it('refuses headless a rendering of older params, in one line naming --force; nothing changes', async () => {
    const { dir, wf, step, ctx } = await withLibraryRendering('ami-0aaaaaaaaaaaaaaaa');
    const before = await snapshot(dir);
    const error = await renderError(renderStep(wf, step, ctx));
    expect(error).toMatch(
      /^\S*s01-pyenv\/pyenv\.pkr\.hcl, \S*s01-pyenv\/pyenv\.pkrvars\.hcl differ from what the templates render now \(an older rendering or an edit by hand\); not replacing them — pass --force to replace \(the old text is kept in \S*s01-pyenv\/\.paw\/replaced\/\), or move them away$/,
    );
    expect(await snapshot(dir)).toEqual(before);
  });

  it('with --force replaces it and keeps the old text in .paw/replaced/', async () => {
    const { wf, step, ctx } = await withLibraryRendering('ami-0aaaaaaaaaaaaaaaa');
    const old = await readFile(path.join(step.dir, 'pyenv.pkrvars.hcl'), 'utf8');
    const { replaced } = await renderStep(wf, step, ctx, { force: true });
    expect(replaced).toEqual([path.join(step.dir, 'pyenv.pkr.hcl'), path.join(step.dir, 'pyenv.pkrvars.hcl')]);
    expect(await readFile(path.join(step.dir, 'pyenv.pkrvars.hcl'), 'utf8')).toContain(
      ctx.sourceAmiId,
    );
    expect(
      await readFile(path.join(step.dir, '.paw', 'replaced', 'pyenv.pkrvars.hcl'), 'utf8'),
    ).toBe(old);
  });

  it('never loses an edit made to a file paw-tui rendered: asks, and keeps it on no', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    const ctx = { sourceAmiId: 'ami-1', sourceAmiName: 'base', region: 'us-east-1' };
    await renderStep(wf, step, ctx);
    const file = path.join(step.dir, 'pyenv.pkr.hcl');
    await writeFile(file, (await readFile(file, 'utf8')) + '# tried something\n');
    const questions: string[] = [];
    const ask = async (q: string) => (questions.push(q), false);
    expect(await renderError(renderStep(wf, step, ctx, { force: false, ask }))).toMatch(
      /^\S*s01-pyenv\/pyenv\.pkr\.hcl differs from what the templates render now .* — move it away, or build again and answer yes/,
    );
    expect(questions).toHaveLength(1);
    expect(questions[0]).toBe(
      'Replace pyenv.pkr.hcl of step pyenv? It differs from what the templates render now; the old text goes to .paw/replaced/',
    );
    expect(await readFile(file, 'utf8')).toMatch(/# tried something\n$/);
    await renderStep(wf, step, ctx, { force: false, ask: async () => true });
    expect(await readFile(file, 'utf8')).not.toContain('# tried something');
    expect(
      await readFile(path.join(step.dir, '.paw', 'replaced', 'pyenv.pkr.hcl'), 'utf8'),
    ).toMatch(/# tried something\n$/);
  });
});

describe('renderStep on a workflow written for the Python library', () => {
  it('lists the chain by step_param.json, whatever the folder names', async () => {
    const wf = await loadWorkflow(path.join(FIXTURE, 'workflow'));
    expect(
      wf.steps.map((s) => `${s.folderName}:${s.id}:${s.manual ? 'manual' : 'packer'}`),
    ).toEqual(['s01-pyenv:pyenv:packer', 's02-app:app:packer', 's03-hardening:hardening:manual']);
    expect(wf.param.unknownKeys).toEqual(['python_version']);
  });

  it('renders each step byte for byte as jinja2 would', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const cases = [
      {
        folder: 's01-pyenv',
        step: 'pyenv',
        sourceAmiId: wf.param.root_base_ami_id,
        sourceAmiName: ROOT_NAME,
      },
      {
        folder: 's02-app',
        step: 'app',
        sourceAmiId: 'ami-0123456789abcdef0',
        sourceAmiName: `${ROOT_NAME}/paw-2024-06-13-12-00-00/pyenv`,
      },
    ];
    for (const c of cases) {
      const step = findStep(wf, c.step);
      const { files } = await renderStep(wf, step, {
        sourceAmiId: c.sourceAmiId,
        sourceAmiName: c.sourceAmiName,
        region: 'us-east-1',
      });
      const expectedDir = path.join(FIXTURE, 'expected', c.folder);
      const expectedNames = (await readdir(expectedDir)).sort();
      expect(files.map((f) => path.basename(f)).sort()).toEqual(expectedNames);
      for (const name of expectedNames) {
        const actual = await readFile(path.join(dir, c.folder, name));
        expect(actual.toString('utf8'), `${c.folder}/${name}`).toBe(
          await readFile(path.join(expectedDir, name), 'utf8'),
        );
      }
    }
  });

  it('re-renders: deletes what it rendered before, never a hand-written file', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    const ctx = { sourceAmiId: 'ami-1', sourceAmiName: 'base', region: 'us-east-1' };
    await renderStep(wf, step, ctx);
    await writeFile(path.join(step.dir, 'extra.pkr.hcl'), '# mine\n');
    await writeFile(
      path.join(step.dir, 'templates', '.extra.pkrvars.hcl'),
      'x = "{{ builder.source_ami_id }}"\n',
    );
    await renderStep(wf, step, ctx);
    expect(await readFile(path.join(step.dir, 'pyenv.extra.pkrvars.hcl'), 'utf8')).toBe(
      'x = "ami-1"',
    );
    const { rm } = await import('node:fs/promises');
    await rm(path.join(step.dir, 'templates', '.extra.pkrvars.hcl'));
    await renderStep(wf, step, ctx);
    expect(existsSync(path.join(step.dir, 'pyenv.extra.pkrvars.hcl'))).toBe(false);
    expect(await readFile(path.join(step.dir, 'extra.pkr.hcl'), 'utf8')).toBe('# mine\n');
    expect(renderedVarFiles(step)).toEqual([path.join(step.dir, 'pyenv.pkrvars.hcl')]);
  });

  it('refuses to replace a hand-written file at an output name', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    await writeFile(path.join(step.dir, 'pyenv.pkr.hcl'), '# written by hand\n');
    const before = await snapshot(dir);
    const error = await renderError(
      renderStep(wf, step, { sourceAmiId: 'ami-1', sourceAmiName: 'b', region: 'r' }),
    );
    expect(error).toMatch(
      /^\S*s01-pyenv\/pyenv\.pkr\.hcl differs from what the templates render now \(an older rendering or an edit by hand\); not replacing it — pass --force to replace \(the old text is kept in \S*s01-pyenv\/\.paw\/replaced\/\), or move it away$/,
    );
    expect(await snapshot(dir)).toEqual(before);
  });

  it('stops on an undefined top-level name, naming template, line and variable, writing nothing', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    const template = path.join(step.dir, 'templates', '.pkr.hcl');
    const text = await readFile(template, 'utf8');
    await writeFile(template, text.replace('"t2.micro"', '"{{ instance_type }}"'));
    const before = await snapshot(dir);
    const error = await renderError(
      renderStep(wf, step, { sourceAmiId: 'ami-1', sourceAmiName: 'b', region: 'r' }),
    );
    expect(error).toMatch(/s01-pyenv\/templates\/\.pkr\.hcl:12:\d+: instance_type is undefined — /);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('prints an undefined member of an existing object as empty text, as jinja2 does', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    await writeFile(
      path.join(step.dir, 'templates', '.pkrvars.hcl'),
      'a = "{{ builder.workflow_param.instance_type }}"\n',
    );
    await renderStep(wf, step, { sourceAmiId: 'x', sourceAmiName: 'b', region: 'r' });
    expect(await readFile(path.join(step.dir, 'pyenv.pkrvars.hcl'), 'utf8')).toBe('a = ""');
  });

  it('names a missing key of a missing object and a null value', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    const template = path.join(step.dir, 'templates', '.pkrvars.hcl');
    await writeFile(template, 'a = 1\nb = {{ builder.step_param.nothing.here | hcl }}\n');
    expect(
      await renderError(
        renderStep(wf, step, { sourceAmiId: 'x', sourceAmiName: 'b', region: 'r' }),
      ),
    ).toMatch(/\.pkrvars\.hcl:2:\d+: builder\.step_param\.nothing is undefined \(reading 'here'\)/);
    wf.param.raw.profile_name = null;
    await writeFile(template, 'p = {{ builder.workflow_param.profile_name | hcl }}\n');
    expect(
      await renderError(
        renderStep(wf, step, { sourceAmiId: 'x', sourceAmiName: 'b', region: 'r' }),
      ),
    ).toMatch(/\.pkrvars\.hcl:1:\d+: hcl: the value is None/);
  });

  it('reports a template syntax error with its place', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    await writeFile(path.join(step.dir, 'templates', '.pkrvars.hcl'), 'a = 1\n{% if %}\n');
    expect(
      await renderError(
        renderStep(wf, step, { sourceAmiId: 'x', sourceAmiName: 'b', region: 'r' }),
      ),
    ).toMatch(/\.pkrvars\.hcl:\d+(:\d+)?: .+ — fix the template/);
  });

  it('refuses an output AMI name over 128 characters before writing anything', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    wf.param.workflow_id = 'w'.repeat(60);
    const before = await snapshot(dir);
    const error = await renderError(
      renderStep(wf, findStep(wf, 'pyenv'), { sourceAmiId: 'x', sourceAmiName: 'b', region: 'r' }),
    );
    expect(error).toMatch(/^output AMI name is 1\d\d characters, EC2 allows at most 128: /);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses a manual step (no templates)', async () => {
    const wf = await loadWorkflow(path.join(FIXTURE, 'workflow'));
    expect(
      await renderError(
        renderStep(wf, findStep(wf, 'hardening'), {
          sourceAmiId: 'x',
          sourceAmiName: 'b',
          region: 'r',
        }),
      ),
    ).toMatch(/step "hardening" has no templates to render .* — it is a manual step/);
  });

  it('keeps Packer expressions written inside {% raw %}', async () => {
    const dir = await copyFixtureWorkflow();
    const wf = await loadWorkflow(dir);
    const step = findStep(wf, 'pyenv');
    await mkdir(path.join(step.dir, 'templates'), { recursive: true });
    await writeFile(
      path.join(step.dir, 'templates', '.pkrvars.hcl'),
      'n = "{% raw %}{{ timestamp }}{% endraw %}"\n',
    );
    await renderStep(wf, step, { sourceAmiId: 'x', sourceAmiName: 'b', region: 'r' });
    expect(await readFile(path.join(step.dir, 'pyenv.pkrvars.hcl'), 'utf8')).toBe(
      'n = "{{ timestamp }}"',
    );
  });
});

describe('the hcl filter', () => {
  it('quotes a value as an HCL string literal', () => {
    expect(hclString('plain')).toBe('"plain"');
    expect(hclString('say "hi" \\ ${var.x} %{ if } $5 %d')).toBe(
      '"say \\"hi\\" \\\\ $${var.x} %%{ if } $5 %d"',
    );
    expect(hclString('a\nb\tc\u0001')).toBe('"a\\nb\\tc\\u0001"');
    expect(hclString(3)).toBe('"3"');
    expect(hclString(null)).toBeUndefined();
  });
});
