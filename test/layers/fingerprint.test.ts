import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitContent, inputChanges, stepFingerprint } from '../../src/layers/fingerprint.js';
import { isIgnored, parseGitignore } from '../../src/layers/gitignore.js';
import { findStep, loadWorkflow } from '../../src/workflow/load.js';

const repoWorkflow = path.resolve(import.meta.dirname, '../../workflow');
const source = { id: 'ami-0975ad60e5054592a', name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607' };

/** A copy of the example workflow in a folder of its own (another machine, another checkout). */
function copy(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'paw-fp-')), 'checkout', 'workflow');
  cpSync(repoWorkflow, dir, { recursive: true });
  return dir;
}

async function fingerprintOf(dir: string, stepId = 'base') {
  const workflow = await loadWorkflow(dir);
  return stepFingerprint(workflow, findStep(workflow, stepId), source, 'us-east-1');
}

const edit = (file: string, change: (text: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

describe('step fingerprint', () => {
  it('is the same for two copies of a folder, whatever their place, line endings in text, state and rendered files', async () => {
    const a = copy();
    const b = copy();
    // b was checked out with CRLF line endings, has been rendered and built, and holds a key pair.
    edit(path.join(b, 's01-base', 'zero_deps_script.py'), (t) => t.replace(/\n/g, '\r\n'));
    mkdirSync(path.join(b, 's01-base', '.paw', 'logs'), { recursive: true });
    writeFileSync(path.join(b, 's01-base', '.paw', 'logs', 'x.log'), 'log');
    writeFileSync(path.join(b, 's01-base', 'base.pkr.hcl'), 'rendered');
    writeFileSync(path.join(b, 's01-base', 'key.pem'), 'secret');
    const fa = await fingerprintOf(a);
    const fb = await fingerprintOf(b);
    expect(fb.fingerprint).toBe(fa.fingerprint);
    expect(fa.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(fa.inputs.files)).toEqual([
      '.gitignore',
      'README.md',
      'step_param.json',
      'templates/.pkr.hcl',
      'templates/.pkrvars.hcl',
      'templates/.variables.pkr.hcl',
      'zero_deps_script.py',
    ]);
  });

  it('names the file that changed, and a binary file keeps its CR bytes', async () => {
    const a = copy();
    const before = await fingerprintOf(a);
    edit(path.join(a, 's01-base', 'zero_deps_script.py'), (t) => t + '# one more line\n');
    writeFileSync(path.join(a, 's01-base', 'blob.bin'), Buffer.from([0, 13, 10]));
    const after = await fingerprintOf(a);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(inputChanges(before.inputs, after.inputs)).toEqual([{ kind: 'changed', files: ['blob.bin', 'zero_deps_script.py'] }]);
    expect(gitContent(Buffer.from([0, 13, 10]))).toEqual(Buffer.from([0, 13, 10]));
    expect(gitContent(Buffer.from('a\r\nb'))).toEqual(Buffer.from('a\nb'));
  });

  it('workflow params count only when the templates read them; the workflow id and credentials never', async () => {
    const a = copy();
    const before = await fingerprintOf(a);
    const params = path.join(a, 'workflow_param.json');
    edit(params, (t) =>
      t.replace('"workflow_id": "paw-example"', '"workflow_id": "paw-example-2026-01-01-00-00-00"').replace('"profile_name": null', '"profile_name": "other"'),
    );
    edit(params, (t) => t.replace('"region_name"', '"unused_key": "x",\n    "region_name"'));
    expect((await fingerprintOf(a)).fingerprint).toBe(before.fingerprint);
    edit(params, (t) => t.replace('"subnet_name": "default-public-1a"', '"subnet_name": "private-1b"'));
    const after = await fingerprintOf(a);
    expect(inputChanges(before.inputs, after.inputs)).toEqual([{ kind: 'workflow_params', keys: ['subnet_name'] }]);
    expect(Object.keys(before.inputs.workflow_params)).toContain('aws_region');
    expect(Object.keys(before.inputs.workflow_params)).not.toContain('workflow_id');
  });

  it("keeps the params' values beside their hashes, secrets redacted, without changing the fingerprint", async () => {
    const a = copy();
    const before = await fingerprintOf(a);
    edit(path.join(a, 's01-base', 'step_param.json'), (t) =>
      t.replace('"metadata": {', '"metadata": {\n        "api_token": "tok-123456789",\n        "nested": {"db_password": "pw-123456789", "size": 3},'),
    );
    const after = await fingerprintOf(a);
    expect(after.values.step_param).toMatchObject({
      step_id: '"base"',
      previous_step_id: 'null',
      'metadata.api_token': '"[redacted]"',
      'metadata.nested.db_password': '"[redacted]"',
      'metadata.nested.size': '3',
    });
    expect(after.values.workflow_params).toMatchObject({ subnet_name: '"default-public-1a"', is_default_vpc: expect.any(String) as string });
    expect(JSON.stringify(after.values)).not.toMatch(/tok-123|pw-123/);
    // The values are not part of what is hashed: the same inputs, the same fingerprint.
    expect(before.fingerprint).toBe((await fingerprintOf(copy())).fingerprint);
    expect(Object.keys(after.inputs)).not.toContain('values');
  });

  it('the source AMI and the step params are inputs', async () => {
    const a = copy();
    const workflow = await loadWorkflow(a);
    const step = findStep(workflow, 'app');
    const one = await stepFingerprint(workflow, step, { id: 'ami-1', name: 'x' }, 'us-east-1');
    const two = await stepFingerprint(workflow, step, { id: 'ami-2', name: 'x' }, 'us-east-1');
    expect(inputChanges(one.inputs, two.inputs)).toEqual([{ kind: 'source', was: 'ami-1', now: 'ami-2' }]);
    edit(path.join(a, 's02-app', 'step_param.json'), (t) => t.replace('"metadata": {', '"metadata": {\n        "extra": "y",'));
    const reloaded = await loadWorkflow(a);
    const three = await stepFingerprint(reloaded, findStep(reloaded, 'app'), { id: 'ami-1', name: 'x' }, 'us-east-1');
    expect(inputChanges(one.inputs, three.inputs).map((c) => c.kind)).toEqual(['changed', 'step_params']);
  });
});

describe('gitignore rules', () => {
  const rules = parseGitignore('# c\n/base*.pkr.hcl\n*.pem\n.paw/\nbuild/\n!keep.pem\ndocs/**/*.tmp\n');
  it.each([
    ['base.pkr.hcl', false, true],
    ['sub/base.pkr.hcl', false, false],
    ['a/b/x.pem', false, true],
    ['keep.pem', false, false],
    ['build', true, true],
    ['build', false, false],
    ['docs/a/b/c.tmp', false, true],
    ['docs/c.tmp', false, true],
    ['install.sh', false, false],
  ])('%s (dir %s) ignored: %s', (p, dir, ignored) => {
    expect(isIgnored(rules, p, dir)).toBe(ignored);
  });
});
