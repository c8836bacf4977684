import { setTimeout as sleep } from 'node:timers/promises';
import { open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PawError } from '../errors.js';
import { writeFileAtomic } from '../workflow/atomic.js';
import { seedState } from './seed.js';
import { makePawDir } from '../paw-dir.js';

/**
 * The sandbox's EC2 and SSM, as one JSON file under `<workflowDir>/.paw/sandbox/`. Several
 * processes share it (paw-tui, the simulated packer it starts, a second paw-tui), so every change
 * runs under a lock file: check the file, change, write atomically, unlock; a change is
 * acknowledged only once it is on disk, so a process killed after that loses nothing another one
 * relies on. Each process keeps the state it last read or wrote in memory with the version of the
 * file it matches, and parses the file again only when another process has written it: a call
 * costs a stat, not a parse of every AMI (1,000 AMIs, npm run bench -- --scale). Transitions
 * (pending → running, pending → available...) are stored as "target state + when it settles",
 * and the visible state is computed on read, so a transition survives a restart.
 */

const tags = z.record(z.string(), z.string());

const imageRecord = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  ownerId: z.string(),
  architecture: z.string().default('x86_64'),
  creationDate: z.string(),
  /** The state once settled (`available`, `failed`...). */
  state: z.string(),
  /** Until this time the image reads as `pending`. */
  settlesAt: z.string(),
  snapshotIds: z.array(z.string()),
  rootDeviceName: z.string().default('/dev/sda1'),
  volumeType: z.string().default('gp3'),
  volumeSize: z.number().default(8),
  public: z.boolean().default(false),
  sourceInstanceId: z.string().optional(),
  /** CopyImage's client token (a repeated call returns the same copy). */
  copyToken: z.string().optional(),
  /** Set on copies in another region than the sandbox's own (CopyImage); absent at home. */
  region: z.string().optional(),
  /** Accounts it is shared with (ModifyImageAttribute launchPermission). */
  launchPermissions: z.array(z.string()).optional(),
  /** EnableImageDeprecation's time (ISO-8601). */
  deprecationTime: z.string().optional(),
  tags,
});
export type ImageRecord = z.infer<typeof imageRecord>;

const snapshotRecord = z.object({
  id: z.string(),
  volumeSize: z.number(),
  ownerId: z.string(),
  startTime: z.string(),
  /** As on images: the region of a copy's snapshot. */
  region: z.string().optional(),
  /** Accounts that may create volumes from it (ModifySnapshotAttribute createVolumePermission). */
  createVolumePermissions: z.array(z.string()).optional(),
  tags,
});
export type SnapshotRecord = z.infer<typeof snapshotRecord>;

export const settledInstanceStates = ['running', 'stopped', 'terminated'] as const;

const instanceRecord = z.object({
  id: z.string(),
  imageId: z.string(),
  instanceType: z.string(),
  launchTime: z.string(),
  /** The state once settled; before `settlesAt` it reads as pending / stopping / shutting-down. */
  state: z.enum(settledInstanceStates),
  settlesAt: z.string(),
  subnetId: z.string(),
  securityGroupIds: z.array(z.string()),
  instanceProfileName: z.string().optional(),
  keyName: z.string().optional(),
  privateIp: z.string(),
  publicIp: z.string().optional(),
  clientToken: z.string().optional(),
  stateReason: z.string().optional(),
  tags,
});
export type InstanceRecord = z.infer<typeof instanceRecord>;

const named = z.object({ id: z.string(), name: z.string() });

