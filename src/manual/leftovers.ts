import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cloud, Instance, KeyPairInfo, SecurityGroupInfo } from '../aws/ports.js';
import { formatDuration } from '../duration.js';
import { processAlive } from '../locks/process.js';
import { packerAlive, readRunRecords, runCloudName, type RunRecord } from '../packer/runs.js';
import { outputAmiName } from '../workflow/names.js';
import type { Workflow } from '../workflow/types.js';
import { readJournal } from './journal.js';
import { pemPathFor } from './launch.js';

/**
 * Cloud resources carrying this workflow's tags that no journal owns: an instance whose journal
 * was lost or is unreadable, a key pair paw-tui created whose private key never reached the
 * disk. Found by tag, not by journal, so nothing paw-tui launched is ever lost track of.
 */
export interface Leftovers {
  instances: Instance[];
  keyPairs: string[];
  /** Packer's own temporary key pairs and security groups (`packer_*`) of this workflow's runs. */
  packerTemps: PackerTemp[];
  /** AMIs an interrupted build registered that the catalog does not hold (never deleted here). */
  amis: UnrecordedAmi[];
}

export interface UnrecordedAmi {
  id: string;
  name: string;
  state: string;
  stepId: string;
  runId: string;
}

/** A temporary resource Packer made for a build and did not delete (it was killed). */
export interface PackerTemp {
  kind: 'key pair' | 'security group';
  /** The key pair's name, or the group's id. */
  id: string;
  name: string;
  /** When it was made (EC2's time, else the time in Packer's name); null when unknown. */
  createdAt: string | null;
  /** The run it belongs to: by its `paw:run_id` tag, else by the time it was made. */
  runId: string;
  stepId: string;
  /** Ports open to any address (security groups). */
  openToWorld: string[];
}

const PACKER_PREFIX = 'packer_';

/** Packer names its temporaries `packer_<uuid>`, the uuid's first 8 hex digits the Unix time. */
export function packerNameTime(name: string): string | null {
  const m = /^packer_([0-9a-f]{8})-/.exec(name);
  return m?.[1] ? new Date(parseInt(m[1], 16) * 1000).toISOString() : null;
}

/** Slack around a run's window: Packer's name holds whole seconds, clocks differ a little. */
const WINDOW_SLACK_MS = 5_000;

/**
 * The run a Packer temporary belongs to: its `paw:run_id` tag, else the run of this workflow
 * whose time it was made in. Null when it is another's, or a live build's (in use now).
 */
function ownerRun(
  tags: Record<string, string> | undefined,
  createdAt: string | null,
  runs: { run: RunRecord; live: boolean; end: number }[],
  workflowId: string,
): RunRecord | null {
  const tagged = tags?.['paw:run_id'];
  if (tagged) {
    if (tags?.['paw:workflow_id'] !== workflowId) return null;
    const found = runs.find((r) => r.run.runId === tagged);
    return found && !found.live ? found.run : null;
  }
  if (tags?.['paw:workflow_id'] && tags['paw:workflow_id'] !== workflowId) return null;
  if (!createdAt) return null;
  const at = Date.parse(createdAt);
  const during = runs.filter((r) => Date.parse(r.run.startedAt) - WINDOW_SLACK_MS <= at && at <= r.end + WINDOW_SLACK_MS);
  if (during.length === 0 || during.some((r) => r.live)) return null;
  return during.sort((a, b) => b.run.startedAt.localeCompare(a.run.startedAt))[0]?.run ?? null;
}

/** The runs of this workflow in this cloud, with whether they live and when they ended. */
async function workflowRuns(cloud: Cloud, workflow: Workflow): Promise<{ run: RunRecord; live: boolean; end: number }[]> {
  const cloudName = await runCloudName(cloud);
  const out = [];
  for (const step of workflow.steps) {
    for (const run of await readRunRecords(step)) {
      if (run.cloud !== undefined && run.cloud !== cloudName) continue;
      const going = run.status === 'running' || run.status === 'interrupting';
      // A Packer that outlived its paw-tui still owns its temporaries: interrupted, it deletes them.
      const live = going && (processAlive(run) || packerAlive(run));
      // A run whose process died while it went on has no known end: Packer may have gone on.
      out.push({ run, live, end: going ? Date.now() : Date.parse(run.updatedAt) });
    }
  }
  return out;
}

