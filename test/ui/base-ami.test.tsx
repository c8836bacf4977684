import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { BaseAmiScreen } from '../../src/ui/screens/BaseAmiScreen.js';
import { keys, tick, waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';
import { sandboxWorkflow } from './sandbox.js';

const open: { cloud: Cloud; dir: string }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.cloud.close();
    rmSync(path.dirname(o.dir), { recursive: true, force: true });
  }
});

describe('base AMI picker', () => {
  it('lists Canonical AMIs for the choices, newest first, and writes the chosen one keeping comments', async () => {
    const { dir, workflow, cloud } = await sandboxWorkflow();
    open.push({ cloud, dir });
    const before = readFileSync(workflow.paramPath, 'utf8');
    const { lastFrame, stdin, h } = renderScreen('base-ami', workflow, cloud, (ctx) => <BaseAmiScreen ctx={ctx} />);
    await waitFor(() => expect(lastFrame()).toMatch(/product\s+‹ server ›/), 15_000);
    await waitFor(() => expect(lastFrame()).toMatch(/ami-[0-9a-f]+\s+\d{4}-\d\d-\d\d/), 15_000);
    const dates = [...lastFrame()!.matchAll(/ami-[0-9a-f]+\s+(\d{4}-\d\d-\d\d)/g)].map((m) => m[1]!);
    expect([...dates].sort().reverse()).toEqual(dates);
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.right);
    await waitFor(() => expect(lastFrame()).not.toContain('asking Ubuntu'), 15_000);
    await waitFor(() => expect(lastFrame()).toMatch(/ami-[0-9a-f]+\s+\d{4}-\d\d-\d\d|no AMI|publishes no/), 15_000);
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.left);
    await waitFor(() => expect(lastFrame()).toMatch(/ami-[0-9a-f]+\s+\d{4}-\d\d-\d\d/), 15_000);
    const chosen = /Enter makes it/.test(lastFrame()!) ? /\n(ami-[0-9a-f]+) /.exec(lastFrame()!)?.[1] : undefined;
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('wrote workflow_param.json (comments kept)'), 10_000);
    const after = readFileSync(workflow.paramPath, 'utf8');
    expect(after).not.toBe(before);
    if (chosen) expect(after).toContain(`"root_base_ami_id": "${chosen}"`);
    expect(lastFrame()).toMatch(/root_base_ami_id:\s+ami-\S+ → ami-/);
    const comments = before.split('\n').filter((l) => /^\s*(\/\/|#)/.test(l));
    for (const c of comments) expect(after).toContain(c);
    expect(h.reloads).toBe(1);
  });

  it("warns when the chosen architecture does not boot on the first step's instance type", async () => {
    const { dir, workflow, cloud } = await sandboxWorkflow();
    open.push({ cloud, dir });
    const { lastFrame, stdin } = renderScreen('base-ami', workflow, cloud, (ctx) => <BaseAmiScreen ctx={ctx} />, { columns: 160, bodyRows: 30 });
    await waitFor(() => expect(lastFrame()).toMatch(/arch\s+‹ amd64 ›/), 15_000);
    expect(lastFrame()).not.toContain('do not boot');
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.tab);
    await tick();
    stdin.write(keys.right);
    await waitFor(() => expect(lastFrame()).toMatch(/arch\s+‹ arm64 ›/), 15_000);
    await waitFor(() => expect(lastFrame()).toMatch(/⚠ arm64 AMIs do not boot on t3\.micro \(x86_64\).*t4g\.micro/), 15_000);
  });
});
