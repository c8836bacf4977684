import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { ManualScreen } from '../../src/ui/screens/ManualScreen.js';
import { ROOT_AMI, STEP_FOLDER, manualWorkflow, sandboxState } from '../manual/fixture.js';
import { keys, tick, waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';

/**
 * The library's `create_image_manually` in the app: at the launch state of the manual guide, A
 * lists the instances of the account (id, Name tag, type, age); the chosen one is adopted after
 * a yes/no that names it, then stopped, imaged and recorded like a launched one.
 */
let cloud: Cloud | undefined;
afterEach(async () => {
  await cloud?.close();
  cloud = undefined;
});

async function withHandMadeInstances() {
  const w = await manualWorkflow();
  cloud = w.cloud;
  const subnetId = (await w.cloud.instances.subnetByName('default-public-1a'))!;
  const sg = (await w.cloud.instances.securityGroupByName('packer-ssh'))!;
  const launch = (name: string, instanceType: string) =>
    w.cloud.instances.run({
      imageId: ROOT_AMI,
      instanceType,
      subnetId,
      securityGroupIds: [sg],
      instanceProfileName: '',
      keyName: '',
      tags: { Name: name },
    });
  const older = await launch('console-box', 't3.small');
  await tick(20);
  const newer = await launch('hand-made', 't3.micro');
  return { w, older, newer };
}

describe('manual guide: adopting an instance launched by hand', () => {
  it('A lists the instances, Esc closes the list (not the screen), y adopts the chosen one and the checklist goes on', async () => {
    const { w, older, newer } = await withHandMadeInstances();
    const { lastFrame, stdin, h } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 100,
      bodyRows: 24,
    });
    await waitFor(() => expect(lastFrame()).toContain('▶ Launch an instance from the source AMI  ← now'));
    await waitFor(() => expect(lastFrame()).toMatch(/A adopt/));
    stdin.write('A');
    await waitFor(() => expect(lastFrame()).toContain('Adopt which instance? Enter: choose (asks first)'));
    await waitFor(() => expect(lastFrame()).toMatch(new RegExp(`› ${newer}\\s+hand-made\\s+t3\\.micro\\s+(pending|running)\\s+\\d+s ago`)));
    expect(lastFrame()).toMatch(new RegExp(`  ${older}\\s+console-box\\s+t3\\.small`));
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).not.toContain('Adopt which instance?'));
    expect(h.backs).toBe(0);
    expect(lastFrame()).toContain('instance type');

    stdin.write('A');
    await waitFor(() => expect(lastFrame()).toContain(`› ${newer}`));
    stdin.write('j');
    await waitFor(() => expect(lastFrame()).toContain(`› ${older}`));
    stdin.write(keys.enter);
    await waitFor(() =>
      expect(lastFrame()).toMatch(new RegExp(`\\[y/n\\] Adopt instance ${older} \\(console-box, t3\\.small, (pending|running)\\) for step hardening\\?`)),
    );
    await tick(50);
    stdin.write('y');
    // Adopted and tagged; stopping it is asked next, as for a launched instance.
    await waitFor(() => expect(lastFrame()).toMatch(new RegExp(`\\[y/n\\] Stop instance ${older}\\?`)), 10_000);
    const journal = JSON.parse(await readFile(path.join(w.dir, STEP_FOLDER, '.paw', 'manual.json'), 'utf8'));
    expect(journal).toMatchObject({ instanceId: older, adopted: true });
    expect((await sandboxState(w.dir)).instances[older]!.tags).toMatchObject({
      'paw:step_id': 'hardening',
      'paw:run_id': journal.runId,
    });
    expect((await sandboxState(w.dir)).instances[newer]!.tags['paw:step_id']).toBeUndefined();
    expect(h.errors).toEqual([]);
  }, 30_000);

  it('n at the question adopts nothing', async () => {
    const { w, newer } = await withHandMadeInstances();
    const { lastFrame, stdin } = renderScreen('manual', w.workflow, w.cloud, (ctx) => <ManualScreen ctx={ctx} stepId="hardening" />, {
      columns: 80,
      bodyRows: 20,
    });
    await waitFor(() => expect(lastFrame()).toContain('← now'));
    stdin.write('A');
    await waitFor(() => expect(lastFrame()).toContain(`› ${newer}`));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain(`Adopt instance ${newer}`));
    await tick(50);
    stdin.write('n');
    await tick(200);
    expect(lastFrame()).toContain('▶ Launch an instance from the source AMI  ← now');
    expect((await sandboxState(w.dir)).instances[newer]!.tags['paw:step_id']).toBeUndefined();
  });
});
