import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/python-lib');

export const WORKFLOW_PARAM = `// a workflow written for the Python library
{
  "workflow_id": "wf-test",
  "vpc_name": "dev-vpc",
  "is_default_vpc": "false", # please use string
  "subnet_name": "dev/public/1",
  "security_group_name": "dev/sg/ssh",
  "ec2_iam_role_name": "ec2-admin-role",
  "root_base_ami_id": "ami-0975ad60e5054592a",
  "root_base_ami_name": "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607"
}
`;

export async function tempDir(prefix = 'paw-wf-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A workflow folder with the given step folders: { folder: step_param.json text }. */
export async function makeWorkflow(steps: Record<string, string>, workflowParam = WORKFLOW_PARAM): Promise<string> {
  const dir = await tempDir();
  await writeFile(path.join(dir, 'workflow_param.json'), workflowParam);
  for (const [folder, text] of Object.entries(steps)) {
    await mkdir(path.join(dir, folder), { recursive: true });
    await writeFile(path.join(dir, folder, 'step_param.json'), text);
  }
  return dir;
}

export function stepParam(id: string, previous: string | null): string {
  return JSON.stringify({ step_id: id, previous_step_id: previous }, null, 2) + '\n';
}

/**
 * A private copy of the fixture workflow, so a test can write into it. It sits in a folder
 * named `acore_ami`, the repository (workspace) name the expected files show.
 */
export async function copyFixtureWorkflow(): Promise<string> {
  const dir = path.join(await tempDir(), 'acore_ami', 'workflow');
  await cp(path.join(FIXTURE, 'workflow'), dir, { recursive: true });
  return dir;
}

/** Every file under a folder with its bytes, to prove that nothing was written. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = await readFile(file, 'latin1');
  }
  return out;
}
