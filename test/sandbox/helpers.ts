import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import type { Cloud } from '../../src/aws/ports.js';

export const ROOT_AMI_ID = 'ami-0975ad60e5054592a';
export const ROOT_AMI_NAME = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607';

/** A workflow folder whose params are written as users write them: comments, odd names. */
export async function workflowDir(overrides: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'paw-sandbox-'));
  const p = {
    workflow_id: 'paw-test',
    vpc_name: 'landing-zone-dev-vpc',
    is_default_vpc: 'false',
    subnet_name: 'landing-zone-dev/public/1',
    security_group_name: 'landing-zone-dev/sg/allow "ssh"',
    ec2_iam_role_name: 'ec2-admin-role',
    root_base_ami_id: ROOT_AMI_ID,
    root_base_ami_name: ROOT_AMI_NAME,
    ...overrides,
  };
  const lines = Object.entries(p).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}, // ${k}`);
  await writeFile(path.join(dir, 'workflow_param.json'), `// the workflow's shared params\n{\n# a hash comment\n${lines.join('\n')}\n  "aws_tags": {}\n}\n`);
  return dir;
}

export function openCloud(dir: string): Promise<Cloud> {
  return openSandboxCloud({ sandbox: true, workflowDir: dir, table: null });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}
