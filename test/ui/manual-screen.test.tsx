import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findStep } from '../../src/workflow/load.js';
import type { Cloud } from '../../src/aws/ports.js';
import type { Workflow } from '../../src/workflow/types.js';
import type { BuildJob } from '../../src/packer/build-jobs.js';
import { lockPath, lockStep } from '../../src/locks/step-lock.js';
import { openManualGuide } from '../../src/manual/guide.js';
import { ManualScreen } from '../../src/ui/screens/ManualScreen.js';
import { manualWorkflow, sandboxState } from '../manual/fixture.js';
import { keys, tick, waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';

let cloud: Cloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

/** The guide of the manual step, drawn as the app draws a screen of that size. */
function renderGuide(w: { workflow: Workflow; cloud: Cloud }, columns = 100, bodyRows = 24) {
  return renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, { columns, bodyRows });
}

/** Enter at the checklist's first line: launched, and waiting for the person to connect. */
async function launchToConnect(app: ReturnType<typeof renderGuide>): Promise<void> {
  await waitFor(() => expect(app.lastFrame()).toContain('← now'));
  await tick(100);
  app.stdin.write(keys.enter);
  await waitFor(() => expect(app.lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
}

describe('manual screen', () => {
  it('refuses to go on while the manual journal cannot be read: one line, nothing launched', async () => {
    const w = await manualWorkflow();
    cloud = w.cloud;
    const step = findStep(w.workflow, 'hardening');
    await mkdir(path.join(step.dir, '.paw'), { recursive: true });
    await writeFile(path.join(step.dir, '.paw', 'manual.json'), '{"version": 1, "instanceId": "i-0live", "sta');
    const { lastFrame, stdin, h } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 100,
      bodyRows: 24,
    });
    await waitFor(() => expect(h.errors.map(String).join('\n')).toMatch(/manual\.json: not valid JSON/));
    stdin.write(keys.enter);
    await tick(300);
    expect(lastFrame()).not.toContain('← now');
    expect(Object.keys((await sandboxState(w.dir)).instances)).toEqual([]);
  });

  it('guides the whole path: launch, connect in a pane and leave it, stop, image, terminate, record', async () => {
    process.env.SHELL = '/bin/sh';
    const w = await manualWorkflow();
    cloud = w.cloud;
    const { lastFrame, stdin, h } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 100,
      bodyRows: 24,
    });
    await waitFor(() => expect(lastFrame()).toContain('▶ Launch an instance from the source AMI  ← now'));
    expect(lastFrame()).toContain('Enter: launch a t3.micro (≈ $0.0104/h) from the source AMI   Tab/←/→: change');
    await waitFor(() => expect(lastFrame()).toMatch(/Enter next step\s+Tab next\s+←\/→ change\s+A adopt\s+r refresh\s+Esc back/));
    await waitFor(() => expect(lastFrame()).toContain('  key pair       ‹ paw-paw-example-hardening ›  created at launch, its .pem saved in .paw/'));
    expect(lastFrame()).toContain('› instance type  ‹ t3.micro ›  ≈ $0.0104/h on demand');
    stdin.write(keys.right);
    await waitFor(() => expect(lastFrame()).toContain('Enter: launch a t3.small (≈ $0.0208/h) from the source AMI'));

    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
    const frame = lastFrame()!;
    expect(frame).toMatch(/✓ Launch an instance from the source AMI/);
    expect(frame).toMatch(/instance i-[0-9a-f]+ · running · ec2-[\d-]+\.compute-1\.amazonaws\.com · up \ds/);
    expect(frame).toContain('t3.small ≈ $0.0208/h');
    await waitFor(() => expect(lastFrame()).toMatch(/Enter next step\s+c connect\s+C ssh full screen\s+x give up\s+r refresh\s+Esc back/));
    // The ssh line wraps on a narrow terminal rather than losing its end.
    expect(frame.replace(/ *\n/g, ' ')).toMatch(
      /ssh -i \S+\/s03-hardening\/\.paw\/paw-paw-example-hardening\.pem ubuntu@ec2-[\d-]+\.compute-1\.amazonaws\.com/,
    );
    expect(frame).toContain('Enter: work done: stop it and make the image (asks first)   c: connect here');

    stdin.write('c');
    await waitFor(() =>
      expect(lastFrame()).toMatch(
        /sandbox: a local shell stands in for ssh ubuntu@ec2-\S+\nw: type into the session   Esc: close it   exit: back to the checklist/,
      ),
    );
    await waitFor(() => expect(lastFrame()).toMatch(/w type\s+PgUp\/PgDn page/));
    stdin.write('w');
    await tick(100);
    for (const ch of 'echo hand-made\r') {
      stdin.write(ch);
      await tick(5);
    }
    await waitFor(() => expect(lastFrame()).toMatch(/^hand-made$/m), 10_000);
    for (const ch of 'exit\r') {
      stdin.write(ch);
      await tick(5);
    }
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
    expect(h.backs).toBe(0);
    await tick(100);

    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toMatch(/\[y\/n\] Stop instance i-[0-9a-f]+\? Then its image is made from what is on its disk\./));
    await tick(50);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toContain('▶ Terminate the instance  ← now  · asks first'), 20_000);
    const imageId = /image (ami-[0-9a-f]+) · available/.exec(lastFrame()!)![1]!;

    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toMatch(new RegExp(`\\[y/n\\] Terminate.*Its image ${imageId} is kept\\.`)));
    await tick(50);
    stdin.write('n');
    await tick(100);
    expect(lastFrame()).toContain('▶ Terminate the instance  ← now');
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('[y/n]'));
    await tick(50);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toContain(`✓ recorded in the catalog (${imageId})`), 20_000);
    expect(lastFrame()).toContain('nothing left to do');
    // The private address may still show while the instance shuts down.
    expect(lastFrame()).toMatch(/instance i-[0-9a-f]+ · (shutting-down|terminated)( · [0-9.]+)?\n/);
    expect(h.errors).toEqual([]);
    expect((await w.cloud.catalog.get('paw-example', 'hardening'))!.build_method).toBe('manual');
    const instances = Object.values((await sandboxState(w.dir)).instances);
    expect(instances.map((i) => i.state)).toEqual(['terminated']);
  }, 60_000);

  it('Esc closes the connection pane and returns to the guide, not to home; x gives up the instance', async () => {
    process.env.SHELL = '/bin/sh';
    const w = await manualWorkflow();
    cloud = w.cloud;
    const { lastFrame, stdin, h } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 100,
      bodyRows: 24,
    });
    await waitFor(() => expect(lastFrame()).toContain('← now'));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
    await tick(100);
    stdin.write('c');
    await waitFor(() => expect(lastFrame()).toContain('sandbox: a local shell stands in for ssh'));
    await tick(100);
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
    expect(h.backs).toBe(0);
    await tick(100);
    stdin.write(keys.esc);
    await waitFor(() => expect(h.backs).toBe(1));

    // Giving up terminates the instance (after asking) and the checklist starts again.
    const id = /instance (i-[0-9a-f]+) · running/.exec(lastFrame()!)![1]!;
    stdin.write('x');
    await waitFor(() => expect(lastFrame()).toContain(`Terminate instance ${id} without making its image?`));
    await tick(50);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toContain('▶ Launch an instance from the source AMI  ← now'), 10_000);
    expect(lastFrame()!.replace(/ *\n/g, ' ')).toMatch(
      new RegExp(`last \\(\\d+s ago\\): instance ${id} terminated before an image was made; the path starts again at launch`),
    );
    expect((await sandboxState(w.dir)).instances[id]!.state).toBe('terminated');
  });

  it('goes on by itself when reopened in the middle of automatic work', async () => {
    const w = await manualWorkflow();
    cloud = w.cloud;
    const step = findStep(w.workflow, 'hardening');
    const { openManualGuide } = await import('../../src/manual/guide.js');
    const guide = await openManualGuide(w.cloud, w.workflow, step);
    await guide.perform('launch');
    await guide.resume();
    await guide.perform('stop', { confirmed: true });
    expect(guide.view.state).toBe('stopped');
    const { lastFrame } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 100,
      bodyRows: 24,
    });
    await waitFor(() => expect(lastFrame()).toContain('▶ Terminate the instance  ← now'), 20_000);
    expect(lastFrame()).toMatch(/image ami-[0-9a-f]+ · available/);
  });

  it('stays within the rows it is given on a small terminal', async () => {
    const w = await manualWorkflow();
    cloud = w.cloud;
    const { lastFrame } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 60,
      bodyRows: 8,
    });
    await waitFor(() => expect(lastFrame()).toContain('← now'));
    // 8 rows of screen, the error line and the help bar.
    expect(lastFrame()!.split('\n').length).toBeLessThanOrEqual(10);
    expect(
      lastFrame()!
        .split('\n')
        .every((l) => l.length <= 60),
    ).toBe(true);
  });

  it('C does not hand the terminal to ssh while a build runs (its output would wait); once it ends, it does', async () => {
    // The sandbox's stand-in for ssh is $SHELL: one that ends at once.
    process.env.SHELL = '/bin/true';
    const w = await manualWorkflow();
    cloud = w.cloud;
    const app = renderGuide(w);
    const { lastFrame, stdin, h } = app;
    await launchToConnect(app);
    const building: BuildJob = { stepId: 'app', session: null, ready: new Promise(() => undefined), question: null };
    h.builds.running = () => [building];
    stdin.write('C');
    await waitFor(() => expect(lastFrame()).toContain('✖ app is building — connect in a pane with c until it ends'));
    expect(h.suspends).toBe(0);
    expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now');

    h.builds.running = () => [];
    stdin.write('C');
    await waitFor(() => expect(h.suspends).toBe(1));
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'));
  });

  it('a step locked by a live run of this machine: says who holds it, waits, and goes on by itself once it is free', async () => {
    const w = await manualWorkflow();
    cloud = w.cloud;
    const step = findStep(w.workflow, 'hardening');
    const guide = await openManualGuide(w.cloud, w.workflow, step);
    await guide.perform('launch');
    expect(guide.view.state).toBe('running');
    // This very process holds the step (as another paw-tui would): alive, on this machine.
    const held = await lockStep({ cloud: w.cloud, workflow: w.workflow, step, runId: 'hardening-other', command: 'manual resume' });
    const { lastFrame } = renderGuide(w, 120);
    await waitFor(() => expect(lastFrame()).toMatch(/locked by \S+@\S+ \(pid \d+, manual resume\) for \d+s · L: take the lock · waiting for it \(every 2s\)/));
    expect(lastFrame()).toMatch(/✖ hardening is locked by \S+ \(pid \d+, manual resume\) — it runs here: retried every 2s · L takes the lock/);
    await waitFor(() => expect(lastFrame()).toMatch(/L take lock\s+r refresh\s+Esc back/));
    expect(lastFrame()).toContain('▶ Wait for the instance to be running  ← now');
    await tick(300);
    expect(lastFrame()).toContain('▶ Wait for the instance to be running  ← now');

    await held.release();
    await waitFor(() => expect(lastFrame()).toContain('the lock of hardening is free: going on'), 5_000);
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
    expect(lastFrame()).not.toContain('locked by');
  });

  it('a step locked by a run on another machine: L asks, naming the holder, then takes the lock and goes on', async () => {
    const w = await manualWorkflow();
    cloud = w.cloud;
    const step = findStep(w.workflow, 'hardening');
    const guide = await openManualGuide(w.cloud, w.workflow, step);
    await guide.perform('launch');
    const since = new Date(Date.now() - 600_000).toISOString();
    const holder = { host: 'build-box-2', user: 'ci', pid: 4242, pidStart: null, runId: 'hardening-ci', command: 'manual resume', since };
    await mkdir(path.dirname(lockPath(step)), { recursive: true });
    await writeFile(lockPath(step), JSON.stringify(holder));
    const { lastFrame, stdin } = renderGuide(w, 120);
    await waitFor(() => expect(lastFrame()).toContain('locked by ci@build-box-2 (pid 4242, manual resume) for 10m · L: take the lock'));
    expect(lastFrame()).toContain('— L takes the lock (asks first) if that run is gone');
    expect(lastFrame()).not.toContain('--steal-lock');
    expect(lastFrame()).not.toContain('waiting for it');
    await tick(2_500);
    // Nobody on this machine can say whether that run still lives: nothing is retried.
    expect(lastFrame()).toContain('▶ Wait for the instance to be running  ← now');

    stdin.write('L');
    await waitFor(() => expect(lastFrame()).toContain('[y/n] Take the lock of hardening from ci@build-box-2 (pid 4242, manual resume)? Only if it is gone.'));
    await tick(50);
    stdin.write('n');
    await tick(200);
    expect(JSON.parse(await readFile(lockPath(step), 'utf8'))).toMatchObject({ host: 'build-box-2' });
    stdin.write('L');
    await waitFor(() => expect(lastFrame()).toContain('[y/n] Take the lock of hardening'));
    await tick(50);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
    expect(lastFrame()).not.toContain('locked by');
    await waitFor(() => expect(existsSync(lockPath(step))).toBe(false));
  }, 20_000);

  it('keeps ubuntu@host whole on the ssh line at 80x24, however long the .pem path', async () => {
    const w = await manualWorkflow();
    cloud = w.cloud;
    // 24 rows: the header, the status line and the help bar take 4 (as the app lays them out).
    const app = renderGuide(w, 80, 20);
    await launchToConnect(app);
    const frame = app.lastFrame()!;
    const pem = path.join(w.dir, 's03-hardening', '.paw', 'paw-paw-example-hardening.pem');
    // The path alone is long enough that `ssh -i <pem>` takes two rows at 80 columns.
    expect(`ssh -i ${pem}`.length).toBeGreaterThan(80);
    expect(frame).toMatch(/^ubuntu@ec2-[\d-]+\.compute-1\.amazonaws\.com$/m);
    expect(frame.replace(/ *\n/g, '\n')).toContain(`ssh -i\n${pem}\nubuntu@ec2-`);
    expect(frame.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(frame.split('\n').length).toBeLessThanOrEqual(22);
  });

  it('shows what reconciliation found and the error line of a refused launch', async () => {
    const w = await manualWorkflow();
    cloud = w.cloud;
    const instanceId = await w.cloud.instances.run({
      imageId: 'ami-0975ad60e5054592a',
      instanceType: 't3.micro',
      subnetId: (await w.cloud.instances.subnetByName('default-public-1a'))!,
      securityGroupIds: [(await w.cloud.instances.securityGroupByName('packer-ssh'))!],
      instanceProfileName: 'packer-build',
      keyName: '',
      tags: {},
    });
    const { writeJournal, emptyJournal } = await import('../../src/manual/journal.js');
    await writeJournal(findStep(w.workflow, 'hardening'), {
      ...emptyJournal('paw-example', 'hardening'),
      state: 'connect',
      instanceId,
      launchedAt: new Date().toISOString(),
    });
    await w.cloud.instances.terminate(instanceId);
    await w.cloud.instances.createKeyPair('paw-paw-example-hardening');

    await w.cloud.instances.createKeyPair('team-key');

    const { lastFrame, stdin, h } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 100,
      bodyRows: 24,
    });
    await waitFor(() => expect(lastFrame()).toContain(`note: instance ${instanceId} was terminated outside paw-tui`));
    expect(lastFrame()).toContain('▶ Launch an instance from the source AMI  ← now');
    await waitFor(() => expect(lastFrame()).toContain('‹ paw-paw-example-hardening ›  name taken and its .pem is not here: choose another'));
    stdin.write(keys.enter);
    await waitFor(() => expect(h.errors).toHaveLength(1));
    expect(lastFrame()).toContain('key pair name "paw-paw-example-hardening" is taken in us-east-1');

    // Choose another key pair from DescribeKeyPairs, then launch with it.
    stdin.write(keys.tab);
    await tick(50);
    stdin.write(keys.right);
    await waitFor(() => expect(lastFrame()).toContain('› key pair       ‹ team-key ›  existing: you need its .pem'));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('▶ Connect and provision it by hand  ← now'), 10_000);
    expect(lastFrame()!.replace(/ *\n/g, ' ')).toMatch(/ssh -i ~\/\.ssh\/team-key\.pem ubuntu@ec2-/);
    const launched = Object.values((await sandboxState(w.dir)).instances).filter((i) => i.id !== instanceId);
    expect(launched.map((i) => i.keyName)).toEqual(['team-key']);
  });
});
