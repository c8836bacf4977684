import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { copyOf, requireBuiltCli, ROOT, runCli, startCli } from '../commands/packer-cli.js';
import { sandboxState } from '../manual/fixture.js';

/**
 * A build killed at each point where it holds something in the cloud: paw-tui and Packer
 * SIGKILLed together (the machine went down: no clean-up runs) before Packer starts, after its
 * temporary key pair, after its temporary security group (open on port 22 to 0.0.0.0/0), after
 * the instance launched, after the AMI was registered; and paw-tui alone killed after Packer
 * finished, before the AMI was tagged, before it was recorded. After each kill, every instance,
 * `packer_*` key pair and security group and every AMI of the step's name must be named by
 * `runs` or `doctor` (or be in the catalog); `runs terminate --yes` must end all but the AMIs;
 * and the next build (or `record`, for an AMI) must go through with one AMI in the end. Two
 * test files (kills-build-a, -b) share the points, so they run in parallel.
 */

const FAST = { PAW_FAKE_PACKER_SPEED: '50', PAW_SANDBOX_SPEED: '50' };
const POINTS = [
  'PackerStart:after',
  'PackerKeyPair:after',
  'PackerSecurityGroup:after',
  'PackerInstance:after',
  'PackerImage:after',
  'CreateTags:before',
  'PutItem:before',
];

/** The example workflow, its first step letting Packer make a temporary security group. */
async function workflowCopy(): Promise<string> {
  const dir = await copyOf(path.join(ROOT, 'workflow'));
  const template = path.join(dir, 's01-base', 'templates', '.pkr.hcl');
  const text = await readFile(template, 'utf8');
  const without = text.replace(/\n {2}# Make sure the security group lets SSH in\.\n {2}security_group_filter \{[\s\S]*?\n {2}\}\n/, '\n');
  expect(without).not.toBe(text);
  await writeFile(template, without);
  return dir;
}

interface Held {
  instances: string[];
  keyPairs: string[];
  groups: string[];
  amis: string[];
}

/** What the build made that costs money or opens a door, as EC2 (the sandbox) holds it. */
async function held(dir: string): Promise<Held> {
  const s = await sandboxState(dir);
  return {
    instances: Object.values(s.instances)
      .filter((i) => i.state !== 'terminated')
      .map((i) => i.id),
    keyPairs: s.keyPairs.filter((k) => k.name.startsWith('packer_')).map((k) => k.name),
    groups: s.securityGroups.filter((g) => g.name.startsWith('packer_')).map((g) => g.id),
    amis: Object.values(s.images)
      .filter((i) => i.name.endsWith('/paw-example/base'))
      .map((i) => i.id),
  };
}

/**
 * Waits until the processes of the killed run's terminal (Packer's process group) are gone, as
 * after a machine went down: SIGKILL is sent to them all, but they die one at a time.
 */
async function packerGone(dir: string): Promise<void> {
  const runs = path.join(dir, 's01-base', '.paw', 'runs');
  const leaders: number[] = [];
  for (const name of await readdir(runs).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    const pid = (JSON.parse(await readFile(path.join(runs, name), 'utf8')) as { packerPid?: number }).packerPid;
    if (pid) leaders.push(pid);
  }
  const alive = (pid: number) => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let waited = 0; leaders.some(alive); waited += 100) {
    if (waited > 15_000) throw new Error(`Packer's processes still run 15 s after the kill: ${leaders.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Kills a build at every `of`-th point from `part` on; returns how many runs were killed. */
export async function killBuildAt(share: { part: number; of: number }): Promise<number> {
  requireBuiltCli();
  const mine = POINTS.filter((_, i) => i % share.of === share.part);
  const unaccounted: string[] = [];
  let killed = 0;
  for (const point of mine) {
    const dir = await workflowCopy();
    const cli = (args: string[], env: Record<string, string> = {}) => runCli(['--workflow', dir, '--sandbox', ...args], { ...FAST, ...env }, 120_000);
    const build = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], {
      ...FAST,
      PAW_SANDBOX_KILL: point,
      PAW_SANDBOX_KILL_ONCE: path.join(dir, '.killed'),
    });
    await build.exit;
    expect(build.child.signalCode, `${point}: ${build.stdout().slice(-600)}${build.stderr()}`).toBe('SIGKILL');
    killed++;
    await packerGone(dir);
    const before = await held(dir);
    if (point === 'PackerSecurityGroup:after') expect(before.groups, point).toHaveLength(1);
    if (point === 'PackerImage:after') expect(before.amis, point).toHaveLength(1);

    const runs = await cli(['runs']);
    const doctor = await cli(['doctor']);
    const amis = await cli(['amis', 'list']);
    const said = runs.stdout + doctor.stdout + amis.stdout;
    for (const [kind, ids] of Object.entries(before)) for (const id of ids) if (!said.includes(id)) unaccounted.push(`${point}: ${kind} ${id} named nowhere`);
    if (before.groups.length)
      expect(said, point).toMatch(
        /security group sg-\w+ \(packer_[0-9a-f-]+\) of run base-\S+ \(step base\) was not deleted, \d+s old, OPEN TO THE WHOLE INTERNET on port 22 \(0\.0\.0\.0\/0\)/,
      );

    // Without --yes nothing is deleted, and the question names each temporary of Packer's.
    if (before.keyPairs.length + before.groups.length) {
      const refused = await cli(['runs', 'terminate']);
      expect(refused.code, point).toBe(2);
      for (const id of [...before.keyPairs, ...before.groups]) expect(refused.stderr, point).toContain(id);
      expect(refused.stderr, point).toContain("deleting Packer's temporary");
      expect((await held(dir)).keyPairs, point).toEqual(before.keyPairs);
    }
    const ended = await cli(['runs', 'terminate', '--yes']);
    expect(ended.code, `${point}: ${ended.stderr}`).toBe(0);
    const after = await held(dir);
    for (const id of [...after.instances, ...after.keyPairs, ...after.groups]) unaccounted.push(`${point}: ${id} still there after runs terminate`);

    // Then the step is built (or its AMI recorded) as a person would go on.
    const [ami] = after.amis;
    const next =
      ami && runs.stdout.includes(`AMI ${ami} `)
        ? await cli(['record', 'base', '--ami', ami])
        : ami
          ? { code: 0, stdout: '', stderr: '' }
          : await cli(['build', 'base', '--yes']);
    expect(next.code, `${point}, then going on: ${next.stdout.slice(-600)}${next.stderr}`).toBe(0);
    const end = await held(dir);
    if (end.amis.length !== 1) unaccounted.push(`${point}: ${end.amis.length} AMIs of the step in the end`);
    if (end.instances.length + end.keyPairs.length + end.groups.length) unaccounted.push(`${point}: ${JSON.stringify(end)} left in the end`);
    const clean = await cli(['runs']);
    expect(clean.stdout.trim(), point).toBe('no interrupted runs');
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`build kill points: ${killed} killed of ${mine.length} points; unaccounted: ${unaccounted.length}`);
  expect(unaccounted).toEqual([]);
  return killed;
}
