import { rmSync } from 'node:fs';
import path from 'node:path';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { lockStep } from '../../src/locks/step-lock.js';
import { hintsFor } from '../../src/ui/keys.js';
import { BuildScreen } from '../../src/ui/screens/BuildScreen.js';
import { keys, tick, waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';
import { fakePackerBuilt, sandboxWorkflow } from './sandbox.js';

const open: { cloud: Cloud; dir: string }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.cloud.close();
    rmSync(path.dirname(o.dir), { recursive: true, force: true });
  }
});

const ready = fakePackerBuilt();
if (!ready) console.log('build screen tests skipped: dist/fake-packer.js is missing (run npm run build)');

describe.skipIf(!ready)('build screen', () => {
  it('runs the checks, shows Packer output live, then the summary with the AMI and the log', async () => {
    const { dir, workflow, cloud } = await sandboxWorkflow();
    open.push({ cloud, dir });
    const step = workflow.steps[0]!;
    const { lastFrame, frames, h } = renderScreen('build', workflow, cloud, (ctx) => <BuildScreen ctx={ctx} stepId={step.id} />, {
      columns: 140,
      bodyRows: 30,
    });
    await tick(50);
    expect(lastFrame()).toContain(`No build of ${step.id} since the app started`);
    void h.builds.start({ cloud, workflow, step, onError: 'ask' });
    await waitFor(() => expect(lastFrame()).toContain('packer validate'), 20_000);
    await waitFor(() => expect(lastFrame()).toContain('==> '), 20_000);
    expect(lastFrame()).toMatch(/\[all\]/);
    await waitFor(() => expect(lastFrame()).toMatch(/✔ built ami-[0-9a-f]+ in \d+s · recorded in the catalog\s*\nlog \S+\.log/), 60_000);
    expect(frames.some((f) => /building \S+ on i-[0-9a-f]+/.test(stripAnsi(f)))).toBe(true);
    const item = await cloud.catalog.get(workflow.param.workflow_id, step.id);
    expect(lastFrame()).toContain(item!.ami_id);
  });

  it('Ctrl-C asks first; yes interrupts and Packer cleans up', async () => {
    process.env.PAW_FAKE_PACKER_SPEED = '2';
    const { dir, workflow, cloud } = await sandboxWorkflow();
    process.env.PAW_FAKE_PACKER_SPEED = '2';
    open.push({ cloud, dir });
    const step = workflow.steps[0]!;
    const { lastFrame, stdin, h } = renderScreen('build', workflow, cloud, (ctx) => <BuildScreen ctx={ctx} stepId={step.id} />, { columns: 140, bodyRows: 30 });
    void h.builds.start({ cloud, workflow, step, onError: 'ask' });
    await waitFor(() => expect(lastFrame()).toContain('==> '), 30_000);
    stdin.write(keys.ctrlC);
    await waitFor(() => expect(lastFrame()).toContain('Interrupt the build?'));
    await tick(60);
    stdin.write('n');
    await tick(100);
    expect(lastFrame()).not.toContain('Interrupt the build?');
    // Esc goes back while Packer runs; the build keeps running in the app's registry.
    stdin.write(keys.esc);
    await waitFor(() => expect(h.backs).toBe(1));
    expect(h.builds.running().map((j) => j.stepId)).toEqual([step.id]);
    stdin.write(keys.ctrlC);
    await waitFor(() => expect(lastFrame()).toContain('Interrupt the build?'));
    await tick(60);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toMatch(/✖ interrupted after/), 30_000);
    expect(h.quitPresses).toBe(0);
    expect(h.builds.running()).toEqual([]);
    stdin.write(keys.esc);
    await waitFor(() => expect(h.backs).toBe(2));
  });

  it('a step locked by a live run here: says who, waits, and builds once it is free; never a --steal-lock hint', async () => {
    const { dir, workflow, cloud } = await sandboxWorkflow();
    open.push({ cloud, dir });
    const step = workflow.steps[0]!;
    // This process holds the step, as another paw-tui of this machine would.
    const held = await lockStep({ cloud, workflow, step, runId: 'base-other', command: 'build' });
    const { lastFrame, h } = renderScreen('build', workflow, cloud, (ctx) => <BuildScreen ctx={ctx} stepId={step.id} />, { columns: 140, bodyRows: 30 });
    void h.builds.start({ cloud, workflow, step, onError: 'ask' });
    await waitFor(() => expect(lastFrame()).toMatch(/locked by \S+@\S+ \(pid \d+, build\) for \d+s · L: take the lock · waiting for it \(every 2s\)/), 20_000);
    expect(lastFrame()).toContain('the build of base did not start: Packer was not run');
    expect(lastFrame()).toMatch(/✖ base is locked by \S+ \(pid \d+, build\) — it runs here: retried every 2s · L takes the lock/);
    expect(lastFrame()).not.toContain('--steal-lock');
    await waitFor(() => expect(lastFrame()).toMatch(/L take lock\s+Esc back/));
    await held.release();
    await waitFor(() => expect(lastFrame()).toMatch(/✔ built ami-[0-9a-f]+ in \d+s · recorded in the catalog/), 60_000);
    expect(lastFrame()).not.toContain('locked by');
  });

  it('the help bar offers L only while the step is locked', () => {
    expect(hintsFor('build')).not.toContain('takeLock');
    expect(hintsFor('manual')).not.toContain('takeLock');
  });
});