const stateSchema = z.object({
  version: z.literal(1),
  account: z.string(),
  images: z.record(z.string(), imageRecord),
  snapshots: z.record(z.string(), snapshotRecord),
  instances: z.record(z.string(), instanceRecord),
  vpcs: z.array(named.extend({ isDefault: z.boolean() })),
  subnets: z.array(named.extend({ vpcId: z.string() })),
  securityGroups: z.array(named.extend({ vpcId: z.string(), tags: tags.optional(), openToWorld: z.array(z.string()).optional() })),
  instanceProfiles: z.array(z.string()),
  keyPairs: z.array(z.object({ name: z.string(), id: z.string(), fingerprint: z.string(), tags: tags.optional(), createTime: z.string().optional() })),
  /** Public SSM parameters: name → value. */
  parameters: z.record(z.string(), z.string()),
  /** The account's own parameters (PutParameter): name → value, data type, version, tags. */
  ownParameters: z
    .record(z.string(), z.object({ value: z.string(), dataType: z.string(), version: z.number(), description: z.string(), lastModified: z.string(), tags }))
    .optional(),
  /**
   * What DescribeImageReferences answers for an image besides the account's own aws:ec2:image
   * parameters, which it finds by itself (launch templates and the like a test puts here).
   */
  references: z.record(z.string(), z.array(z.object({ resourceType: z.string(), arn: z.string() }))),
  incidents: z.array(
    z.object({ arn: z.string(), responsePlanArn: z.string(), title: z.string(), impact: z.number(), summary: z.string(), startedAt: z.string() }),
  ),
});
export type SandboxState = z.infer<typeof stateSchema>;

/** The state file of a workflow's sandbox. */
export function sandboxStatePath(workflowDir: string): string {
  return path.join(workflowDir, '.paw', 'sandbox', 'state.json');
}

/** The workflow folder a state file belongs to (`<dir>/.paw/sandbox/state.json`). */
export function workflowDirOfState(stateFile: string): string {
  return path.resolve(path.dirname(stateFile), '..', '..');
}

const LOCK_STALE_MS = 10_000;

interface PendingChange {
  change: (state: SandboxState) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Changes waiting in this process, by state file. They are applied in batches: one lock, one
 * read and one write for all the changes queued meanwhile, so many concurrent calls (a bulk
 * delete) do not each pay for a locked, fsynced write.
 */
const pendingChanges = new Map<string, { queue: PendingChange[]; draining: boolean }>();

/**
 * The state this process last read or wrote, by state file, and the version of the file it is
 * (shared by every store of the file in this process). Changes are made to it in place, under
 * the lock, and written before they are acknowledged.
 */
const held = new Map<string, { version: string; state: SandboxState }>();

/** Every write renames a new file into place, so inode + size + mtime name one version. */
async function fileVersion(file: string): Promise<string> {
  const info = await stat(file);
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}

export class SandboxStore {
  constructor(readonly file: string) {}

  /** Opens (and on first use seeds) the state of a workflow's sandbox. */
  static async open(file: string): Promise<SandboxStore> {
    const store = new SandboxStore(file);
    await makePawDir(path.dirname(file));
    await store.update(() => undefined);
    return store;
  }

  /**
   * The state as it is on disk now (seeded when the file does not exist yet). Shared with the
   * other calls of this process: read it, do not change it (changes go through `update`).
   */
  async read(): Promise<SandboxState> {
    let text: string;
    let version: string;
    try {
      version = await fileVersion(this.file);
      const known = held.get(this.file);
      if (known?.version === version) return known.state;
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return seedState(workflowDirOfState(this.file));
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new PawError(`the sandbox state ${this.file} is not valid JSON`, {
        hint: 'delete it to start the sandbox afresh',
        cause: e,
      });
    }
    const r = stateSchema.safeParse(json);
    if (!r.success) {
      throw new PawError(`the sandbox state ${this.file} does not have the expected shape`, {
        hint: `delete it to start the sandbox afresh (${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message})`,
      });
    }
    // Written in between the stat and the read: the next call sees a version that differs and
    // reads again.
    held.set(this.file, { version, state: r.data });
    return r.data;
  }

