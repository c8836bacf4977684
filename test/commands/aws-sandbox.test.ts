import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pty from 'node-pty';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { sandboxStatePath } from '../../src/sandbox/state.js';
import { builtCli, cleanEnv, ensureBuilt, errorLineOf, exampleWorkflow, fakePacker, paw, readParams, removeBuiltCopy } from '../aws/cli.js';

/**
 * The AWS commands end to end in the sandbox, from the shell: every command is a new process,
 * so what one writes and the next reads has survived a restart (state file + dynalite on disk).
 */

const env = () => ({ PAW_SANDBOX_SPEED: '1000', PAW_PACKER: fakePacker() });
let wf: string;

beforeAll(() => {
  ensureBuilt();
  wf = exampleWorkflow();
  process.env.PAW_SANDBOX_SPEED = '1000';
});
afterAll(() => {
  delete process.env.PAW_SANDBOX_SPEED;
  removeBuiltCopy();
});

const run = (...args: string[]) => paw(['--sandbox', '--workflow', wf, ...args], env());

/** The sandbox as the ports see it, opened for a moment (to launch instances, make images). */
async function withSandbox<T>(work: (cloud: Cloud) => Promise<T>): Promise<T> {
  const cloud = await openSandboxCloud({ sandbox: true, workflowDir: wf, region: 'us-east-1', table: null });
  try {
    return await work(cloud);
  } finally {
    await cloud.close();
  }
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('sandbox never settled');
}

async function launch(cloud: Cloud, imageId: string): Promise<string> {
  if (!(await cloud.instances.keyPairs()).some((k) => k.name === 'test')) await cloud.instances.createKeyPair('test');
  const id = await cloud.instances.run({
    imageId,
    instanceType: 't3.micro',
    subnetId: (await cloud.instances.subnetByName('default-public-1a'))!,
    securityGroupIds: [(await cloud.instances.securityGroupByName('packer-ssh'))!],
    instanceProfileName: 'packer-build',
    keyName: 'test',
    tags: {},
  });
  await until(
    () => cloud.instances.describe([id]),
    (i) => i[0]?.state === 'running',
  );
  return id;
}

/** An AMI of this account made the way the manual path makes one: launch, stop, create image. */
async function makeAmi(cloud: Cloud, from: string, name: string, stepId: string): Promise<string> {
  const instance = await launch(cloud, from);
  await cloud.instances.stop(instance);
  await until(
    () => cloud.instances.describe([instance]),
    (i) => i[0]?.state === 'stopped',
  );
  const id = await cloud.images.createImage({ instanceId: instance, name, tags: { 'paw:workflow_id': 'paw-example', 'paw:step_id': stepId } });
  await until(
    () => cloud.images.describe([id]),
    (i) => i[0]?.state === 'available',
  );
  await cloud.instances.terminate(instance);
  return id;
}

/** `paw-tui --sandbox amis delete <ami>` on a terminal, typing `typed` at the confirmation. */
function deleteOnTerminal(amiId: string, typed: string): Promise<{ code: number; screen: string }> {
  return answerOnTerminal(['amis', 'delete', amiId], `Type ${amiId} to delete it`, typed);
}

/** Runs a subcommand on a terminal and answers its question with `typed` (Ctrl-C alone, else with Enter). */
function answerOnTerminal(args: string[], question: string, typed: string): Promise<{ code: number; screen: string }> {
  return new Promise((resolve, reject) => {
    const term = pty.spawn(process.execPath, [builtCli(), '--sandbox', '--workflow', wf, ...args], {
      cols: 160,
      rows: 40,
      env: cleanEnv(env()),
    });
    let screen = '';
    let answered = false;
    const timer = setTimeout(() => {
      term.kill();
      reject(new Error(`no answer; screen:\n${screen}`));
    }, 30_000);
    term.onData((d) => {
      screen += d;
      if (!answered && screen.includes(question)) {
        answered = true;
        term.write(typed === '\x03' ? typed : typed + '\r');
      }
    });
    term.onExit(({ exitCode }) => {
      clearTimeout(timer);
      resolve({ code: exitCode, screen: stripAnsi(screen) });
    });
  });
}

