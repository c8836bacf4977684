import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Instance } from '../../src/aws/ports.js';
import { connectCommand, shownPath, sshLine } from '../../src/manual/connect.js';

const instance = (over: Partial<Instance> = {}): Instance => ({
  id: 'i-0abc',
  state: 'running',
  imageId: 'ami-1',
  instanceType: 't3.micro',
  launchTime: '2026-01-01T00:00:00Z',
  tags: {},
  ...over,
});
const aws = { kind: 'aws' as const, region: 'eu-west-1', profile: 'dev' };
const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});

describe('connecting to the manual instance', () => {
  it('gives the exact ssh line, public DNS name first, then the public IP', () => {
    expect(sshLine(instance({ publicDnsName: 'ec2-1.compute.amazonaws.com', publicIp: '1.2.3.4' }), '/w/s/.paw/k.pem', 'k')).toBe(
      'ssh -i /w/s/.paw/k.pem ubuntu@ec2-1.compute.amazonaws.com',
    );
    expect(sshLine(instance({ publicIp: '1.2.3.4' }), null, 'mine')).toBe('ssh -i ~/.ssh/mine.pem ubuntu@1.2.3.4');
    expect(sshLine(instance(), '/k.pem', 'k')).toBeNull();
  });

  it('writes a .pem under the home folder as ~/…, so the line stays short; ssh itself gets the full path', () => {
    const home = os.homedir();
    const pem = path.join(home, 'repos', 'images', 'workflow', 's03', '.paw', 'k.pem');
    expect(sshLine(instance({ publicIp: '1.2.3.4' }), pem, 'k')).toBe('ssh -i ~/repos/images/workflow/s03/.paw/k.pem ubuntu@1.2.3.4');
    expect(connectCommand(aws, instance({ publicIp: '1.2.3.4' }), pem, 'k').args).toEqual(['-i', pem, 'ubuntu@1.2.3.4']);
    expect(shownPath(`${home}-other/k.pem`, home)).toBe(`${home}-other/k.pem`);
  });

  it('runs ssh in the pane when the instance has a public address', () => {
    expect(connectCommand(aws, instance({ publicIp: '1.2.3.4' }), '/k.pem', 'k')).toEqual({
      file: 'ssh',
      args: ['-i', '/k.pem', 'ubuntu@1.2.3.4'],
      label: 'ssh -i /k.pem ubuntu@1.2.3.4',
    });
  });

  it('uses SSM Session Manager without a public address when the plugin is installed, else says what is missing', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'paw-bin-'));
    process.env.PATH = bin;
    expect(() => connectCommand(aws, instance(), '/k.pem', 'k')).toThrow(/i-0abc has no public address, and aws and session-manager-plugin are not installed/);
    for (const p of ['aws', 'session-manager-plugin']) {
      await writeFile(path.join(bin, p), '#!/bin/sh\n');
      await chmod(path.join(bin, p), 0o755);
    }
    expect(connectCommand(aws, instance(), '/k.pem', 'k')).toMatchObject({
      file: 'aws',
      args: ['ssm', 'start-session', '--target', 'i-0abc', '--region', 'eu-west-1', '--profile', 'dev'],
    });
  });

  it('opens a local shell, clearly labelled, in the sandbox', () => {
    const c = connectCommand({ ...aws, kind: 'sandbox' }, instance({ publicIp: '1.2.3.4' }), '/k.pem', 'k');
    expect(c.file).toMatch(/sh$/);
    expect(c.label).toBe('sandbox: a local shell stands in for ssh ubuntu@1.2.3.4');
  });
});