async function findPackerTemps(cloud: Cloud, workflow: Workflow, keyPairs: KeyPairInfo[]): Promise<PackerTemp[]> {
  const keys = keyPairs.filter((k) => k.name.startsWith(PACKER_PREFIX));
  const groups: SecurityGroupInfo[] = await cloud.instances.securityGroupsNamed(PACKER_PREFIX);
  if (keys.length === 0 && groups.length === 0) return [];
  const runs = await workflowRuns(cloud, workflow);
  const workflowId = workflow.param.workflow_id;
  const out: PackerTemp[] = [];
  for (const k of keys) {
    const createdAt = k.createTime ?? packerNameTime(k.name);
    const run = ownerRun(k.tags, createdAt, runs, workflowId);
    if (run) out.push({ kind: 'key pair', id: k.name, name: k.name, createdAt, runId: run.runId, stepId: run.stepId, openToWorld: [] });
  }
  for (const g of groups) {
    const createdAt = packerNameTime(g.name);
    const run = ownerRun(g.tags, createdAt, runs, workflowId);
    if (run) out.push({ kind: 'security group', id: g.id, name: g.name, createdAt, runId: run.runId, stepId: run.stepId, openToWorld: g.openToWorld });
  }
  return out;
}

/** Instance ids and key names the journals still account for. */
async function owned(workflow: Workflow): Promise<{ instances: Set<string>; unreadable: string[] }> {
  const instances = new Set<string>();
  const unreadable: string[] = [];
  for (const step of workflow.steps) {
    try {
      const j = await readJournal(step);
      if (j?.instanceId) instances.add(j.instanceId);
    } catch {
      unreadable.push(step.id);
    }
    for (const run of await readRunRecords(step)) {
      // A run not yet resolved owns its instance (an orphaned one is dealt with by `runs` itself).
      if (run.instanceId && run.status !== 'resolved') instances.add(run.instanceId);
    }
  }
  return { instances, unreadable };
}

export async function findLeftovers(cloud: Cloud, workflow: Workflow): Promise<Leftovers> {
  const workflowId = workflow.param.workflow_id;
  const [tagged, keyPairs, journals] = await Promise.all([
    cloud.instances.find({ tags: { 'paw:workflow_id': workflowId } }),
    cloud.instances.keyPairs(),
    owned(workflow),
  ]);
  const instances = tagged.filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down' && !journals.instances.has(i.id));
  const leakedKeys = keyPairs
    .filter((k) => k.tags?.['paw:workflow_id'] === workflowId)
    .filter((k) => {
      const step = workflow.steps.find((s) => s.id === k.tags?.['paw:step_id']);
      return !step || !existsSync(pemPathFor(step, k.name));
    })
    .map((k) => k.name);
  const [packerTemps, amis] = await Promise.all([findPackerTemps(cloud, workflow, keyPairs), findUnrecordedAmis(cloud, workflow)]);
  return { instances, keyPairs: leakedKeys, packerTemps, amis };
}

/** A run that did not end by itself: paw-tui or Packer died, or was stopped by force. */
function orphaned(run: RunRecord): boolean {
  if (run.status === 'resolved') return true;
  if (run.status === 'interrupted') return run.cleanupSkipped === true;
  return (run.status === 'running' || run.status === 'interrupting') && !processAlive(run);
}

/**
 * AMIs registered by builds that did not finish: by the id their journal holds, else by the
 * step's output AMI name (Packer registers it before paw-tui hears of it). Listed while the
 * catalog does not hold them; they are never deleted by the clean-up (an AMI may be wanted).
 */
async function findUnrecordedAmis(cloud: Cloud, workflow: Workflow): Promise<UnrecordedAmi[]> {
  const out: UnrecordedAmi[] = [];
  const cloudName = await runCloudName(cloud);
  for (const step of workflow.steps) {
    const runs = (await readRunRecords(step))
      .filter((r) => (r.cloud === undefined || r.cloud === cloudName) && (orphaned(r) || (r.status === 'failed' && r.amiId)))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    if (runs.length === 0) continue;
    const ids = [...new Set(runs.flatMap((r) => (r.amiId ? [r.amiId] : [])))];
    const images = [...(ids.length ? await cloud.images.describe(ids) : []), ...(await cloud.images.findOwnedByName(outputAmiName(workflow, step)))];
    const recorded = await cloud.catalog.get(workflow.param.workflow_id, step.id).catch(() => null);
    const seen = new Set<string>();
    for (const image of images) {
      if (seen.has(image.id) || image.state === 'deregistered' || recorded?.ami_id === image.id) continue;
      seen.add(image.id);
      const run = runs.find((r) => r.amiId === image.id) ?? runs[0];
      if (!run) continue;
      out.push({ id: image.id, name: image.name, state: image.state, stepId: step.id, runId: run.runId });
    }
  }
  return out;
}

