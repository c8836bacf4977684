import { cpSync, mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Cloud } from '../../src/aws/ports.js';
import { recordAmi } from '../../src/aws/record.js';
import { exampleWorkflowDir } from '../../src/paths.js';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { type SandboxState, SandboxStore, sandboxStatePath } from '../../src/sandbox/state.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/types.js';

/** The example workflow's manual step and what paw-tui names after it. */
export const STEP = 'hardening';
export const STEP_FOLDER = 's03-hardening';
export const KEY_NAME = 'paw-paw-example-hardening';
export const ROOT_AMI = 'ami-0975ad60e5054592a';
export const OUTPUT_AMI_NAME = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/paw-example/hardening';

/**
 * A temporary copy of the example workflow, its sandbox opened, and the step before the manual
 * one (`app`) recorded in the catalog, so the manual step has a source AMI. The root base AMI
 * stands in for app's AMI: what matters here is that the catalog answers. Transitions run
 * 1000 times faster than EC2's.
 */
export async function manualWorkflow(): Promise<{ dir: string; workflow: Workflow; cloud: Cloud }> {
  process.env.PAW_SANDBOX_SPEED = '1000';
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'paw-manual-')), 'workflow');
  cpSync(exampleWorkflowDir(), dir, { recursive: true });
  const workflow = await loadWorkflow(dir);
  const cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, table: null });
  await recordAmi(cloud, workflow, findStep(workflow, 'app'), ROOT_AMI, {
    yes: true,
    baseAmiId: ROOT_AMI,
    baseAmiName: workflow.param.root_base_ami_name,
    buildMethod: 'packer',
  });
  return { dir, workflow, cloud };
}

/** The same workflow folder for tests that run the CLI on it (the sandbox closed again). */
export async function writeManualWorkflow(): Promise<string> {
  const { dir, cloud } = await manualWorkflow();
  await cloud.close();
  return dir;
}

/** The sandbox's state file as the test reads it: what EC2 holds. */
export async function sandboxState(dir: string): Promise<SandboxState> {
  return JSON.parse(await readFile(sandboxStatePath(dir), 'utf8')) as SandboxState;
}

/** Changes EC2's state behind paw-tui's back, as a person in the console would. */
export async function editSandbox(dir: string, edit: (s: SandboxState) => void): Promise<void> {
  await new SandboxStore(sandboxStatePath(dir)).update(edit);
}
