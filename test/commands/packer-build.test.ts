import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { findInterruptedRuns, terminateRunInstance } from '../../src/packer/runs.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { copyOf, packerGroupRuns, requireBuiltCli, ROOT, runCli, runJournalHolds, runJournalPackerPid, startCli, waitFor } from './packer-cli.js';

const FAST = { PAW_FAKE_PACKER_SPEED: '20' };
const OUTPUT_ROOT = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/paw-example';

beforeAll(() => requireBuiltCli());

async function runs(stepDir: string) {
  const dir = path.join(stepDir, '.paw', 'runs');
  const names = await readdir(dir);
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8'))));
}

async function sandboxImages(workflowDir: string) {
  const state = JSON.parse(await readFile(path.join(workflowDir, '.paw', 'sandbox', 'state.json'), 'utf8'));
  return Object.values(state.images) as { id: string; name: string; state: string }[];
}

describe('paw-tui build in the sandbox (the example workflow)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyOf(path.join(ROOT, 'workflow'));
  });

  it('--dry-run prints the checks and the exact build command, and builds nothing', async () => {
    const r = await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--dry-run'], FAST);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ packer validate: the configuration is valid');
    expect(r.stdout).toContain(
      `build command:\n  cd ${path.join(dir, 's01-base')} && packer build -color=true -on-error=cleanup -var-file=base.pkrvars.hcl .\n`,
    );
    expect((await sandboxImages(dir)).filter((i) => i.name.startsWith(OUTPUT_ROOT))).toEqual([]);
    await expect(readdir(path.join(dir, 's01-base', '.paw', 'runs'))).rejects.toThrow();
  });

  it('build base then build app: two AMIs, app built from base, both recorded and tagged', async () => {
    const base = await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], FAST);
    expect(base.code, base.stderr).toBe(0);
    expect(base.stdout).toMatch(/==> base\.amazon-ebs\.ubuntu: Launching a source AWS instance/);
    expect(base.stdout).not.toMatch(/\x1b\[/);
    expect(base.stdout).toMatch(/^phases:$/m);
    const app = await runCli(['--workflow', dir, '--sandbox', 'build', 'app', '--yes'], FAST);
    expect(app.code, app.stderr).toBe(0);

    const cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, region: 'us-east-1', table: null });
    try {
      const baseItem = await cloud.catalog.get('paw-example', 'base');
      const appItem = await cloud.catalog.get('paw-example', 'app');
      expect(baseItem).toMatchObject({
        ami_name: `${OUTPUT_ROOT}/base`,
        base_ami_id: 'ami-0975ad60e5054592a',
        build_method: 'packer',
        packer_version: '1.6.6',
      });
      expect(appItem).toMatchObject({
        ami_name: `${OUTPUT_ROOT}/app`,
        base_ami_id: baseItem!.ami_id,
        base_ami_name: `${OUTPUT_ROOT}/base`,
        build_method: 'packer',
      });
      expect(Number(appItem!.duration_s)).toBeGreaterThanOrEqual(0);
      expect(base.stdout).toContain(`built ${baseItem!.ami_id} for step base`);
      const [baseImage, appImage] = await cloud.images.describe([baseItem!.ami_id, appItem!.ami_id]);
      expect(appImage!.tags).toMatchObject({
        Name: `${OUTPUT_ROOT}/app`,
        'packer:base_ami_id': baseItem!.ami_id,
        'packer:base_ami_name': `${OUTPUT_ROOT}/base`,
        'packer:root_base_ami_id': 'ami-0975ad60e5054592a',
        'paw:workflow_id': 'paw-example',
        'paw:step_id': 'app',
        'bus:owner': 'platform-team',
      });
      expect(baseImage!.tags['paw:step_id']).toBe('base');
      const [runApp] = await runs(path.join(dir, 's02-app'));
      expect(runApp).toMatchObject({ status: 'succeeded', exitCode: 0, amiId: appItem!.ami_id, instanceId: expect.stringMatching(/^i-/) });
    } finally {
      await cloud.close();
    }
  }, 90_000);

  it('refuses to build over an AMI name that is taken, in one line', async () => {
    const r = await runCli(['--workflow', dir, '--sandbox', 'build', 'app', '--yes'], FAST);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^paw-tui: output AMI name ${OUTPUT_ROOT}/app is already taken by ami-\\w+ — delete that AMI first`)),
    ]);
  });
});

describe('paw-tui build on a terminal', () => {
  it("streams Packer's raw output, colours included", async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const { startTerminal } = await import('../../src/packer/terminal.js');
    const term = startTerminal({
      file: process.execPath,
      args: [path.join(ROOT, 'dist', 'cli.js'), '--workflow', dir, '--sandbox', 'build', 'base', '--yes'],
      cwd: ROOT,
      env: { ...FAST, PAW_PACKER: undefined, PAW_SANDBOX_STATE: undefined, NO_COLOR: undefined },
      cols: 160,
      rows: 50,
      scrollback: 2000,
    });
    try {
      const exit = await new Promise<{ exitCode: number }>((resolve) => term.onExit(resolve));
      expect(exit.exitCode).toBe(0);
      const lines = term.view(0, 2000);
      const launching = lines.find((l) =>
        l
          .map((s) => s.text)
          .join('')
          .includes('==> base.amazon-ebs.ubuntu: Launching a source AWS instance'),
      );
      expect(launching?.find((s) => s.text.includes('Launching'))?.fg).toMatch(/^#[0-9a-f]{6}$/);
    } finally {
      term.dispose();
    }
  }, 60_000);
});

describe('paw-tui validate in the sandbox', () => {
  it('validates a step that is already built: the taken name is reported, not an error', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    expect((await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], FAST)).code).toBe(0);
    const r = await runCli(['--workflow', dir, '--sandbox', 'validate', 'base'], FAST);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ output AMI name valid and free: .*\/paw-example\/base \(taken by ami-\w+: a build would stop here\)$/m);
    expect(r.stdout).toContain('- catalog table: not needed to validate');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('step base: the Packer configuration is valid');
  }, 60_000);
});

describe('faults', () => {
  it('output piped into a reader that goes away: the build goes on and the AMI is recorded', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const run = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], FAST);
    run.child.stdout!.once('data', () => run.child.stdout!.destroy());
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toBe('');
    const [journal] = await runs(path.join(dir, 's01-base'));
    expect(journal).toMatchObject({ status: 'succeeded', amiId: expect.stringMatching(/^ami-/) });
    expect(await readFile(journal.logPath, 'utf8')).toContain(`recorded ${journal.amiId} in the catalog`);
  }, 60_000);

  it('a manual step or an unknown step: one line, exit 1', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const manual = await runCli(['--workflow', dir, '--sandbox', 'build', 'hardening', '--yes']);
    expect(manual.code).toBe(1);
    expect(manual.stderr).toBe('paw-tui: step hardening is a manual step (it has no templates/) — use: paw-tui manual hardening\n');
    const unknown = await runCli(['--workflow', dir, '--sandbox', 'validate', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^paw-tui: .*nope.*base.*app/)]);
  });

  it('packer missing: one line saying how to install it', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const r = await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], { PAW_PACKER: '/nonexistent/packer' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^paw-tui: PAW_PACKER points at \/nonexistent\/packer, which is not an executable file — install it \(Debian\/Ubuntu: sudo apt-get install packer/,
      ),
    ]);
  });

  it('packer exits non-zero: the failing provisioner in one line, the run journal says failed', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const r = await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], { ...FAST, PAW_FAKE_PACKER_FAIL: 'provision' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^paw-tui: packer build failed with exit code 1: .*exit status: 100/)]);
    const [run] = await runs(path.join(dir, 's01-base'));
    expect(run).toMatchObject({ status: 'failed', exitCode: 1 });
  });

  it('source AMI deregistered: says which step to rebuild', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    expect((await runCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], FAST)).code).toBe(0);
    const cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, region: 'us-east-1', table: null });
    try {
      const item = await cloud.catalog.get('paw-example', 'base');
      await cloud.images.deregister(item!.ami_id);
    } finally {
      await cloud.close();
    }
    const r = await runCli(['--workflow', dir, '--sandbox', 'build', 'app', '--yes'], FAST);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^paw-tui: the AMI of step base \(ami-\w+\) is .*not available — rebuild step base \(paw-tui build base\)$/),
    ]);
  });
});

describe('interrupts (the simulated Packer a little faster than real, slow enough to interrupt)', () => {
  const PACE = { PAW_FAKE_PACKER_SPEED: '3' };
  let dir: string;
  beforeEach(async () => {
    dir = await copyOf(path.join(ROOT, 'workflow'));
  });

  it('Ctrl-C mid-build: Packer cleans up, exit 130, the journal holds the instance id', async () => {
    const run = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], PACE);
    await waitFor(() => /Instance ID: i-\w+/.test(run.stdout()), 'the instance id in the output');
    run.child.kill('SIGINT');
    const code = await run.exit;
    expect(code).toBe(130);
    expect(run.stdout()).toContain('interrupting Packer; it cleans up before it exits');
    expect(run.stderr().trim()).toMatch(/^paw-tui: build interrupted: Packer cleaned up and exited with code \d+$/);
    const [journal] = await runs(path.join(dir, 's01-base'));
    const instanceId = /Instance ID: (i-\w+)/.exec(run.stdout())![1];
    expect(journal).toMatchObject({ status: 'interrupted', instanceId });
    const log = await readFile(journal.logPath, 'utf8');
    expect(log).toMatch(/Terminating the source AWS instance/);
    expect(log).toMatch(/Build was cancelled|cancelled/i);
  });

  it('a paw-tui killed with SIGKILL mid-build is found at the next start with its instance id', async () => {
    const run = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], PACE);
    await waitFor(() => /Instance ID: i-\w+/.test(run.stdout()), 'the instance id in the output');
    const instanceId = /Instance ID: (i-\w+)/.exec(run.stdout())![1]!;
    // The journal is updated as the id appears, in an atomic write of its own.
    await waitFor(() => runJournalHolds(path.join(dir, 's01-base'), instanceId), 'the instance id in the run journal');
    run.child.kill('SIGKILL');
    await run.exit;
    const workflow = await loadWorkflow(dir);
    // The terminal's hang-up ends Packer (unless hang-ups are ignored), and it may be ending while
    // the runs are read: it is looked at just before and just after.
    const packerGroup = runJournalPackerPid(path.join(dir, 's01-base'));
    const runningBefore = packerGroupRuns(packerGroup);
    const found = await findInterruptedRuns(workflow);
    const runningAfter = packerGroupRuns(packerGroup);
    expect(found.map((r) => [r.stepId, r.instanceId])).toEqual([['base', instanceId]]);

    const cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, region: 'us-east-1', table: null });
    try {
      // A Packer still building when paw-tui died is interrupted first; one that ended, reaped
      // or not, is not waited for.
      const packerRunning = found[0]!.packerRunning;
      if (runningBefore === runningAfter) expect(packerRunning).toBe(runningBefore);
      else expect(runningBefore && !runningAfter).toBe(true);
      expect(await terminateRunInstance(cloud, found[0]!)).toMatch(
        new RegExp(
          `^${packerRunning ? 'interrupted the Packer left running \\(pid \\d+\\); ' : ''}(terminated instance ${instanceId} \\(was (running|pending)\\)|instance ${instanceId} was already (terminated|shutting down))$`,
        ),
      );
      const [instance] = await cloud.instances.describe([instanceId!]);
      expect(['shutting-down', 'terminated']).toContain(instance!.state);
    } finally {
      await cloud.close();
    }
    expect(await findInterruptedRuns(workflow)).toEqual([]);
  });

  it('a second Ctrl-C stops Packer at once and warns with the instance id', async () => {
    const run = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], PACE);
    await waitFor(() => /Instance ID: i-\w+/.test(run.stdout()), 'the instance id in the output');
    const instanceId = /Instance ID: (i-\w+)/.exec(run.stdout())![1];
    run.child.kill('SIGINT');
    await waitFor(() => run.stdout().includes('interrupting Packer'), 'the first interrupt to be taken');
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.stdout()).toContain(`stopping Packer at once; instance ${instanceId} may be left running`);
    expect(run.stderr().trim()).toBe(
      `paw-tui: build stopped by force: instance ${instanceId} may be left running — check it in EC2 and terminate it (the home screen offers to)`,
    );
    const found = await findInterruptedRuns(await loadWorkflow(dir));
    expect(found.map((r) => [r.status, r.instanceId, r.cleanupSkipped])).toEqual([['interrupted', instanceId, true]]);
  });
});
