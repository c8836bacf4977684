import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * What the sandbox's cloud holds against what paw-tui's journals know. A resource no journal
 * names is one nobody will clean up: the fault suite asserts there is none after each failure.
 */

interface SandboxInstance {
  id: string;
  imageId: string;
  state: string;
  tags: Record<string, string>;
}
interface SandboxImage {
  id: string;
  name: string;
  ownerId: string;
  snapshotIds: string[];
  tags: Record<string, string>;
}
export interface SandboxView {
  account: string;
  images: Record<string, SandboxImage>;
  snapshots: Record<string, { id: string }>;
  instances: Record<string, SandboxInstance>;
}

export function statePath(workflowDir: string): string {
  return path.join(workflowDir, '.paw', 'sandbox', 'state.json');
}

export async function sandboxState(workflowDir: string): Promise<SandboxView> {
  return JSON.parse(await readFile(statePath(workflowDir), 'utf8')) as SandboxView;
}

/** Instances of the sandbox that are not terminated (or on their way there). */
export function liveInstances(s: SandboxView): SandboxInstance[] {
  return Object.values(s.instances).filter((i) => i.state !== 'terminated');
}

/** This account's AMIs made for a workflow (tagged by paw-tui or named after it). */
export function workflowAmis(s: SandboxView, workflowId: string): SandboxImage[] {
  return Object.values(s.images).filter((i) => i.ownerId === s.account && (i.tags['paw:workflow_id'] === workflowId || i.name.includes(`/${workflowId}/`)));
}

/** Every journal paw-tui keeps in the workflow's step folders (runs, manual path), as text. */
export async function journalsText(workflowDir: string): Promise<string> {
  let text = '';
  for (const e of await readdir(workflowDir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const paw = path.join(workflowDir, e.name, '.paw');
    const runs = path.join(paw, 'runs');
    if (existsSync(runs)) for (const f of await readdir(runs)) text += await readFile(path.join(runs, f), 'utf8');
    if (existsSync(path.join(paw, 'manual.json'))) text += await readFile(path.join(paw, 'manual.json'), 'utf8');
  }
  return text;
}

/**
 * No cloud resource lost track of: every live instance and every AMI of the workflow in the
 * sandbox is named in a journal (or, for AMIs, listed in `recorded`: ids the catalog holds).
 */
export async function expectCloudAccountedFor(workflowDir: string, workflowId: string, recorded: string[] = []): Promise<SandboxView> {
  const s = await sandboxState(workflowDir);
  const journals = await journalsText(workflowDir);
  for (const i of liveInstances(s)) expect(journals, `instance ${i.id} (${i.state}) is in no journal`).toContain(i.id);
  for (const a of workflowAmis(s, workflowId)) {
    if (!recorded.includes(a.id)) expect(journals, `AMI ${a.id} is in no journal and not in the catalog`).toContain(a.id);
  }
  return s;
}

/** The runs journal files of a step folder, parsed. */
export async function runJournals(stepDir: string): Promise<Record<string, unknown>[]> {
  const dir = path.join(stepDir, '.paw', 'runs');
  if (!existsSync(dir)) return [];
  return Promise.all(
    (await readdir(dir)).filter((f) => f.endsWith('.json')).map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as Record<string, unknown>),
  );
}
