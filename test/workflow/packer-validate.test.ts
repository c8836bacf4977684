import { execFile } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/workflow/load.js';
import { renderStep, renderedVarFiles } from '../../src/workflow/render.js';
import { exampleWorkflowDir } from '../../src/paths.js';
import { FIXTURE, tempDir } from './helpers.js';

const run = promisify(execFile);

/** Real Packer: required in CI, skipped with a printed reason elsewhere. */
async function packerVersion(): Promise<string | undefined> {
  try {
    return (await run('packer', ['version'])).stdout.trim();
  } catch {
    if (process.env.CI) throw new Error('packer is not on PATH, and CI needs it (apt-get install -y packer)');
    console.log('skipping the real Packer test: packer is not on PATH');
    return undefined;
  }
}

const packer = await packerVersion();

describe.skipIf(!packer)(`real ${packer ?? 'packer'} on rendered files`, () => {
  it('validates, then builds, a null-source step whose params hold ", \\, ${ and %{', async () => {
    const dir = path.join(await tempDir(), 'workflow');
    await cp(path.join(FIXTURE, 'null-workflow'), dir, { recursive: true });
    const wf = await loadWorkflow(dir);
    const step = wf.steps[0]!;
    await renderStep(wf, step, { sourceAmiId: 'ami-0123', sourceAmiName: 'base', region: 'us-east-1' });
    const varFiles = renderedVarFiles(step).map((f) => `-var-file=${f}`);
    expect(varFiles).toHaveLength(1);
    const validate = await run('packer', ['validate', ...varFiles, '.'], { cwd: step.dir });
    expect(validate.stderr).toBe('');
    await run('packer', ['build', ...varFiles, '.'], { cwd: step.dir, env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    // Each value reached Packer exactly as written in the params, quotes and all.
    const out = (name: string) => readFile(path.join(step.dir, name), 'utf8');
    expect(await out('greeting.out')).toBe(step.param.metadata.greeting);
    expect(await out('greeting.out')).toContain('say "hi" to ${var.not_a_variable} and %{ if true }, C:\\path\\ ok\nsecond line');
    expect(await out('tag_note.out')).toBe('quotes " and ${dollar} %{percent} \\ stay text');
    expect(await out('ami_name.out')).toBe('ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/null-check/local');
    // `{% raw %}` handed Packer its own template expression, which Packer then evaluated.
    expect(await out('raw.out')).toBe('local');
  });

  it('refuses the same value written without the hcl filter (why the filter exists)', async () => {
    const dir = path.join(await tempDir(), 'workflow');
    await cp(path.join(FIXTURE, 'null-workflow'), dir, { recursive: true });
    const vars = path.join(dir, 's01-local', 'templates', '.pkrvars.hcl');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(vars, (await readFile(vars, 'utf8')).replace('{{ builder.step_param.metadata.greeting | hcl }}', '"{{ builder.step_param.metadata.greeting }}"'));
    const wf = await loadWorkflow(dir);
    const step = wf.steps[0]!;
    await renderStep(wf, step, { sourceAmiId: 'ami-0123', sourceAmiName: 'base', region: 'us-east-1' });
    const varFiles = renderedVarFiles(step).map((f) => `-var-file=${f}`);
    await expect(run('packer', ['validate', ...varFiles, '.'], { cwd: step.dir })).rejects.toThrow();
  });

  it('validates the step1 scaffold as rendered for this Packer (the example workflow)', async () => {
    const dir = path.join(await tempDir(), 'workflow');
    await cp(exampleWorkflowDir(), dir, { recursive: true });
    const wf = await loadWorkflow(dir);
    const version = /(\d+\.\d+\.\d+)/.exec(packer!)![1]!;
    for (const step of wf.steps.filter((s) => !s.manual)) {
      await renderStep(wf, step, { sourceAmiId: 'ami-0123456789abcdef0', sourceAmiName: 'base', region: 'us-east-1', packerVersion: version });
      const varFiles = renderedVarFiles(step).map((f) => `-var-file=${f}`);
      const r = await run('packer', ['validate', ...varFiles, '.'], { cwd: step.dir }).catch((e: { stdout?: string; stderr?: string }) => {
        throw new Error(`packer ${version} refused ${step.id}: ${e.stdout ?? ''}${e.stderr ?? ''}`);
      });
      expect(r.stderr).toBe('');
      const main = await readFile(path.join(step.dir, `${step.id}.pkr.hcl`), 'utf8');
      expect(main.includes('required_plugins')).toBe(!version.startsWith('1.6.'));
    }
  });
});
