import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOf, requireBuiltCli, ROOT, runCli, startCli, waitFor } from './packer-cli.js';

const PACE = { PAW_FAKE_PACKER_SPEED: '0.5', PAW_SANDBOX_SPEED: '20' };

beforeAll(() => requireBuiltCli());

describe('runs and doctor: a build whose paw-tui died', () => {
  it('is listed with its running instance, reported by doctor, and terminated only with a confirmation', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const run = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], PACE);
    await waitFor(() => /Instance ID: i-\w+/.test(run.stdout()), 'the instance id in the output');
    const instanceId = /Instance ID: (i-\w+)/.exec(run.stdout())![1]!;
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGKILL');
    await run.exit;

    const listed = await runCli(['--workflow', dir, '--sandbox', 'runs', '--json']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { stepId: string; instanceId: string; instanceState: string }[];
    expect(rows.map((r) => [r.stepId, r.instanceId])).toEqual([['base', instanceId]]);
    expect(['pending', 'running']).toContain(rows[0]!.instanceState);

    const doctor = await runCli(['--workflow', dir, '--sandbox', 'doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`FAIL  interrupted    interrupted builds may have left instances running: base (${instanceId}) — check them with paw-tui runs`);

    const refused = await runCli(['--workflow', dir, '--sandbox', 'runs', 'terminate']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`paw-tui: terminating ${instanceId} needs a confirmation — pass --yes`);

    const ended = await runCli(['--workflow', dir, '--sandbox', 'runs', 'terminate', '--yes']);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(new RegExp(`^base  run \\S+: terminated instance ${instanceId} \\(was (running|pending)\\)$`, 'm'));

    const after = await runCli(['--workflow', dir, '--sandbox', 'runs']);
    expect(after.stdout.trim()).toBe('no interrupted runs');
  });
});
