import path from 'node:path';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { openManualGuide } from '../../src/manual/guide.js';
import { readJournal } from '../../src/manual/journal.js';
import { statusText } from '../../src/manual/status.js';
import { App } from '../../src/ui/app.js';
import { KeyDispatch } from '../../src/ui/hooks/useKeys.js';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import { editSandbox, manualWorkflow } from '../manual/fixture.js';
import { keys, renderText, tick, waitFor } from './fixtures.js';

const opened: Cloud[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(path.dirname(d), { recursive: true, force: true });
});

/** The manual path of hardening walked to its end, then its AMI deregistered outside paw-tui. */
async function finishedThenDeregistered(): Promise<{ dir: string; imageId: string }> {
  const w = await manualWorkflow();
  dirs.push(w.dir);
  const step = findStep(w.workflow, 'hardening');
  const guide = await openManualGuide(w.cloud, w.workflow, step);
  await guide.perform('launch');
  await guide.resume();
  await guide.perform('stop', { confirmed: true });
  await guide.resume();
  await guide.perform('terminate', { confirmed: true });
  await guide.resume({ yes: true });
  expect(guide.view.state).toBe('done');
  const imageId = guide.view.journal.imageId!;
  await w.cloud.close();
  await editSandbox(w.dir, (s) => {
    delete s.images[imageId];
  });
  return { dir: w.dir, imageId };
}

describe('a finished manual step whose AMI was deregistered afterwards', () => {
  it('home, the step view and the guide say the AMI is gone; Enter asks, naming the step, and starts the path again', async () => {
    const { dir, imageId } = await finishedThenDeregistered();
    const { lastFrame, stdin } = renderText(
      <KeyDispatch>
        <App options={{ workflow: dir, sandbox: true }} onCloud={(c) => c && opened.push(c)} onQuit={() => undefined} />
      </KeyDispatch>,
    );
    // Home: not "up to date".
    await waitFor(() => expect(lastFrame()).toContain(`app → hardening        ✖ AMI ${imageId} gone: not built`), 20_000);
    expect(lastFrame()).not.toMatch(/hardening\s+● up to date/);
    // Every step's state is known before keys are typed (they would land on a home still loading).
    await waitFor(() => expect(lastFrame()).not.toContain('checking the catalog'));

    stdin.write('j');
    await tick(50);
    stdin.write('j');
    await tick(50);
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toMatch(/AMI\s+ami-[0-9a-f]+ · gone from EC2/), 10_000);
    expect(lastFrame()).toMatch(new RegExp(`manual\\s+done, but image ${imageId} is gone from EC2  \\(m: start again\\)`));

    stdin.write('m');
    await waitFor(() => expect(lastFrame()).toContain(`✖ its AMI ${imageId} is gone from EC2`), 10_000);
    expect(lastFrame()).toContain('Enter: start the manual path of hardening again (asks first)');
    expect(lastFrame()).not.toContain('nothing left to do');

    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain(`[y/n] Start the manual path of hardening again (AMI ${imageId} is gone)?`));
    await tick(50);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toContain('▶ Launch an instance from the source AMI  ← now'), 10_000);
    expect(lastFrame()).toMatch(/Enter: launch a t3\.micro/);
    expect(lastFrame()).not.toContain('is gone from EC2 (deregistered');
    await waitFor(() => expect(lastFrame()).toMatch(/Enter next step\s+Tab next\s+←\/→ change/));
    const journal = await readJournal(findStep(await loadWorkflow(dir), 'hardening'));
    expect(journal).toMatchObject({ state: 'launch', instanceId: null, imageId: null });
    expect(journal!.history.at(-1)!.event).toBe(`image ${imageId} is gone from EC2; the manual path starts again`);
  }, 60_000);

  it('manual status names the gone AMI and the command that starts again', async () => {
    const { dir, imageId } = await finishedThenDeregistered();
    const cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, table: null });
    opened.push(cloud);
    const workflow = await loadWorkflow(dir);
    const guide = await openManualGuide(cloud, workflow, findStep(workflow, 'hardening'));
    const text = statusText(guide.view, guide.sshLine(), true);
    expect(text).toContain(`gone: ${imageId} no longer exists in EC2; start again: paw-tui manual hardening launch`);
    expect(text).not.toContain('recorded in the catalog');
  }, 60_000);
});
