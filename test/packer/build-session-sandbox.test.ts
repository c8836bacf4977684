import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { startBuild } from '../../src/packer/build-session.js';
import type { BuildSession } from '../../src/packer/types.js';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/types.js';
import { copyOf, requireBuiltCli, ROOT, waitFor } from '../commands/packer-cli.js';

// The sandbox's simulated Packer (dist/fake-packer.js), run in the pty exactly as real Packer.
let dir: string;
let workflow: Workflow;
let cloud: Cloud;
const saved = { ...process.env };

beforeAll(async () => {
  requireBuiltCli();
  delete process.env.PAW_PACKER;
  process.env.PAW_FAKE_PACKER_SPEED = '20';
  dir = await copyOf(path.join(ROOT, 'workflow'));
  workflow = await loadWorkflow(dir);
  cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, region: 'us-east-1', table: null });
});

afterAll(async () => {
  await cloud?.close();
  for (const k of ['PAW_PACKER', 'PAW_SANDBOX_STATE', 'PAW_FAKE_PACKER_SPEED', 'PAW_FAKE_PACKER_FAIL']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const screen = (s: BuildSession) => s.terminal!.view(0, 200).map((l) => l.map((x) => x.text).join(''));

describe('build session in the sandbox', () => {
  it("-on-error=ask: Packer's question is answered with keys typed in the pane", async () => {
    process.env.PAW_FAKE_PACKER_FAIL = 'provision';
    const session = startBuild({ cloud, workflow, step: findStep(workflow, 'base'), onError: 'ask', cols: 120, rows: 30, tableConsent: { yes: true } });
    try {
      await waitFor(() => Boolean(session.terminal) && screen(session).some((l) => l.includes('[c] Clean up and exit')), "Packer's on-error question");
      session.terminal!.write('c\r');
      const state = await session.done;
      expect(state.status).toBe('failed');
      expect(state.error).toMatch(/exit status: 100/);
      const log = await readFile(state.logPath!, 'utf8');
      expect(log).toContain('[c] Clean up and exit');
      expect(log).toMatch(/Terminating the source AWS instance/);
      // The journal says which cloud the run built in.
      const { listRuns } = await import('../../src/packer/runs.js');
      expect((await listRuns(findStep(workflow, 'base')))[0]).toMatchObject({ cloud: 'sandbox', status: 'failed' });
    } finally {
      delete process.env.PAW_FAKE_PACKER_FAIL;
      session.dispose();
    }
  });

  it('a good build: phases, instance id, AMI found from the manifest, recorded, panes', async () => {
    const session = startBuild({ cloud, workflow, step: findStep(workflow, 'base'), onError: 'cleanup', cols: 120, rows: 30, tableConsent: { yes: true } });
    let outputs = 0;
    const off = session.onOutput(() => outputs++);
    const state = await session.done;
    off();
    expect(state.status, state.error).toBe('succeeded');
    expect(state.builds).toEqual(['base.amazon-ebs.ubuntu']);
    expect(state.phases[0]).toMatchObject({ build: 'base.amazon-ebs.ubuntu' });
    expect(state.phases.every((p) => p.endedAt! >= p.startedAt)).toBe(true);
    expect(state.instanceId).toMatch(/^i-/);
    expect(state.recorded).toBe(true);
    expect(state.notes).toContain(`AMI ${state.amiId} (from the manifest)`);
    expect(outputs).toBeGreaterThan(0);
    expect(session.buildLines('base.amazon-ebs.ubuntu').length).toBeGreaterThan(5);
    expect(session.debugTerminal).toBeTruthy();
    const item = await cloud.catalog.get('paw-example', 'base');
    expect(item).toMatchObject({ ami_id: state.amiId, build_method: 'packer', packer_version: '1.6.6' });
    session.dispose();
  });
});
