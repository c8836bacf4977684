import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeCliCopy, runManual } from './cli.js';
import { sandboxState, STEP_FOLDER, writeManualWorkflow } from './fixture.js';

afterAll(removeCliCopy);

describe('what paw-tui launched is found by its tags when no journal owns it', () => {
  it('a corrupt manual.json with a running instance: one line, and doctor and runs name the instance; runs terminate ends it', async () => {
    const dir = await writeManualWorkflow();
    const launch = await runManual(dir, ['launch']).done;
    expect(launch.code, launch.stderr).toBe(0);
    const id = /instance (i-\w+) launched/.exec(launch.stdout)![1]!;
    await writeFile(path.join(dir, STEP_FOLDER, '.paw', 'manual.json'), '{"version": 1, "sta');

    const status = await runManual(dir, ['status']).done;
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/^paw-tui: .*manual\.json: not valid JSON .*\n$/);
    const doctor = await runManual(dir, [], {}, ['doctor']).done;
    expect(doctor.stdout).toMatch(new RegExp(`FAIL  left behind +instance ${id} \\(running\\) tagged for step hardening is in no journal`));
    // doctor names the journal itself, with the fix.
    expect(doctor.stdout).toMatch(
      /FAIL  interrupted +manual journal of hardening unreadable: not valid JSON \(.*\) — fix or move \S+manual\.json \(it names the step's manual instance, which may still be running/,
    );
    const runs = await runManual(dir, [], {}, ['runs']).done;
    expect(runs.stdout).toContain(`left behind: instance ${id} (running) tagged for step hardening is in no journal`);

    const end = await runManual(dir, ['--yes'], {}, ['runs', 'terminate']).done;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toContain(`left behind: terminated instance ${id}`);
    expect((await sandboxState(dir)).instances[id]!.state).not.toBe('running');
  });
});