  /**
   * Read, change, write, under the lock: `change` mutates the state it is given, or throws before
   * changing anything (then only its caller sees the error). Returns what `change` returns.
   */
  update<T>(change: (state: SandboxState) => T): Promise<T> {
    let entry = pendingChanges.get(this.file);
    if (!entry) pendingChanges.set(this.file, (entry = { queue: [], draining: false }));
    const queued = entry;
    return new Promise<T>((resolve, reject) => {
      queued.queue.push({ change, resolve: resolve as (value: unknown) => void, reject });
      if (!queued.draining) void this.drain(queued);
    });
  }

  private async drain(entry: { queue: PendingChange[]; draining: boolean }): Promise<void> {
    entry.draining = true;
    while (entry.queue.length) {
      const batch = entry.queue.splice(0);
      const settled: (() => void)[] = [];
      try {
        const release = await this.lock();
        try {
          const state = await this.read();
          forgetOldTerminated(state);
          let changed = false;
          let refused = false;
          for (const p of batch) {
            try {
              const value = p.change(state);
              changed = true;
              settled.push(() => p.resolve(value));
            } catch (e) {
              refused = true;
              settled.push(() => p.reject(e));
            }
          }
          // A refused change may have touched the state before it threw: unless written with
          // the others, it must not stay in memory.
          if (refused && !changed) held.delete(this.file);
          if (changed) {
            try {
              await writeFileAtomic(this.file, JSON.stringify(state) + '\n');
            } catch (e) {
              // What is in memory was not written: the file says what the state is.
              held.delete(this.file);
              throw e;
            }
            // Under the lock nobody else writes: this version of the file is the state in memory.
            held.set(this.file, { version: await fileVersion(this.file), state });
          }
        } finally {
          await release();
        }
        for (const settle of settled) settle();
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    entry.draining = false;
    if (pendingChanges.get(this.file) === entry) pendingChanges.delete(this.file);
  }

  /** An exclusive lock file beside the state; a lock left by a dead process is taken over. */
  private async lock(): Promise<() => Promise<void>> {
    const lockFile = `${this.file}.lock`;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(lockFile, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(lockFile, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      if (await isStaleLock(lockFile)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() - started > 30_000) {
        throw new PawError(`the sandbox state is locked by another process (${lockFile})`, {
          hint: 'delete the lock file if no paw-tui or simulated packer is running',
        });
      }
      await sleep(Math.min(50, 2 + attempt) * (0.5 + Math.random()));
    }
  }
}

async function isStaleLock(lockFile: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    const pid = Number(text);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) return true;
    return Date.now() - info.mtimeMs > LOCK_STALE_MS;
  } catch {
    // Gone (or not written yet) between our attempts: not stale, just try again.
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** EC2 stops listing a terminated instance about an hour after it terminated; so does the sandbox. */
const TERMINATED_VISIBLE_MS = 60 * 60_000;

function forgetOldTerminated(state: SandboxState, now = Date.now()): void {
  for (const [id, instance] of Object.entries(state.instances)) {
    if (instance.state === 'terminated' && now - Date.parse(instance.settlesAt) > TERMINATED_VISIBLE_MS) delete state.instances[id];
  }
}

/** How long sandbox transitions take, divided by `PAW_SANDBOX_SPEED` (tests set it high). */
export function transitionMs(ms: number): number {
  const speed = Number(process.env.PAW_SANDBOX_SPEED);
  return speed > 0 ? ms / speed : ms;
}

export function settleTime(ms: number, now = Date.now()): string {
  return new Date(now + transitionMs(ms)).toISOString();
}

/** An image's state as DescribeImages would show it now. */
export function visibleImageState(image: ImageRecord, now = Date.now()): string {
  return Date.parse(image.settlesAt) > now ? 'pending' : image.state;
}

const intermediate = { running: 'pending', stopped: 'stopping', terminated: 'shutting-down' } as const;

/** An instance's state as DescribeInstances would show it now. */
export function visibleInstanceState(instance: InstanceRecord, now = Date.now()): string {
  return Date.parse(instance.settlesAt) > now ? intermediate[instance.state] : instance.state;
}
