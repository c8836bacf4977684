import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Cloud } from '../../src/aws/ports.js';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { type SandboxState, SandboxStore, sandboxStatePath } from '../../src/sandbox/state.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/types.js';

/**
 * A workflow whose first step is manual (no templates/), so its source AMI is the root base AMI
 * the sandbox seeds, and the sandbox opened on it. Transitions run 1000 times faster.
 */
export async function manualWorkflow(): Promise<{ dir: string; workflow: Workflow; cloud: Cloud }> {
  process.env.PAW_SANDBOX_SPEED = '1000';
  const dir = await writeManualWorkflow();
  const workflow = await loadWorkflow(dir);
  const cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, tableName: workflow.param.dynamodb_table_name });
  return { dir, workflow, cloud };
}

/** The workflow folder alone (for tests that run the CLI on it). */
export async function writeManualWorkflow(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paw-manual-'));
  await writeFile(
    path.join(dir, 'workflow_param.json'),
    JSON.stringify(
      {
        workflow_id: 'demo',
        vpc_name: 'paw-sandbox-vpc',
        is_default_vpc: 'false',
        subnet_name: 'paw-sandbox/public/1',
        security_group_name: 'paw-sandbox/sg/allow-ssh',
        ec2_iam_role_name: 'paw-sandbox-ec2-role',
        root_base_ami_id: 'ami-0a1b2c3d4e5f60718',
        root_base_ami_name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607',
        aws_tags: { team: 'platform' },
      },
      null,
      2,
    ),
  );
  await mkdir(path.join(dir, 'm01-hand'));
  await writeFile(
    path.join(dir, 'm01-hand', 'step_param.json'),
    JSON.stringify({ step_id: 'hand', previous_step_id: null, metadata: { how: 'by hand' } }, null, 2),
  );
  return dir;
}

/** The sandbox's state file as the test reads it: what EC2 holds. */
export async function sandboxState(dir: string): Promise<{
  instances: Record<string, { id: string; state: string; settlesAt: string; stateReason?: string; tags: Record<string, string> }>;
  images: Record<string, { id: string; name: string; state: string; tags: Record<string, string> }>;
  keyPairs: { name: string }[];
  subnets: { name: string }[];
  securityGroups: { name: string }[];
  instanceProfiles: string[];
}> {
  return JSON.parse(await readFile(path.join(dir, '.paw', 'sandbox', 'state.json'), 'utf8'));
}

/** Changes EC2's state behind paw-tui's back, as a person in the console would. */
export async function editSandbox(dir: string, edit: (s: SandboxState) => void): Promise<void> {
  await new SandboxStore(sandboxStatePath(dir)).update(edit);
}
