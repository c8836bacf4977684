import pty from 'node-pty';
import stripAnsi from 'strip-ansi';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFakePacker } from './fake-packer-bin.js';
import { eventually, openCloud, workflowDir } from './helpers.js';
import { stepFolder } from './packer-step.js';

let packer: string;
beforeAll(async () => {
  packer = await buildFakePacker();
}, 60_000);

describe('the simulated packer in a pseudo-terminal', () => {
  it('asks what to do after a failed provisioner (-on-error=ask); typing c in the terminal cleans up', async () => {
    const dir = await workflowDir();
    const cloud = await openCloud(dir);
    const step = await stepFolder(dir);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, { PAW_FAKE_PACKER_SPEED: '25', PAW_SANDBOX_SPEED: '5', PAW_FAKE_PACKER_FAIL: 'provision' });
    const term = pty.spawn(packer, ['build', '-color=true', '-on-error=ask', `-var-file=${step.varFile}`, '.'], {
      cwd: step.dir,
      cols: 200,
      rows: 50,
      env,
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));

    await eventually(
      async () => (stripAnsi(screen).includes('[c] Clean up and exit, [a] abort without cleanup, or [r] retry step') ? true : undefined),
      15_000,
    );
    expect(stripAnsi(screen)).toContain('==> step1.amazon-ebs.ubuntu: Step "StepProvision" failed');
    const instanceId = /Instance ID: (i-[0-9a-f]{17})/.exec(stripAnsi(screen))![1]!;
    expect((await cloud.instances.describe([instanceId]))[0]!.state).toBe('running');
    term.write('c\r');
    expect(await exit).toBe(1);
    const text = stripAnsi(screen);
    expect(text).toContain('==> step1.amazon-ebs.ubuntu: Terminating the source AWS instance...');
    expect(text).toMatch(/Build 'step1\.amazon-ebs\.ubuntu' errored after .*: Script exited with non-zero exit status: 100/);
    expect((await cloud.instances.describe([instanceId]))[0]!.state).toBe('terminated');
    await cloud.close();
  });

  it('Ctrl-C typed in the terminal interrupts the build, which cleans up and exits 1', async () => {
    const dir = await workflowDir();
    const cloud = await openCloud(dir);
    const step = await stepFolder(dir);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, { PAW_FAKE_PACKER_SPEED: '3', PAW_SANDBOX_SPEED: '5' });
    const term = pty.spawn(packer, ['build', '-color=true', `-var-file=${step.varFile}`, '.'], { cwd: step.dir, cols: 200, rows: 50, env });
    let screen = '';
    term.onData((d) => (screen += d));
    const exit = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    await eventually(async () => (stripAnsi(screen).includes('Waiting for SSH to become available...') ? true : undefined), 15_000);
    term.write('\x03');
    expect(await exit).toBe(1);
    const text = stripAnsi(screen);
    expect(text).toContain('==> step1.amazon-ebs.ubuntu: Terminating the source AWS instance...');
    expect(text).toMatch(/Build 'step1\.amazon-ebs\.ubuntu' errored after .*: Build was cancelled\./);
    expect(text).toContain('Cleanly cancelled builds after being interrupted.');
    const instanceId = /Instance ID: (i-[0-9a-f]{17})/.exec(text)![1]!;
    expect((await cloud.instances.describe([instanceId]))[0]!.state).toBe('terminated');
    await cloud.close();
  });
});
