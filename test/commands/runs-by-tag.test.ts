import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyOf, requireBuiltCli, ROOT, runCli, startCli, waitFor } from './packer-cli.js';

const PACE = { PAW_FAKE_PACKER_SPEED: '0.5', PAW_SANDBOX_SPEED: '20' };

beforeAll(() => requireBuiltCli());

describe('a build instance with no journal', () => {
  it('is tagged with the workflow, step and run by the template, so runs names it after the journal is gone', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    const run = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], PACE);
    await waitFor(() => /Instance ID: i-\w+/.test(run.stdout()), 'the instance id in the output');
    const instanceId = /Instance ID: (i-\w+)/.exec(run.stdout())![1]!;
    const runId = /Adding tag: "paw:run_id": "(base-[\w-]+)"/.exec(run.stdout())?.[1];
    expect(runId, run.stdout()).toBeDefined();
    expect(run.stdout()).toContain('Adding tag: "paw:workflow_id": "paw-example"');
    run.child.kill('SIGKILL');
    await run.exit;
    const runsDir = path.join(dir, 's01-base', '.paw', 'runs');
    expect(await readdir(runsDir)).toContain(`${runId}.json`);
    await rm(runsDir, { recursive: true, force: true });

    const listed = await runCli(['--workflow', dir, '--sandbox', 'runs']);
    expect(listed.stdout).toMatch(new RegExp(`^left behind: instance ${instanceId} \\((pending|running)\\) tagged for step base is in no journal$`, 'm'));
  });
});
