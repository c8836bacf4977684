import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { openCloud } from '../../src/aws/open.js';
import { App } from '../../src/ui/app.js';
import { KeyDispatch } from '../../src/ui/hooks/useKeys.js';
import { keys, renderText, waitFor } from './fixtures.js';
import { fakePackerBuilt, sandboxWorkflow } from './sandbox.js';

const opened: Cloud[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(path.dirname(d), { recursive: true, force: true });
});

/** The whole app on a copy of the example workflow, whose root AMI is older than the sandbox's newest jammy. */
async function start() {
  const { dir, cloud } = await sandboxWorkflow();
  await cloud.close();
  dirs.push(dir);
  const app = renderText(
    <KeyDispatch>
      <App options={{ workflow: dir, sandbox: true }} onCloud={(c) => c && opened.push(c)} onQuit={() => undefined} />
    </KeyDispatch>,
  );
  await waitFor(() => expect(app.lastFrame()).toMatch(/root AMI → base\s+○ not built/), 20_000);
  return { ...app, dir };
}

describe.skipIf(!fakePackerBuilt())('home: stale steps on a newer Ubuntu, and B builds them', () => {
  it('says which newer Ubuntu is out; built steps are stale for it; B asks, moves the root, builds in order and stops at the manual step', async () => {
    const { lastFrame, stdin, dir } = await start();
    const newer = /⚠ newer Ubuntu (ami-[0-9a-f]+) from 2024-07-20 \(43 days newer\): built steps are stale/;
    await waitFor(() => expect(lastFrame()).toMatch(newer), 10_000);
    const newerAmi = newer.exec(lastFrame()!)![1]!;

    // Build base on the old root: it is then stale because of the newer Ubuntu.
    stdin.write('b');
    await waitFor(() => expect(lastFrame()).toMatch(/\[y\/n\] Build base on a t3\.micro \(≈ \$0\.0104\/h\) from ami-0975ad60e5054592a\?/), 10_000);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toMatch(/✔ built (ami-[0-9a-f]+)/), 60_000);
    const baseAmi = /✔ built (ami-[0-9a-f]+)/.exec(lastFrame()!)![1]!;
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toMatch(new RegExp(`root AMI → base\\s+◐ stale: newer base ${newerAmi} \\(2024-07-20\\)`)), 20_000);

    stdin.write('B');
    await waitFor(() => expect(lastFrame()).toMatch(new RegExp(`\\[y/n\\] Build 2 stale or unbuilt steps \\(base, app\\)\\? ≈ \\$0\\.\\d+`)), 20_000);
    expect(lastFrame()).toContain(
      `  · from ${newerAmi} (newer Ubuntu)\n  · root_base_ami_id becomes ${newerAmi} (2024-07-20) in workflow_param.json\n  · stops at hardening: a manual step\n`,
    );
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toMatch(/Jobs\s+⟳ stale steps 1\/2 \(next app\) · ⟳ base /), 20_000);
    await waitFor(() => expect(lastFrame()).toMatch(/Jobs\s+⟳ stale steps 2\/2 · ⟳ app /), 60_000);
    await waitFor(() => expect(lastFrame()).toMatch(/Jobs\s+■ stale steps: built base, app; stopped at hardening, a manual step: press m on it/), 60_000);

    const params = readFileSync(path.join(dir, 'workflow_param.json'), 'utf8');
    expect(params).toContain(`"root_base_ami_id": "${newerAmi}"`);
    const cloud = await openCloud({ sandbox: true, workflowDir: dir, table: null });
    opened.push(cloud);
    const items = await cloud.catalog.listWorkflow('paw-example');
    expect(items.map((i) => [i.step_id, i.root_base_ami_id]).sort()).toEqual([
      ['app', newerAmi],
      ['base', newerAmi],
    ]);
    expect(items.find((i) => i.step_id === 'base')!.ami_id).not.toBe(baseAmi);
    await waitFor(() => expect(lastFrame()).toMatch(/root AMI → base\s+● up to date/), 20_000);
    expect(lastFrame()).not.toContain('newer Ubuntu');
  }, 180_000);

  it('W starts a new workflow version: asks with the new id and what carries over, then records it and reads the workflow again', async () => {
    const { lastFrame, stdin, dir } = await start();
    stdin.write('b');
    await waitFor(() => expect(lastFrame()).toMatch(/\[y\/n\] Build base on a t3\.micro/), 10_000);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toMatch(/✔ built (ami-[0-9a-f]+)/), 60_000);
    const baseAmi = /✔ built (ami-[0-9a-f]+)/.exec(lastFrame()!)![1]!;
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('paw-example · home'));
    stdin.write('W');
    const asked = /\[y\/n\] Bump to (paw-example-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)\? carries over base; left to build: app, hardening/;
    await waitFor(() => expect(lastFrame()).toMatch(asked), 20_000);
    const newId = asked.exec(lastFrame()!)![1]!;
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toMatch(new RegExp(`workflow\\s+${newId}`)), 20_000);
    expect(readFileSync(path.join(dir, 'workflow_param.json'), 'utf8')).toContain(`"workflow_id": "${newId}"`);
    const cloud = await openCloud({ sandbox: true, workflowDir: dir, table: null });
    opened.push(cloud);
    expect(await cloud.catalog.get(newId, 'base')).toMatchObject({ ami_id: baseAmi, carried_from: 'paw-example' });
  }, 120_000);
});
