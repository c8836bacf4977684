import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBuild } from '../../src/packer/build-session.js';
import { findPacker } from '../../src/packer/find.js';
import type { BuildState } from '../../src/packer/types.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import { fixtureCopy } from './fixtures.js';
import { image, memoryCloud } from './memory-cloud.js';
import { realPacker } from './real-packer.js';

const packer = realPacker();
const ROOT = image('ami-0123456789abcdef0', 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607');

async function session(fixture: string, options: { notify?: boolean; dryRun?: boolean; images?: ReturnType<typeof image>[] } = {}) {
  const dir = await fixtureCopy(fixture);
  const workflow = await loadWorkflow(dir);
  const step = findStep(workflow, 'local');
  const cloud = memoryCloud(options.images ?? [ROOT]);
  const build = startBuild({
    cloud,
    workflow,
    step,
    onError: 'cleanup',
    notify: options.notify,
    dryRun: options.dryRun,
    packer: await findPacker({ PATH: path.dirname(packer!) }),
    tableConsent: { yes: true },
    cols: 100,
    rows: 20,
  });
  return { build, cloud, workflow, step };
}

describe.skipIf(!packer)('build session with the real Packer', () => {
  it('runs the preflight checks in order, then reports a failing provisioner with its error, and opens an incident', async () => {
    const { build, cloud } = await session('wf-fail', { notify: true });
    const seen: BuildState[] = [];
    build.subscribe((s) => seen.push(s));
    const state = await build.done;
    expect(seen.some((s) => s.status === 'preflight')).toBe(true);
    expect(seen.some((s) => s.status === 'running')).toBe(true);
    expect(state.checks.map((c) => [c.id, c.status])).toEqual([
      ['packer', 'ok'],
      ['credentials', 'ok'],
      ['source-ami', 'ok'],
      ['output-name', 'ok'],
      ['catalog', 'ok'],
      ['render', 'ok'],
      ['init', 'skipped'],
      ['validate', 'ok'],
    ]);
    expect(state.checks[0]!.detail).toMatch(/^packer 1\.\d+\.\d+/);
    expect(state.status).toBe('failed');
    expect(state.exitCode).toBe(1);
    expect(state.commandExitCode).toBe(1);
    expect(state.error).toMatch(/^packer build failed with exit code 1: null\.local: Script exited with non-zero exit status: 100/);
    const log = await readFile(state.logPath!, 'utf8');
    expect(log).toContain('E: Unable to locate package nonexistent-package');
    expect(log).toContain('building ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/wf-fail/local');
    const run = JSON.parse(await readFile(path.join(path.dirname(state.logPath!), '..', 'runs', `${state.runId}.json`), 'utf8'));
    expect(run).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(cloud.incidentsStarted).toHaveLength(1);
    expect(cloud.incidentsStarted[0]).toMatchObject({
      responsePlanArn: 'arn:aws:ssm-incidents::123456789012:response-plan/ami-builds',
      title: 'paw-tui: build of step local failed in workflow wf-fail',
      impact: 3,
    });
    expect(cloud.incidentsStarted[0]!.summary).toContain('E: Unable to locate package nonexistent-package');
    expect(cloud.items).toEqual([]);
    build.dispose();
  });

  it('fails clearly when Packer succeeds but leaves no manifest and no AMI in its output', async () => {
    const { build, cloud } = await session('wf-noami');
    const state = await build.done;
    expect(state.exitCode).toBe(0);
    expect(state.status).toBe('failed');
    expect(state.error).toMatch(
      /^Packer exited 0 but no AMI was found: no manifest, no AMI id in its output, and no AMI named .*\/wf-noami\/local in this account/,
    );
    expect(cloud.incidentsStarted).toEqual([]);
    expect(build.debugTerminal!.lines().join('\n')).toMatch(/Packer version/);
    build.dispose();
  });

  it('dry run: renders and validates, shows the exact command, starts nothing', async () => {
    const { build, step } = await session('wf-noami', { dryRun: true });
    const state = await build.done;
    expect(state.status).toBe('succeeded');
    expect(build.command).toBe(`cd ${step.dir} && packer build -color=true -on-error=cleanup -var-file=local.pkrvars.hcl .`);
    expect(build.terminal).toBeNull();
    expect(state.runId).toBe('');
  });

  it('stops before Packer when the source AMI is gone or the output name is taken', async () => {
    const gone = await session('wf-noami', { images: [] });
    const s1 = await gone.build.done;
    expect(s1.status).toBe('failed');
    expect(s1.error).toMatch(/^root base AMI ami-0123456789abcdef0 does not exist/);
    expect(s1.checks.find((c) => c.id === 'source-ami')!.status).toBe('failed');
    expect(gone.build.terminal).toBeNull();

    const taken = image('ami-0fffffffffffffff1', 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/wf-noami/local');
    const clash = await session('wf-noami', { images: [ROOT, taken] });
    const s2 = await clash.build.done;
    expect(s2.error).toBe(
      'output AMI name ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/wf-noami/local is already taken by ami-0fffffffffffffff1 — delete that AMI first (paw-tui amis delete ami-0fffffffffffffff1) or change the step id',
    );
    expect(s2.checks.find((c) => c.id === 'render')!.status).toBe('pending');
  });
});
