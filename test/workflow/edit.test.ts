import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { removeJsonValue, setJsonValue } from '../../src/workflow/edit.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { WORKFLOW_PARAM, makeWorkflow, snapshot } from './helpers.js';

const COMMENTED = `// read the docs for what each key means
{
  "workflow_id": "wf-test", // the id
  # where the build runs
  "vpc_name": "dev-vpc",
  "is_default_vpc": "false", # please use string
  "subnet_name": "dev/public/1",
  "security_group_name": "dev/sg/ssh",
  "ec2_iam_role_name": "ec2-admin-role",
  "root_base_ami_id": "ami-0975ad60e5054592a",
  /* the name found by the base AMI finder */
  "root_base_ami_name": "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607",
  "aws_tags": {
    "team": "app" # who pays
  }
}
`;

describe('setJsonValue', () => {
  it('changes one value and leaves every other byte, // and # comments included', async () => {
    const dir = await makeWorkflow({}, COMMENTED);
    const file = path.join(dir, 'workflow_param.json');
    await setJsonValue(file, ['vpc_name'], 'prod-vpc');
    expect(await readFile(file, 'utf8')).toBe(COMMENTED.replace('"dev-vpc"', '"prod-vpc"'));
    await setJsonValue(file, ['aws_tags', 'team'], 'platform');
    expect(await readFile(file, 'utf8')).toBe(COMMENTED.replace('"dev-vpc"', '"prod-vpc"').replace('"app"', '"platform"'));
  });

  it('adds a missing key in the file indentation, keeping the comments', async () => {
    const dir = await makeWorkflow({}, COMMENTED);
    const file = path.join(dir, 'workflow_param.json');
    await setJsonValue(file, ['aws_tags', 'owner'], 'Sanhe');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# who pays');
    expect(text).toContain('# please use string');
    expect((await loadWorkflow(dir)).param.aws_tags).toEqual({ team: 'app', owner: 'Sanhe' });
  });

  it('removes a key', async () => {
    const dir = await makeWorkflow({}, WORKFLOW_PARAM.replace('"vpc_name"', '"profile_name": "dev",\n  "vpc_name"'));
    const file = path.join(dir, 'workflow_param.json');
    await removeJsonValue(file, ['profile_name']);
    expect(await readFile(file, 'utf8')).toBe(WORKFLOW_PARAM);
  });

  it('writes nothing when the edit would make the file invalid', async () => {
    const dir = await makeWorkflow({}, COMMENTED);
    const before = await snapshot(dir);
    const file = path.join(dir, 'workflow_param.json');
    const error = await setJsonValue(file, ['is_default_vpc'], true).catch((e: unknown) => errorLine(e));
    expect(error).toMatch(/^not changed: the edit would make it invalid: .*workflow_param\.json:6:21: "is_default_vpc" must be the string "true" or "false"/);
    await expect(removeJsonValue(file, ['vpc_name'])).rejects.toThrow(/missing required key "vpc_name"/);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('refuses to edit a file that does not parse, writing nothing', async () => {
    const dir = await makeWorkflow({});
    const file = path.join(dir, 'workflow_param.json');
    await writeFile(file, '{ "workflow_id": }');
    await expect(setJsonValue(file, ['workflow_id'], 'x')).rejects.toThrow(/workflow_param\.json:1:18: expected a value/);
    expect(await readFile(file, 'utf8')).toBe('{ "workflow_id": }');
  });
});

describe('files written on Windows', () => {
  it('reads and edits a file with a byte-order mark and CRLF line ends, keeping both', async () => {
    const text = '\uFEFF' + COMMENTED.replace(/\n/g, '\r\n');
    const dir = await makeWorkflow({}, text);
    const file = path.join(dir, 'workflow_param.json');
    expect((await loadWorkflow(dir)).param.vpc_name).toBe('dev-vpc');
    await setJsonValue(file, ['vpc_name'], 'prod-vpc');
    expect(await readFile(file, 'utf8')).toBe(text.replace('"dev-vpc"', '"prod-vpc"'));
  });
});
