import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { fileSystemError } from '../../src/workflow/atomic.js';
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
    const error = await setJsonValue(file, ['is_default_vpc'], 5).catch((e: unknown) => errorLine(e));
    expect(error).toMatch(/^not changed: the edit would make it invalid: .*workflow_param\.json:6:21: "is_default_vpc" must be "true" or "false"/);
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

describe('params files: what could be lost', () => {
  const failureOf = async (work: () => Promise<unknown>) => work().then(() => '', (e: unknown) => errorLine(e));

  it('keeps an invalid UTF-8 byte elsewhere in the file, and writes a new value as UTF-8', async () => {
    const dir = await makeWorkflow({}, COMMENTED);
    const file = path.join(dir, 'workflow_param.json');
    const before = Buffer.concat([Buffer.from('\xef\xbb\xbf', 'latin1'), Buffer.from(COMMENTED.replace('// the id', '// the id \xff caf\xe9', ), 'latin1')]);
    await writeFile(file, before);
    await setJsonValue(file, ['aws_tags', 'team'], 'Zoë ✓');
    const after = await readFile(file);
    const expected = Buffer.concat([
      Buffer.from('\xef\xbb\xbf', 'latin1'),
      Buffer.from(COMMENTED.replace('// the id', '// the id \xff caf\xe9').split('"team": "app"')[0]!, 'latin1'),
      Buffer.from('"team": "Zoë ✓"', 'utf8'),
      Buffer.from(COMMENTED.split('"team": "app"')[1]!, 'latin1'),
    ]);
    expect(after.equals(expected)).toBe(true);
  });

  it('refuses duplicate keys, naming both lines, for reads and edits; the file is unchanged', async () => {
    const text = COMMENTED.replace('"subnet_name": "dev/public/1",', '"subnet_name": "dev/public/1",\n  "vpc_name": "other-vpc",');
    const dir = await makeWorkflow({}, text);
    const file = path.join(dir, 'workflow_param.json');
    const expected = `${file}:5 and ${file}:8`;
    expect(await failureOf(() => loadWorkflow(dir))).toContain(`key "vpc_name" is written twice: ${expected}`);
    expect(await failureOf(() => setJsonValue(file, ['vpc_name'], 'x'))).toContain(`key "vpc_name" is written twice: ${expected}`);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('refuses JSON nested 5,000 deep in one line, without a stack overflow', async () => {
    const deep = COMMENTED.replace('"team": "app"', `"team": ${'['.repeat(5000)}${']'.repeat(5000)}`);
    const dir = await makeWorkflow({}, deep);
    const file = path.join(dir, 'workflow_param.json');
    expect(await failureOf(() => loadWorkflow(dir))).toMatch(/workflow_param\.json:14:\d+: nested deeper than 64 levels — /);
    expect(await failureOf(() => setJsonValue(file, ['vpc_name'], 'x'))).toMatch(/nested deeper than 64 levels/);
    expect(await readFile(file, 'utf8')).toBe(deep);
  });

  it('removes temporary files a killed write left behind, and none of a live writer', async () => {
    const dir = await makeWorkflow({}, COMMENTED);
    const file = path.join(dir, 'workflow_param.json');
    const dead = ['.workflow_param.json.999999.tmp', '.workflow_param.json.999998.0a1b2c3d.tmp'];
    const live = `.workflow_param.json.${process.ppid}.0a1b2c3d.tmp`;
    for (const name of [...dead, live]) await writeFile(path.join(dir, name), 'half');
    await setJsonValue(file, ['vpc_name'], 'next-vpc');
    const left = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    expect(left).toEqual([live]);
  });

  it('a file that cannot be read or written: one line naming it and what to fix', async () => {
    const dir = await makeWorkflow({}, COMMENTED);
    const file = path.join(dir, 'workflow_param.json');
    await rm(file);
    await mkdir(file);
    expect(await failureOf(() => setJsonValue(file, ['vpc_name'], 'x'))).toBe(`cannot read ${file}: it is a folder (EISDIR) — ${file} must be a file`);
    for (const [code, line] of [
      ['EACCES', `cannot write ${file}: permission denied (EACCES) — check the permissions of ${file} and its folder (ls -l), or run as its owner`],
      ['ENOSPC', `cannot write ${file}: the disk is full (ENOSPC) — free some space on that disk and try again; the file is unchanged`],
      ['EROFS', `cannot write ${file}: the file system is read-only (EROFS) — mount it writable or work on a copy of the workflow elsewhere`],
    ] as const) {
      expect(errorLine(fileSystemError(Object.assign(new Error('x'), { code }), 'write', file))).toBe(line);
    }
  });
});
