import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { NewStepScreen } from '../../src/ui/screens/NewStepScreen.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { fakeCloud } from '../aws/fake-cloud.js';
import { keys, makeWorkflow, tick, type, waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('new step', () => {
  it('previews the files, then creates the step chained after the last one', async () => {
    const dir = makeWorkflow();
    dirs.push(dir);
    const workflow = await loadWorkflow(dir);
    const { lastFrame, stdin, h } = renderScreen('new-step', workflow, fakeCloud(), (ctx) => <NewStepScreen ctx={ctx} />);
    await waitFor(() => expect(lastFrame()).toContain("Type the new step's id"));
    expect(lastFrame()).toContain('‹ step2 ›');
    await type(stdin, 'step 3');
    await waitFor(() => expect(lastFrame()).toContain('is not a safe step id'));
    stdin.write(keys.ctrlS);
    await waitFor(() => expect(h.errors).toHaveLength(1));
    // Shown as the user's mistake, in one line, not as a defect of the app.
    expect(errorLine(h.errors[0])).toMatch(/^"step 3" is not a safe step id — use letters/);
    stdin.write(keys.backspace);
    await tick();
    stdin.write(keys.backspace);
    await tick();
    await type(stdin, '3');
    await waitFor(() => expect(lastFrame()).toContain('Will create'));
    expect(lastFrame()).toContain('step_param.json');
    stdin.write(keys.tab);
    await tick();
    await type(stdin, 's03-step3');
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.tab);
    await tick();
    await type(stdin, 'purpose=third layer');
    await waitFor(() => expect(lastFrame()).toContain('s03-step3 ('));
    stdin.write(keys.ctrlS);
    await waitFor(() => expect(lastFrame()).toContain('✔ created step step3'));
    const param = JSON.parse(readFileSync(path.join(dir, 's03-step3', 'step_param.json'), 'utf8'));
    expect(param).toEqual({ step_id: 'step3', previous_step_id: 'step2', metadata: { purpose: 'third layer' } });
    expect(h.reloads).toBe(1);
  });
});
