import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOf, packerGroupRuns, requireBuiltCli, ROOT, runCli, runJournalHolds, runJournalPackerPid, startCli, waitFor } from './packer-cli.js';

const PACE = { PAW_FAKE_PACKER_SPEED: '0.5', PAW_SANDBOX_SPEED: '20' };

beforeAll(() => requireBuiltCli());

describe('runs and doctor: a build whose paw-tui died', () => {
  it('is listed with its running instance, reported by doctor, and terminated only with a confirmation', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const run = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], PACE);
    await waitFor(() => /Instance ID: i-\w+/.test(run.stdout()), 'the instance id in the output');
    const instanceId = /Instance ID: (i-\w+)/.exec(run.stdout())![1]!;
    await waitFor(() => runJournalHolds(path.join(dir, 's01-base'), instanceId), 'the instance id in the run journal');
    run.child.kill('SIGKILL');
    await run.exit;

    const listed = await runCli(['--workflow', dir, '--sandbox', 'runs', '--json']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { stepId?: string; instanceId?: string; instanceState?: string; packerRunning?: boolean }[];
    // The terminal's hang-up ends Packer unless hang-ups are ignored where the test runs (nohup):
    // either way `runs` says which, found by the process group the journal names (a Packer that
    // ended but was not reaped does not run).
    const packerRunning = packerGroupRuns(runJournalPackerPid(path.join(dir, 's01-base')));
    expect(rows[0]).toMatchObject({ stepId: 'base', instanceId, packerRunning });
    expect(['pending', 'running']).toContain(rows[0]!.instanceState);

    const doctor = await runCli(['--workflow', dir, '--sandbox', 'doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(
      `FAIL  interrupted    interrupted builds may have left instances running: base (${instanceId}) — check them with paw-tui runs`,
    );

    const refused = await runCli(['--workflow', dir, '--sandbox', 'runs', 'terminate']);
    expect(refused.code).toBe(2);
    // Packer's temporary key pair is named too when Packer has died without its clean-up.
    expect(refused.stderr.trim()).toMatch(
      new RegExp(
        `^paw-tui: terminating ${instanceId}${packerRunning ? '' : " and deleting Packer's temporary key pair packer_[0-9a-f-]+"} needs confirmation and there is no terminal to ask — pass --yes$`,
      ),
    );

    const ended = await runCli(['--workflow', dir, '--sandbox', 'runs', 'terminate', '--yes']);
    expect(ended.code).toBe(0);
    // Packer is interrupted first (unless it ended meanwhile), then the instance is made sure of.
    expect(ended.stdout).toMatch(
      new RegExp(
        `^base  run \\S+: (interrupted the Packer left running \\(pid \\d+\\); )?(terminated instance ${instanceId} \\(was (running|pending|stopping|stopped)\\)|instance ${instanceId} was already (terminated|shutting down))$`,
        'm',
      ),
    );
    expect(await runCli(['--workflow', dir, '--sandbox', 'runs', '--json']).then((r) => JSON.parse(r.stdout))).toEqual([]);

    const after = await runCli(['--workflow', dir, '--sandbox', 'runs']);
    expect(after.stdout.trim()).toBe('no interrupted runs');
  });
});