/** Whether anything was found that the clean-up ends (AMIs are only named). */
export function anyLeftovers(found: Leftovers): boolean {
  return found.instances.length + found.keyPairs.length + found.packerTemps.length > 0;
}

/** How a Packer temporary is named in a confirmation: `security group sg-… (packer_…)`. */
export function packerTempLabel(t: PackerTemp): string {
  return t.kind === 'key pair' ? `key pair ${t.name}` : `security group ${t.id} (${t.name})`;
}

/** "open to the whole internet on port 22 (0.0.0.0/0)", when it is. */
function exposure(t: PackerTemp): string {
  if (t.openToWorld.length === 0) return '';
  const ports = t.openToWorld.map((p) => (p === 'all' ? 'all ports' : `port ${p}`)).join(', ');
  return `, OPEN TO THE WHOLE INTERNET on ${ports} (0.0.0.0/0)`;
}

function packerTempText(t: PackerTemp, now: number): string {
  const age = t.createdAt ? `, ${formatDuration(now - Date.parse(t.createdAt))} old` : '';
  return `Packer's temporary ${packerTempLabel(t)} of run ${t.runId} (step ${t.stepId}) was not deleted${age}${exposure(t)}`;
}

/** How long a security group is retried while EC2 still counts a terminating instance as its user. */
const GROUP_WAIT_MS = 5 * 60_000;

async function deleteGroupWhenFree(cloud: Cloud, id: string): Promise<void> {
  const deadline = Date.now() + GROUP_WAIT_MS;
  for (let pause = 1000; ; pause = Math.min(pause * 2, 15_000)) {
    try {
      await cloud.instances.deleteSecurityGroup(id);
      return;
    } catch (e) {
      const code = `${(e as { name?: string }).name ?? ''} ${String((e as Error).message)} ${String((e as { cause?: { name?: string } }).cause?.name)}`;
      if (!/DependencyViolation|dependent object/.test(code) || Date.now() > deadline) throw e;
    }
    await sleep(pause);
  }
}

/** Terminates the instances and deletes the key pairs found; returns what was done, one line each. */
export async function cleanLeftovers(cloud: Cloud, found: Leftovers): Promise<string[]> {
  const done: string[] = [];
  for (const i of found.instances) {
    await cloud.instances.terminate(i.id);
    done.push(`terminated instance ${i.id} (was ${i.state}; tagged for step ${i.tags['paw:step_id'] ?? '?'}, in no journal)`);
  }
  for (const k of found.keyPairs) {
    await cloud.instances.deleteKeyPair(k);
    done.push(`deleted key pair ${k} (its private key was never saved)`);
  }
  for (const t of found.packerTemps) {
    // A group is deleted once no instance uses it: its build instance may still be terminating.
    try {
      if (t.kind === 'security group') await deleteGroupWhenFree(cloud, t.id);
      else await cloud.instances.deleteKeyPair(t.id);
    } catch (e) {
      // Deleted meanwhile (by a Packer that was interrupted and cleaned up): done all the same.
      if (!/NotFound/.test(`${(e as { name?: string }).name} ${String((e as { cause?: { name?: string } }).cause?.name)}`)) throw e;
    }
    done.push(`deleted Packer's temporary ${packerTempLabel(t)} of run ${t.runId}`);
  }
  return done;
}

export function leftoversText(found: Leftovers, now = Date.now()): string[] {
  return [
    ...found.instances.map((i) => `instance ${i.id} (${i.state}) tagged for step ${i.tags['paw:step_id'] ?? '?'} is in no journal`),
    ...found.keyPairs.map((k) => `key pair ${k} was made by paw-tui and its private key is not here`),
    ...found.packerTemps.map((t) => packerTempText(t, now)),
    ...found.amis.map(
      (a) =>
        `AMI ${a.id} (${a.name}, ${a.state}) of run ${a.runId} is in no catalog record — record it: paw-tui record ${a.stepId} --ami ${a.id}, or delete it: paw-tui amis delete ${a.id}`,
    ),
  ];
}
