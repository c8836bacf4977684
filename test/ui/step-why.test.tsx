import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { BuildJobs } from '../../src/packer/build-jobs.js';
import { StepScreen } from '../../src/ui/screens/StepScreen.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import { waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';
import { fakePackerBuilt, sandboxWorkflow } from './sandbox.js';

const opened: Cloud[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(path.dirname(d), { recursive: true, force: true });
});

describe.skipIf(!fakePackerBuilt())('the step view says why a step is stale, in full', () => {
  it('every changed file with how, every param old → new with secrets redacted, the newer base; v shows it all in a pane', async () => {
    const { dir, workflow, cloud } = await sandboxWorkflow();
    opened.push(cloud);
    dirs.push(dir);
    const jobs = new BuildJobs();
    const session = await jobs.start({ cloud, workflow, step: findStep(workflow, 'base'), onError: 'cleanup', cols: 100, rows: 20 });
    expect((await session.done).status).toBe('succeeded');
    jobs.dispose();

    // Change the step after its build: a file each way, its params (one of them a secret), a workflow param its templates read.
    const base = path.join(dir, 's01-base');
    appendFileSync(path.join(base, 'zero_deps_script.py'), '\n# one more line\n');
    rmSync(path.join(base, 'README.md'));
    writeFileSync(path.join(base, 'extra.sh'), 'echo extra\n');
    const stepParam = path.join(base, 'step_param.json');
    writeFileSync(
      stepParam,
      readFileSync(stepParam, 'utf8')
        .replace('"updates and base tools (curl, wget, git, unzip)"', '"updates only"')
        .replace('"metadata": {', '"metadata": {\n        "db_password": "hunter2-not-shown",'),
    );
    const params = path.join(dir, 'workflow_param.json');
    writeFileSync(params, readFileSync(params, 'utf8').replace('"subnet_name": "default-public-1a"', '"subnet_name": "private-1b"'));
    const changed = await loadWorkflow(dir);

    const { lastFrame, stdin } = renderScreen('step', changed, cloud, (ctx) => <StepScreen ctx={ctx} stepId="base" />, { columns: 120, bodyRows: 30 });
    await waitFor(() => expect(lastFrame()).toMatch(/layer\s+◐ stale\s+\(v lists why in full\)/), 20_000);
    const inline = lastFrame()!;
    expect(inline).toMatch(/^ {2}newer base ami-[0-9a-f]+ \(2024-07-20\)$/m);
    expect(inline).toContain('  files changed (4):\n    removed   README.md\n    added     extra.sh\n  … 7 more: v shows all');

    stdin.write('v');
    await waitFor(() => expect(lastFrame()).toMatch(/why base is stale \(11 lines\)/));
    const pane = lastFrame()!;
    const lines = [
      'newer base ami-',
      'files changed (4):',
      '  removed   README.md',
      '  added     extra.sh',
      '  modified  step_param.json',
      '  modified  zero_deps_script.py',
      'step params changed (2):',
      '  step_param.json metadata.db_password: (absent) → "[redacted]"',
      '  step_param.json metadata.what_is_included: "updates and base tools (curl, wget, git, unzip)" → "updates only"',
      'workflow params changed (1):',
      '  workflow_param.json subnet_name: "default-public-1a" → "private-1b"',
    ];
    const at = lines.map((l) => pane.indexOf(`\n${l}`));
    expect(
      at.every((i) => i >= 0),
      pane,
    ).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(pane).not.toContain('hunter2');
  }, 120_000);
});
