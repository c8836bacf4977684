import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import stripAnsi from 'strip-ansi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { buildFakePacker } from './fake-packer-bin.js';
import { openCloud, workflowDir } from './helpers.js';
import { stepFolder } from './packer-step.js';

let packer: string;
beforeAll(async () => {
  packer = await buildFakePacker();
}, 60_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the simulated packer as paw-tui does (its own process, cwd = the step folder). */
function runPacker(args: string[], options: { cwd: string; env?: Record<string, string>; interruptWhen?: RegExp }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(packer, args, {
      cwd: options.cwd,
      env: { ...process.env, PAW_FAKE_PACKER_SPEED: '25', PAW_SANDBOX_SPEED: '5', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.interruptWhen && !interrupted && options.interruptWhen.test(stripAnsi(stdout))) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function sandbox(): Promise<{ cloud: Cloud; step: Awaited<ReturnType<typeof stepFolder>>; env: Record<string, string> }> {
  const dir = await workflowDir();
  const cloud = await openCloud(dir);
  const step = await stepFolder(dir);
  return { cloud, step, env: { PAW_SANDBOX_STATE: process.env.PAW_SANDBOX_STATE! } };
}

const lines = (text: string) => stripAnsi(text).split('\n');

describe('the simulated packer', () => {
  it('answers `version` like Packer 1.6.6, and `init` as 1.6 does (no such command)', async () => {
    const dir = await workflowDir();
    expect(await runPacker(['version'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'Packer v1.6.6 (sandbox)\n' });
    const init = await runPacker(['init', '.'], { cwd: dir });
    expect(init.code).toBe(127);
    expect(init.stderr).toMatch(/^Usage: packer/);
    const step = await stepFolder(dir);
    await writeFile(
      path.join(step.dir, 'plugins.pkr.hcl'),
      'packer {\n  required_plugins {\n    amazon = {\n      source  = "github.com/hashicorp/amazon"\n      version = "~> 1"\n    }\n  }\n}\n',
    );
    const newer = await runPacker(['init', '.'], { cwd: step.dir, env: { PAW_FAKE_PACKER_VERSION: '1.9.4' } });
    expect(newer).toMatchObject({ code: 0, stdout: expect.stringMatching(/Installed plugin github.com\/hashicorp\/amazon/) });
  });

  it('validates: a good step is valid; an unset variable or a missing script is refused with its file', async () => {
    const { step, cloud } = await sandbox();
    expect(await runPacker(['validate', `-var-file=${step.varFile}`, '.'], { cwd: step.dir })).toMatchObject({
      code: 0,
      stdout: 'The configuration is valid.\n',
    });
    const unset = await runPacker(['validate', '-color=false', '.'], { cwd: step.dir });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/Error: Unset variable "aws_region"\n\n  on step1\.variables\.pkr\.hcl line 1:/);
    await rm(path.join(step.dir, 'setup.sh'));
    const noScript = await runPacker(['validate', '-color=false', `-var-file=${step.varFile}`, '.'], { cwd: step.dir });
    expect(noScript.code).toBe(1);
    expect(noScript.stderr).toMatch(/Bad script 'setup\.sh': stat setup\.sh: no such file or directory/);
    await cloud.close();
  });

  it('builds: phases, instance id, AMI id in colour; the manifest, the AMI available with a snapshot, the instance terminated', async () => {
    const { cloud, step, env } = await sandbox();
    const run = await runPacker(['build', '-color=true', '-on-error=cleanup', `-var-file=${step.varFile}`, '.'], { cwd: step.dir, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\x1b[1;32m==> step1.amazon-ebs.ubuntu: Prevalidating AMI Name: ');
    expect(run.stdout).toContain('\r\x1b[0;32m    step1.amazon-ebs.ubuntu: Reading package lists... 12%');
    const out = lines(run.stdout);
    const phases = out.filter((l) => l.startsWith('==> step1.amazon-ebs.ubuntu: ')).map((l) => l.slice(29));
    expect(phases).toEqual(
      expect.arrayContaining([
        `Prevalidating AMI Name: ${step.outputName}`,
        expect.stringMatching(/^Creating temporary keypair: packer_/),
        'Launching a source AWS instance...',
        'Waiting for SSH to become available...',
        'Provisioning with shell script: setup.sh',
        'Stopping the source instance...',
        'Waiting for AMI to become ready...',
        'Terminating the source AWS instance...',
        'Deleting temporary keypair...',
      ]),
    );
    const instanceId = /Instance ID: (i-[0-9a-f]{17})/.exec(run.stdout)![1]!;
    const amiId = /AMI: (ami-[0-9a-f]{17})/.exec(run.stdout)![1]!;
    expect(out).toContain('    step1.amazon-ebs.ubuntu: setting up the step');
    expect(out).toContain('==> Builds finished. The artifacts of successful builds are:');
    expect(out.join('\n')).toContain(`--> step1.amazon-ebs.ubuntu: AMIs were created:\nus-east-1: ${amiId}\n`);
    expect(out.some((l) => /^Build 'step1\.amazon-ebs\.ubuntu' finished after \d+ (seconds?|milliseconds)/.test(l))).toBe(true);

    const manifest = JSON.parse(await readFile(path.join(step.dir, '.paw', 'manifest.json'), 'utf8'));
    expect(manifest).toEqual({
      builds: [
        {
          name: 'ubuntu',
          builder_type: 'amazon-ebs',
          build_time: expect.any(Number),
          files: null,
          artifact_id: `us-east-1:${amiId}`,
          packer_run_uuid: manifest.last_run_uuid,
          custom_data: null,
        },
      ],
      last_run_uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const [image] = await cloud.images.describe([amiId]);
    expect(image).toMatchObject({ name: step.outputName, state: 'available', ownerId: '123456789012' });
    expect(image!.snapshotIds).toHaveLength(1);
    const [instance] = await cloud.instances.describe([instanceId]);
    expect(instance).toMatchObject({ imageId: 'ami-0975ad60e5054592a', state: 'terminated', tags: { Name: `packer ${step.outputName}` } });
    expect((await cloud.instances.keyPairs()).filter((k) => k.name.startsWith('packer_'))).toEqual([]);

    // The same name again: refused up front, as Packer refuses it.
    const again = await runPacker(['build', '-color=false', `-var-file=${step.varFile}`, '.'], { cwd: step.dir, env });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`==> step1.amazon-ebs.ubuntu: Error: AMI Name: '${step.outputName}' is used by an existing AMI: ${amiId}`);
    expect(again.stdout).toContain('==> Builds finished but no artifacts were created.');
    await cloud.close();
  });

  it('refuses a source AMI that does not exist or is not available', async () => {
    const { cloud, step, env } = await sandbox();
    const other = await stepFolder(path.dirname(step.dir), { source_ami_id: 'ami-0123456789abcdef0' });
    const run = await runPacker(['build', '-color=false', `-var-file=${other.varFile}`, '.'], { cwd: other.dir, env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "==> step1.amazon-ebs.ubuntu: Error querying AMI: InvalidAMIID.NotFound: The image id '[ami-0123456789abcdef0]' does not exist",
    );
    expect(run.stdout).toMatch(/Build 'step1\.amazon-ebs\.ubuntu' errored after .*: Error querying AMI/);
    await cloud.close();
  });

  it('on SIGINT cleans up like Packer: terminates the instance, deletes the key pair, exits 1', async () => {
    const { cloud, step, env } = await sandbox();
    const run = await runPacker(['build', '-color=false', `-var-file=${step.varFile}`, '.'], {
      cwd: step.dir,
      env: { ...env, PAW_FAKE_PACKER_SPEED: '3' },
      interruptWhen: /Connected to SSH!/,
    });
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    const tail = out.slice(out.indexOf('==> step1.amazon-ebs.ubuntu: Terminating the source AWS instance...'));
    expect(tail.slice(0, 4)).toEqual([
      '==> step1.amazon-ebs.ubuntu: Terminating the source AWS instance...',
      '==> step1.amazon-ebs.ubuntu: Cleaning up any extra volumes...',
      '==> step1.amazon-ebs.ubuntu: No volumes to clean up, skipping',
      '==> step1.amazon-ebs.ubuntu: Deleting temporary keypair...',
    ]);
    expect(out.some((l) => /^Build 'step1\.amazon-ebs\.ubuntu' errored after .*: Build was cancelled\.$/.test(l))).toBe(true);
    expect(out).toContain('Cleanly cancelled builds after being interrupted.');
    expect(out).not.toContain('==> Builds finished. The artifacts of successful builds are:');
    const instanceId = /Instance ID: (i-[0-9a-f]{17})/.exec(run.stdout)![1]!;
    expect((await cloud.instances.describe([instanceId]))[0]!.state).toBe('terminated');
    expect(existsSync(path.join(step.dir, '.paw', 'manifest.json'))).toBe(false);
    await cloud.close();
  });

  it('a failing provisioner: its error, clean-up, exit 1 (and with -on-error=abort the instance is left running)', async () => {
    const { cloud, step, env } = await sandbox();
    const failEnv = { ...env, PAW_FAKE_PACKER_FAIL: 'provision' };
    const run = await runPacker(['build', '-color=false', `-var-file=${step.varFile}`, '.'], { cwd: step.dir, env: failEnv });
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out).toContain('==> step1.amazon-ebs.ubuntu: Script exited with non-zero exit status: 100.Allowed exit codes are: [0]');
    expect(out).toContain('==> step1.amazon-ebs.ubuntu: Terminating the source AWS instance...');
    expect(out).toContain('--> step1.amazon-ebs.ubuntu: Script exited with non-zero exit status: 100.Allowed exit codes are: [0]');
    expect(await cloud.images.findOwnedByName(step.outputName)).toEqual([]);

    const aborted = await runPacker(['build', '-color=false', '-on-error=abort', `-var-file=${step.varFile}`, '.'], { cwd: step.dir, env: failEnv });
    expect(aborted.code).toBe(1);
    expect(aborted.stdout).not.toContain('Terminating the source AWS instance...');
    const instanceId = /Instance ID: (i-[0-9a-f]{17})/.exec(aborted.stdout)![1]!;
    expect((await cloud.instances.describe([instanceId]))[0]!.state).toBe('running');
    await cloud.close();
  });

  it('writes its debug log to PACKER_LOG_PATH when PACKER_LOG is set', async () => {
    const { cloud, step, env } = await sandbox();
    const log = path.join(step.dir, 'packer-debug.log');
    const run = await runPacker(['build', '-color=false', `-var-file=${step.varFile}`, '.'], {
      cwd: step.dir,
      env: { ...env, PACKER_LOG: '1', PACKER_LOG_PATH: log, PAW_FAKE_PACKER_FAIL: 'ssh' },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('==> step1.amazon-ebs.ubuntu: Timeout waiting for SSH.');
    const debug = await readFile(log, 'utf8');
    expect(debug).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[INFO\] Packer version: 1\.6\.6/);
    expect(debug).toMatch(/TCP connection to SSH ip\/port failed: dial tcp [\d.]+:22: i\/o timeout/);
    expect(run.stdout).not.toContain('i/o timeout');
    await cloud.close();
  });

  it('shares the state file with paw-tui: changes made while it builds are not lost on either side', async () => {
    const { cloud, step, env } = await sandbox();
    const building = runPacker(['build', '-color=false', `-var-file=${step.varFile}`, '.'], { cwd: step.dir, env: { ...env, PAW_FAKE_PACKER_SPEED: '10' } });
    const root = 'ami-0975ad60e5054592a';
    for (let i = 0; i < 30; i++) await cloud.images.tag([root], { [`seen${i}`]: String(i) });
    const run = await building;
    expect(run.code).toBe(0);
    const amiId = /AMI: (ami-[0-9a-f]{17})/.exec(run.stdout)![1]!;
    expect((await cloud.images.describe([amiId]))[0]!.state).toBe('available');
    expect(Object.keys((await cloud.images.describe([root]))[0]!.tags)).toHaveLength(30);
    await cloud.close();
  });

  it('runs the sources of a build in parallel, each with its own colour, instance, AMI and tags', async () => {
    const { cloud, step, env } = await sandbox();
    const [arm] = await cloud.parameters.byPath('/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3');
    await writeFile(
      path.join(step.dir, 'step1.pkr.hcl'),
      `source "amazon-ebs" "amd" {
  ami_name      = "\${var.output_ami_name}-amd64"
  instance_type = "t3.micro"
  source_ami    = var.source_ami_id
  tags = {
    Name        = "\${var.output_ami_name}-amd64"
    "paw:kind"  = "test"
  }
  snapshot_tags = {
    Name = "snapshot of \${var.output_ami_name}"
  }
}
source "amazon-ebs" "arm" {
  ami_name      = "\${var.output_ami_name}-arm64"
  instance_type = "t4g.micro"
  source_ami    = "${arm!.value}"
}
build {
  sources = ["source.amazon-ebs.amd", "source.amazon-ebs.arm"]
  provisioner "shell" {
    inline = ["echo hello from the build"]
  }
}
`,
    );
    const run = await runPacker(['build', '-color=true', `-var-file=${step.varFile}`, '.'], { cwd: step.dir, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\x1b[1;32mamazon-ebs.amd: output will be in this color.');
    expect(run.stdout).toContain('\x1b[1;36mamazon-ebs.arm: output will be in this color.');
    const out = lines(run.stdout);
    expect(out).toContain('    amazon-ebs.amd: hello from the build');
    expect(out).toContain('    amazon-ebs.arm: hello from the build');
    expect(out).toContain('    amazon-ebs.amd: Adding tag: "paw:kind": "test"');
    const created = [...run.stdout.matchAll(/us-east-1: (ami-[0-9a-f]{17})/g)].map((m) => m[1]!);
    expect(new Set(created).size).toBe(2);
    const images = await cloud.images.describe(created);
    expect(images.map((i) => [i.name, i.architecture]).sort()).toEqual([
      [`${step.outputName}-amd64`, 'x86_64'],
      [`${step.outputName}-arm64`, 'arm64'],
    ]);
    const amd = images.find((i) => i.name.endsWith('-amd64'))!;
    expect(amd.tags).toEqual({ Name: `${step.outputName}-amd64`, 'paw:kind': 'test' });
    expect(existsSync(path.join(step.dir, '.paw', 'manifest.json'))).toBe(false);
    await cloud.close();
  });
});
