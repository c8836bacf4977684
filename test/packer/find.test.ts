import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArgs, findPacker, needsInit, parsePackerVersion, validateArgs } from '../../src/packer/find.js';
import { realPacker } from './real-packer.js';

const packer = realPacker();

async function script(body: string, name = 'packer'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'paw-find-'));
  const file = path.join(dir, name);
  await writeFile(file, body);
  await chmod(file, 0o755);
  return file;
}

describe('findPacker', () => {
  it.skipIf(!packer)('finds the real packer on PATH and reads its version', async () => {
    const found = await findPacker({ PATH: path.dirname(packer!) });
    expect(found.path).toBe(packer);
    expect(found.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('uses PAW_PACKER before PATH', async () => {
    const file = await script('#!/bin/sh\necho "Packer v1.11.2"\n');
    const found = await findPacker({ PAW_PACKER: file, PATH: '' });
    expect(found).toEqual({ path: file, args: [], version: '1.11.2' });
  });

  it('runs a JavaScript PAW_PACKER with node', async () => {
    const file = await script('console.log("Packer v1.9.4")\n', 'fake-packer.js');
    const found = await findPacker({ PAW_PACKER: file, PATH: '' });
    expect(found).toEqual({ path: process.execPath, args: [file], version: '1.9.4' });
  });

  it('explains how to install packer when it is missing', async () => {
    await expect(findPacker({ PATH: '/nonexistent' })).rejects.toThrow('packer was not found on PATH');
    await expect(findPacker({ PATH: '/nonexistent' })).rejects.toMatchObject({ hint: expect.stringContaining('apt-get install packer') });
    await expect(findPacker({ PAW_PACKER: '/nonexistent/packer' })).rejects.toThrow(/not an executable file/);
  });

  it('reports a binary that does not answer `packer version`', async () => {
    const file = await script('#!/bin/sh\necho "segfault" >&2\nexit 3\n');
    await expect(findPacker({ PAW_PACKER: file })).rejects.toThrow(/did not answer `packer version`: segfault/);
  });
});

describe('command lines', () => {
  it('parses versions', () => {
    expect(parsePackerVersion('Packer v1.6.6\n')).toBe('1.6.6');
    expect(parsePackerVersion('Packer v1.10.3\n\nYour version of Packer is out of date!')).toBe('1.10.3');
  });

  it('runs init only from 1.7 with a required_plugins block', () => {
    const tpl = 'packer {\n  required_plugins {\n    amazon = { version = ">= 1.2" }\n  }\n}\n';
    expect(needsInit('1.6.6', tpl)).toBe(false);
    expect(needsInit('1.7.0', tpl)).toBe(true);
    expect(needsInit('1.10.1', tpl)).toBe(true);
    expect(needsInit('1.10.1', 'source "null" "x" {}')).toBe(false);
  });

  it('builds the validate and build commands of SPEC §3, var files relative to the step folder', () => {
    const dir = '/w/step1';
    expect(validateArgs(dir, ['/w/step1/step1.pkrvars.hcl'])).toEqual(['validate', '-var-file=step1.pkrvars.hcl', '.']);
    expect(buildArgs(dir, ['/w/step1/step1.pkrvars.hcl', 'extra.pkrvars.hcl'], 'cleanup')).toEqual([
      'build',
      '-color=true',
      '-on-error=cleanup',
      '-var-file=step1.pkrvars.hcl',
      '-var-file=extra.pkrvars.hcl',
      '.',
    ]);
    expect(buildArgs(dir, [], 'ask')).not.toContain('-debug');
  });
});
