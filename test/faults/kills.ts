import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { runManual } from '../manual/cli.js';
import { OUTPUT_AMI_NAME, sandboxState, STEP_FOLDER, writeManualWorkflow } from '../manual/fixture.js';

/**
 * The manual path killed (SIGKILL) at every cloud call it makes — before the request, while it
 * is in flight, right after the answer — then started again as a person would. After each kill,
 * every instance the run made must be named by `manual status`, `runs` or `doctor`; after the
 * restart the path must end with exactly one instance (terminated), one AMI and one key pair.
 * One test file per command (kills-*.test.ts), so the three run in parallel.
 */

const COMMANDS = [['launch'], ['stop', '--yes'], ['resume', '--yes']];
const CHANGES = new Set([
  'CreateKeyPair',
  'DeleteKeyPair',
  'RunInstances',
  'StopInstances',
  'CreateImage',
  'TerminateInstances',
  'PutItem',
  'CreateTags',
  'DeregisterImage',
]);
/** The journal must hold the intent of these calls before they are made. */
const INTENT: Record<string, string> = {
  RunInstances: 'launch',
  StopInstances: 'stop',
  CreateImage: 'create-image',
  TerminateInstances: 'terminate',
};
const PHASES = ['before', 'during', 'after'] as const;

/**
 * Kill points at once. Each has its own copy of the workflow, so its own sandbox; a run of the
 * CLI is mostly waiting (start-up, polls), so a few side by side cut the file's time.
 */
const POINTS_AT_ONCE = 3;

async function eachAtOnce<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

function copyOf(dir: string): string {
  const to = path.join(mkdtempSync(path.join(os.tmpdir(), 'paw-kill-')), 'workflow');
  cpSync(dir, to, { recursive: true });
  return to;
}

async function run(dir: string, args: string[], env: Record<string, string> = {}, command?: string[]) {
  return runManual(dir, args, env, command).done;
}

function journal(dir: string): { state: string; requested: { action: string } | null; instanceId: string | null } | null {
  const file = path.join(dir, STEP_FOLDER, '.paw', 'manual.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

interface KillPoint {
  command: number;
  operation: string;
  n: number;
  phase: (typeof PHASES)[number];
}

/**
 * Kills `manual <command>` (an index in COMMANDS) at each of its cloud calls and checks what is
 * left; returns how many runs were really killed (a poll that does not come again is no kill).
 */
export async function killEveryCallOf(command: number, share: { part: number; of: number } = { part: 0, of: 1 }): Promise<number> {
  const start = await writeManualWorkflow();
  // The workflow before each command, and the calls each command makes (traced once, unkilled).
  const before: string[] = [];
  const points: KillPoint[] = [];
  const traced = copyOf(start);
  for (const [k, args] of COMMANDS.entries()) {
    if (k > command) break;
    before.push(copyOf(traced));
    const trace = path.join(path.dirname(traced), `trace-${k}`);
    const r = await run(traced, args, { PAW_SANDBOX_TRACE: trace });
    expect(r.code, r.stderr).toBe(0);
    const counts = new Map<string, number>();
    for (const line of readFileSync(trace, 'utf8').trim().split('\n')) {
      const operation = line.split(' ')[1]!;
      const n = (counts.get(operation) ?? 0) + 1;
      counts.set(operation, n);
      if (k === command && (n === 1 || CHANGES.has(operation))) for (const phase of PHASES) points.push({ command: k, operation, n, phase });
    }
  }
  if (command === COMMANDS.length - 1) expect(journal(traced)?.state).toBe('done');

  // A command with many calls is shared between files: each takes every `of`-th point.
  const mine = points.filter((_, i) => i % share.of === share.part);
  const unaccounted: string[] = [];
  let killed = 0;
  await eachAtOnce(mine, POINTS_AT_ONCE, async (p) => {
    const name = `${COMMANDS[p.command]!.join(' ')} at ${p.operation} #${p.n} ${p.phase}`;
    const dir = copyOf(before[p.command]!);
    const once = path.join(path.dirname(dir), 'killed');
    const r = await run(dir, COMMANDS[p.command]!, {
      PAW_SANDBOX_KILL: `${p.operation}:${p.phase}:${p.n}`,
      PAW_SANDBOX_KILL_ONCE: once,
    });
    if (r.signal !== 'SIGKILL') {
      // Polls differ from run to run: a later DescribeInstances may not come.
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      return;
    }
    killed++;
    const j = journal(dir);
    if (p.phase === 'before' && INTENT[p.operation]) {
      expect(j?.requested?.action, `${name}: the intent is in the journal before the call`).toBe(INTENT[p.operation]);
    }
    // Started again: status, runs and doctor name every instance that may cost money.
    const status = await run(dir, ['status']);
    let said = status.stdout + status.stderr;
    const ec2 = await sandboxState(dir);
    if (Object.values(ec2.instances).some((i) => i.state !== 'terminated' && !said.includes(i.id))) {
      said += (await run(dir, [], {}, ['runs'])).stdout + (await run(dir, [], {}, ['doctor'])).stdout;
    }
    for (const i of Object.values(ec2.instances)) {
      if (i.state !== 'terminated' && !said.includes(i.id)) unaccounted.push(`${name}: instance ${i.id} (${i.state}) named nowhere`);
    }
    // And the path goes on to its end from where it stopped.
    for (const args of COMMANDS.slice(p.command)) {
      const again = await run(dir, args);
      expect(again.code, `${name}, then ${args.join(' ')}: ${again.stderr}`).toBe(0);
    }
    expect(journal(dir)?.state, name).toBe('done');
    const end = await sandboxState(dir);
    const instances = Object.values(end.instances);
    if (instances.length !== 1) unaccounted.push(`${name}: ${instances.length} instances were made`);
    for (const i of instances) if (i.state !== 'terminated') unaccounted.push(`${name}: instance ${i.id} left ${i.state}`);
    const amis = Object.values(end.images).filter((i) => i.name === OUTPUT_AMI_NAME);
    if (amis.length !== 1) unaccounted.push(`${name}: ${amis.length} AMIs named ${OUTPUT_AMI_NAME}`);
    const keys = end.keyPairs.filter((k) => k.name.startsWith('paw-'));
    if (keys.length !== 1) unaccounted.push(`${name}: key pairs ${keys.map((k) => k.name).join(', ')}`);
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });
  console.log(`manual ${COMMANDS[command]!.join(' ')} kill points: ${killed} killed of ${mine.length} points; unaccounted: ${unaccounted.length}`);
  expect(unaccounted).toEqual([]);
  return killed;
}
