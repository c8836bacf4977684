import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Cloud, LockHolder } from '../aws/ports.js';
import { errorLine, PawError } from '../errors.js';
import type { Step, Workflow } from '../workflow/types.js';
import { currentProcess, processAlive } from './process.js';
import { makePawDir } from '../paw-dir.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** The locks this process holds now (taken, not yet let go). */
const held = new Set<object>();

/**
 * Resolves once this process holds no step lock, or after `timeoutMs`; says whether all were
 * let go. The app waits here before it ends: work a leaving screen interrupted lets go of its
 * lock a moment later, and a process that ended first would leave the lock file behind.
 */
export async function locksReleased(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (held.size > 0 && Date.now() < deadline) await sleep(20);
  return held.size === 0;
}

/**
 * One build or manual run of a step at a time (issue: two builds in one second shared a run and
 * made two AMIs). Two locks, taken in order:
 * - a file in the step's `.paw/` (created exclusively), for two processes on one machine; a
 *   holder whose process is gone (pid and start time) no longer holds it;
 * - a lease item in the catalog table when the table is there, for two machines (or CI jobs):
 *   renewed while the run lives, deleted at its end, free once expired.
 * The second comer gets one line naming the holder and since when.
 */

export const LEASE_TTL_MS = 120_000;

export interface StepLock {
  readonly runId: string;
  /** Why there is no shared lease (no table...), when there is none. */
  readonly leaseSkipped: string | null;
  release(): Promise<void>;
}

export interface LockOptions {
  cloud: Cloud;
  workflow: Workflow;
  step: Step;
  runId: string;
  command: string;
  /** Take the lock from whoever holds it (the user confirmed). */
  steal?: boolean;
  /** For tests: another machine's name. */
  host?: string;
}

export function lockPath(step: Step): string {
  return path.join(step.dir, '.paw', 'lock.json');
}

export function describeHolder(h: LockHolder): string {
  return `${h.user}@${h.host} (pid ${h.pid}, ${h.command}, run ${h.runId}) since ${h.since}`;
}

/**
 * Whether the holder of a lock is a process that still runs on this machine (then waiting is
 * all it takes), one whose process is gone here, or on another machine (nothing to ask).
 */
export function holderWhere(h: LockHolder, host = os.hostname()): 'alive-here' | 'dead-here' | 'elsewhere' {
  if (h.host !== host) return 'elsewhere';
  return processAlive({ pid: h.pid, pidStart: h.pidStart }) ? 'alive-here' : 'dead-here';
}

/** Who holds the step's lock file now: null when nobody does (no file, or its process is gone here). */
export async function lockFileHolder(step: Step, host = os.hostname()): Promise<LockHolder | null> {
  const holder = await readHolder(lockPath(step));
  return holder && holderWhere(holder, host) !== 'dead-here' ? holder : null;
}

export class StepLockedError extends PawError {
  constructor(
    step: Step,
    readonly holder: LockHolder,
  ) {
    super(`step ${step.id} is locked by ${describeHolder(holder)}`, {
      hint: 'wait for it to finish, or take the lock with --steal-lock if that run is gone',
    });
    this.name = 'StepLockedError';
  }
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/** A holder that is surely gone: on this machine, and its process is not there any more. */
function deadHere(h: LockHolder, host: string): boolean {
  return holderWhere(h, host) === 'dead-here';
}

async function takeFile(file: string, me: LockHolder, steal: boolean, step: Step): Promise<void> {
  await makePawDir(path.dirname(file));
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, JSON.stringify(me, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readHolder(file);
    // A lock file that cannot be read is one a killed write left half done: nobody holds it.
    if (holder && !steal && !deadHere(holder, me.host)) throw new StepLockedError(step, holder);
    await rm(file, { force: true });
  }
  const last = await readHolder(file);
  throw last ? new StepLockedError(step, last) : new Error(`cannot take ${file}`);
}

export async function lockStep(o: LockOptions): Promise<StepLock> {
  const self = currentProcess();
  const me: LockHolder = {
    host: o.host ?? os.hostname(),
    user: os.userInfo().username,
    pid: self.pid,
    pidStart: self.start,
    runId: o.runId,
    command: o.command,
    since: new Date().toISOString(),
  };
  const file = lockPath(o.step);
  await takeFile(file, me, o.steal === true, o.step);
  const dropFile = async () => {
    const holder = await readHolder(file);
    if (holder?.runId === me.runId) await rm(file, { force: true });
  };

  const workflowId = o.workflow.param.workflow_id;
  let leaseSkipped: string | null = null;
  let renewal: NodeJS.Timeout | undefined;
  const leases = o.cloud.leases;
  let leased = false;
  try {
    if (!leases) leaseSkipped = 'no catalog table to hold a shared lease';
    else {
      const exists = await o.cloud.catalog.tableExists().catch((e: unknown) => e);
      if (exists !== true) {
        leaseSkipped =
          exists === false
            ? `catalog table ${o.cloud.catalog.tableName} is not there`
            : `catalog table ${o.cloud.catalog.tableName} could not be checked (${errorLine(exists)})`;
      }
    }
    if (leases && !leaseSkipped) {
      let held = await leases.acquire(workflowId, o.step.id, me, LEASE_TTL_MS);
      if (held && (o.steal || deadHere(held.holder, me.host))) held = await leases.acquire(workflowId, o.step.id, me, LEASE_TTL_MS, held.holder.runId);
      if (held) throw new StepLockedError(o.step, held.holder);
      leased = true;
      renewal = setInterval(() => void leases.renew(workflowId, o.step.id, me.runId, LEASE_TTL_MS).catch(() => undefined), LEASE_TTL_MS / 4);
      renewal.unref();
    }
  } catch (e) {
    await dropFile();
    throw e;
  }

  let released: Promise<void> | undefined;
  const token = {};
  held.add(token);
  return {
    runId: o.runId,
    leaseSkipped,
    release() {
      released ??= (async () => {
        try {
          clearInterval(renewal);
          if (leased) await leases!.release(workflowId, o.step.id, me.runId).catch(() => undefined);
          await dropFile();
        } finally {
          held.delete(token);
        }
      })();
      return released;
    },
  };
}
