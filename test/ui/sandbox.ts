import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cloud } from '../../src/aws/ports.js';
import { openCloud } from '../../src/aws/open.js';
import { exampleWorkflowDir, packageRoot } from '../../src/paths.js';
import { loadWorkflow } from '../../src/workflow/load.js';

/** A copy of the example workflow with the sandbox opened on it (the simulated packer runs fast). */
export async function sandboxWorkflow() {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'paw-ui-sb-')), 'workflow');
  cpSync(exampleWorkflowDir(), dir, { recursive: true });
  process.env.PAW_FAKE_PACKER_SPEED = '40';
  delete process.env.PAW_PACKER;
  const workflow = await loadWorkflow(dir);
  const cloud: Cloud = await openCloud({ sandbox: true, workflowDir: dir, table: null });
  return { dir, workflow, cloud };
}

/** The simulated packer runs from the bundle; without it the build tests cannot run. */
export function fakePackerBuilt(): boolean {
  return existsSync(path.join(packageRoot(), 'dist', 'fake-packer.js'));
}