describe('AWS commands in the sandbox', () => {
  let ami = '';
  let rootAmi = '';

  it('base-ami --write picks the newest Ubuntu AMI and writes it, keeping comments', async () => {
    const r = await run('base-ami', '--release', '24.04', '--write');
    expect(r.code).toBe(0);
    const first = r.stdout.split('\n')[0]!;
    expect(first).toMatch(/^\* ami-[0-9a-f]+ {2}\d{4}-\d\d-\d\d {2}ubuntu\/images\/hvm-ssd-gp3\/ubuntu-noble-24\.04-amd64-server-\d{8}$/);
    rootAmi = first.split(/\s+/)[1]!;
    const params = readParams(wf);
    expect(params).toContain(`"root_base_ami_id": "${rootAmi}",`);
    expect(params).toMatch(/"root_base_ami_name": "ubuntu\/images\/hvm-ssd-gp3\/ubuntu-noble-24\.04-amd64-server-\d{8}",/);
    expect(params).toContain('# written by `paw-tui base-ami`');
    expect(params).toContain('"profile_name": null, // null: the AWS SDK\'s default credentials');

    const json = JSON.parse((await run('--json', 'base-ami', '--release', '22.04', '--arch', 'arm64')).stdout);
    expect(json.written).toBeNull();
    expect(json.images[0].name).toMatch(/ubuntu-jammy-22\.04-arm64-server-/);
  });

  it('record describes an AMI and writes the catalog item; amis list and show read it back in new processes', async () => {
    ami = await withSandbox((cloud) => makeAmi(cloud, rootAmi, 'ubuntu/paw-example/base', 'base'));

    const r = await run('record', 'base', '--ami', ami);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`recorded ${ami} as paw-example/base in paw_ami_catalog (AMI and snapshots tagged)`);

    const text = (await run('amis', 'list')).stdout.split('\n');
    expect(text[0]).toMatch(/^WORKFLOW {5}STEP {2}AMI {20}STATE {6}CREATED \(UTC\)$/);
    expect(text[1]).toMatch(new RegExp(`^paw-example  base  ${ami}  available  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));

    const list = await run('--json', 'amis', 'list');
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      workflow_id: 'paw-example',
      step_id: 'base',
      ami_id: ami,
      ami_name: 'ubuntu/paw-example/base',
      state: 'available',
      recorded: true,
      build_method: 'packer',
      base_ami_id: rootAmi,
    });
    expect(rows[0].create_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/);

    const show = JSON.parse((await run('--json', 'amis', 'show', ami)).stdout);
    expect(show.records[0]).toMatchObject({ ami_id: ami, step_id: 'base', root_base_ami_id: rootAmi });
    expect(JSON.parse(show.records[0].details)).toMatchObject({ id: ami, data: { ImageId: ami } });
    expect(show.lineage.map((l: { amiId: string }) => l.amiId)).toEqual([ami, rootAmi]);
  });

  it('refuses to delete an AMI an instance was launched from, and deletes nothing', async () => {
    const instance = await withSandbox((cloud) => launch(cloud, ami));
    const r = await run('--yes', 'amis', 'delete', ami);
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      `paw-tui: AMI ${ami} is in use by instance ${instance} — terminate those instances or change what refers to it first; nothing was deleted`,
    );
    expect(JSON.parse((await run('--json', 'amis', 'list')).stdout)).toHaveLength(1);
    await withSandbox(async (cloud) => {
      await cloud.instances.terminate(instance);
      await until(
        () => cloud.instances.describe([instance]),
        (i) => i[0]?.state === 'terminated',
      );
    });
  });

  it('asks for a confirmation it cannot get without a terminal, and --dry-run only shows the plan', async () => {
    const r = await run('amis', 'delete', ami);
    expect(r.code).toBe(2);
    expect(errorLineOf(r)).toBe(
      'paw-tui: amis delete needs a confirmation and there is no terminal to ask — pass --yes to delete without asking; nothing was deleted',
    );
    const dry = await run('amis', 'delete', ami, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`AMI ${ami}  ubuntu/paw-example/base`);
    expect(dry.stdout).toContain('  catalog items        paw-example/base');
    expect(dry.stdout).toContain('  built on it          app, hardening (would need a rebuild)');
    expect(dry.stdout.trim().split('\n').at(-1)).toBe('dry run: nothing was deleted');
    expect(JSON.parse((await run('--json', 'amis', 'list')).stdout)).toHaveLength(1);
  });

  it('on a terminal, deletes only after the AMI id is typed', async () => {
    const second = await withSandbox((cloud) => makeAmi(cloud, rootAmi, 'ubuntu/paw-example/app', 'app'));
    expect((await run('record', 'app', '--ami', second)).code).toBe(0);

    const wrong = await deleteOnTerminal(second, 'yes');
    expect(wrong.code).toBe(1);
    expect(wrong.screen).toContain('paw-tui: not confirmed — what was typed is not "' + second + '"; nothing was deleted');
    expect(JSON.parse((await run('--json', 'amis', 'list')).stdout).map((r: { ami_id: string }) => r.ami_id)).toContain(second);

    // Ctrl-C at the typed confirmation is an interrupt: exit 130, one line, nothing deleted.
    const interrupted = await deleteOnTerminal(second, '\x03');
    expect(interrupted.code).toBe(130);
    expect(interrupted.screen).toContain('paw-tui: interrupted at the confirmation — nothing was deleted');
    expect(JSON.parse((await run('--json', 'amis', 'list')).stdout).map((r: { ami_id: string }) => r.ami_id)).toContain(second);

    const typed = await deleteOnTerminal(second, second);
    expect(typed.code).toBe(0);
    expect(typed.screen).toContain(`deleted ${second} (1/1)`);
    const left = JSON.parse((await run('--json', 'amis', 'list')).stdout).map((r: { ami_id: string }) => r.ami_id);
    expect(left).toEqual([ami]);
  });

  it('Ctrl-C at a yes/no question exits 130 with one line, and nothing is done', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const runsDir = path.join(wf, 's01-base', '.paw', 'runs');
    mkdirSync(runsDir, { recursive: true });
    const stamp = new Date().toISOString();
    const journal = {
      runId: 'base-cut',
      workflowId: 'paw-example',
      stepId: 'base',
      pid: dead,
      startedAt: stamp,
      updatedAt: stamp,
      status: 'running',
      cloud: 'sandbox',
    };
    writeFileSync(path.join(runsDir, 'base-cut.json'), JSON.stringify(journal));
    const r = await answerOnTerminal(['runs', 'terminate'], 'Terminate', '\x03');
    expect(r.code).toBe(130);
    expect(r.screen).toContain('paw-tui: interrupted at the question — nothing was done');
    expect(r.screen).not.toMatch(/ExitPromptError|at .*\.js:\d+/);
    expect(JSON.parse(readFileSync(path.join(runsDir, 'base-cut.json'), 'utf8'))).toMatchObject({ status: 'running' });
    rmSync(path.join(runsDir, 'base-cut.json'));
  });

  it('amis delete --yes deregisters the AMI, deletes its snapshot and its catalog item', async () => {
    const snapshots = await withSandbox(async (cloud) => (await cloud.images.describe([ami]))[0]!.snapshotIds);
    expect(snapshots.length).toBeGreaterThan(0);
    const stateFile = sandboxStatePath(wf);
    const storedSnapshots = () => Object.keys(JSON.parse(readFileSync(stateFile, 'utf8')).snapshots as object);
    for (const s of snapshots) expect(storedSnapshots()).toContain(s);
    // Throttled twice: backed off and retried, and the deletion still completes.
    const r = await paw(['--sandbox', '--workflow', wf, '--yes', 'amis', 'delete', ami], { ...env(), PAW_SANDBOX_FAULTS: 'DeregisterImage=throttle*2' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`deleted ${ami} (1/1)`);
    for (const s of snapshots) expect(storedSnapshots()).not.toContain(s);
    expect(JSON.parse((await run('--json', 'amis', 'list')).stdout)).toEqual([]);
    await withSandbox(async (cloud) => {
      expect(await cloud.images.describe([ami])).toEqual([]);
      expect(await cloud.catalog.get('paw-example', 'base')).toBeNull();
    });
  });

  it('unknown AMI ids: one line, non-zero, nothing done', async () => {
    const r = await run('record', 'base', '--ami', 'ami-00000000000000000');
    expect(r.code).toBe(1);
    expect(errorLineOf(r)).toBe(
      'paw-tui: AMI ami-00000000000000000 does not exist in us-east-1 — check the id and the region (--region) or account (--profile) in use',
    );
    const d = await run('--yes', 'amis', 'delete', 'ami-00000000000000000');
    expect(d.code).toBe(1);
    expect(errorLineOf(d)).toBe('paw-tui: AMI ami-00000000000000000 does not exist in us-east-1 — check the ids (paw-tui amis list); nothing was deleted');
  });

  it('doctor reports each check on one line', async () => {
    const r = await run('doctor');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.slice(0, 19))).toEqual([
      'ok    packer       ',
      'ok    workflow     ',
      'ok    region       ',
      'ok    credentials  ',
      'ok    catalog table',
      'ok    root base AMI',
      'ok    left behind  ',
      'ok    interrupted  ',
    ]);
    expect(lines[1]).toBe('ok    workflow       paw-example: base → app → hardening');
    expect(path.isAbsolute(wf)).toBe(true);
  });
});
