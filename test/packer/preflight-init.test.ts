import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { startBuild } from '../../src/packer/build-session.js';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/types.js';
import { copyOf, requireBuiltCli, ROOT } from '../commands/packer-cli.js';

// `packer init` runs before `validate` when the template declares required_plugins (Packer 1.7
// and later). The sandbox's simulated Packer claims 1.9.0 here, so the example's base step
// renders its `packer { required_plugins { … } }` block.
let workflow: Workflow;
let cloud: Cloud;
const saved = { ...process.env };

beforeAll(async () => {
  requireBuiltCli();
  delete process.env.PAW_PACKER;
  process.env.PAW_FAKE_PACKER_VERSION = '1.9.0';
  const dir = await copyOf(path.join(ROOT, 'workflow'));
  workflow = await loadWorkflow(dir);
  cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, region: 'us-east-1', table: null });
});

afterAll(async () => {
  await cloud?.close();
  for (const k of ['PAW_PACKER', 'PAW_SANDBOX_STATE', 'PAW_FAKE_PACKER_VERSION', 'PAW_FAKE_PACKER_FAIL']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const dryRun = () =>
  startBuild({ cloud, workflow, step: findStep(workflow, 'base'), onError: 'cleanup', cols: 120, rows: 30, dryRun: true, tableConsent: { yes: true } });

describe('packer init in the preflight', () => {
  it('installs the plugins of a required_plugins block, then validates', async () => {
    const session = dryRun();
    try {
      const state = await session.done;
      expect(state.checks.find((c) => c.id === 'init')).toMatchObject({ status: 'ok', detail: 'installed github.com/hashicorp/amazon v1.3.2' });
      expect(state.checks.find((c) => c.id === 'validate')?.status).toBe('ok');
    } finally {
      session.dispose();
    }
  });

  it("a failing init stops the build there, with Packer's first error, before validate or any instance", async () => {
    process.env.PAW_FAKE_PACKER_FAIL = 'init';
    const session = dryRun();
    try {
      const state = await session.done;
      expect(state.status).toBe('failed');
      expect(state.checks.find((c) => c.id === 'init')).toMatchObject({ status: 'failed' });
      expect(state.error).toMatch(/^packer init failed: Error: Failed getting the "github.com\/hashicorp\/amazon" plugin/);
      expect(state.checks.find((c) => c.id === 'validate')?.status).not.toBe('ok');
      expect(state.instanceId).toBeUndefined();
    } finally {
      delete process.env.PAW_FAKE_PACKER_FAIL;
      session.dispose();
    }
  });
});
