import type { ManualView } from './guide.js';
import { imageFailure } from './reconcile.js';
import { costHint } from './launch.js';
import { checklist, type ChecklistMark, COMMANDS, MACHINE, type ManualAction, type ManualCommand, needsConfirmation, nextMove } from './machine.js';
import { formatDuration } from '../duration.js';

/** The facts the checklist shows beside its lines, shared by the screen and `manual status`. */
export interface ManualFacts {
  instanceId: string | null;
  /** What EC2 last said, else what the journal knows. */
  instanceState: string | null;
  address: string | null;
  uptime: string | null;
  /** While the instance runs: its hourly price. */
  cost: string | null;
  imageId: string | null;
  imageState: string | null;
}

export function manualFacts(view: ManualView, now = Date.now()): ManualFacts {
  const j = view.journal;
  const i = view.instance;
  const launched = j.launchedAt ? Date.parse(j.launchedAt) : NaN;
  const live = i ? i.state === 'running' || i.state === 'pending' : false;
  return {
    instanceId: j.instanceId,
    instanceState: i?.state ?? null,
    address: i ? i.publicDnsName || i.publicIp || i.privateIp || null : null,
    uptime: live && !Number.isNaN(launched) ? formatDuration(now - launched) : null,
    // The hourly price matters while the instance runs; stopped, only its disk is billed.
    cost: live && j.instanceType ? costHint(j.instanceType) : null,
    imageId: j.imageId,
    imageState: view.image?.state ?? null,
  };
}

export const MARK_SIGN: Record<ChecklistMark, string> = { done: '✓', current: '▶', next: '·', later: ' ' };

/**
 * The image the finished path made, when it is gone from EC2 (deregistered after the path
 * ended): the step has no AMI, and the path can start again. Null while the image is there.
 */
export function goneImage(view: Pick<ManualView, 'state' | 'journal' | 'image'>): string | null {
  const id = view.journal.imageId;
  return view.state === 'done' && id && imageFailure(view.image, id) ? id : null;
}

/** The headless command that names an action (`image` for create-image). */
function commandFor(action: ManualAction): ManualCommand | undefined {
  return (Object.keys(COMMANDS) as ManualCommand[]).find((c) => COMMANDS[c].does === action);
}

/**
 * What a person runs next, headless, as the table says: `resume` where the guide goes on by
 * itself, else the command of what it waits for (with --yes where that asks first).
 */
export function nextCommand(view: Pick<ManualView, 'step' | 'state' | 'journal'>): string | null {
  const cmd = `paw-tui manual ${view.step.id}`;
  const resume = nextMove('resume', view.state, view.journal.requested?.action ?? null, false, view.journal.adopted);
  if (resume.kind === 'perform' && resume.confirm === null) return `${cmd} resume`;
  const spec = MACHINE[view.state];
  const action = spec.personDone ?? spec.action;
  const command = action && commandFor(action);
  if (!action || !command) return null;
  const run = `${cmd} ${command}${needsConfirmation(action) ? ' --yes' : ''}`;
  // The person's own work comes first (connecting, provisioning), then their word.
  return spec.action && spec.action !== action ? `${spec.action}, do the work, then: ${run}` : run;
}

/** `manual status` as text: the checklist, the facts, the ssh line, the notes and what to run next. */
export function statusText(view: ManualView, ssh: string | null, sandbox: boolean): string {
  const f = manualFacts(view);
  const lines = [`manual path of step ${view.step.id}${sandbox ? ' (sandbox)' : ''}`];
  for (const n of view.notes) lines.push(`note: ${n}`);
  for (const { spec, mark } of checklist(view.state)) {
    lines.push(`  ${MARK_SIGN[mark]} ${spec.label}${mark === 'current' ? '   ← now' : mark === 'next' ? '   (next)' : ''}`);
  }
  if (f.instanceId) {
    const facts = [f.instanceState ?? 'state unknown', f.address, f.uptime && `up ${f.uptime}`, f.cost].filter(Boolean);
    lines.push(`instance ${f.instanceId}: ${facts.join(', ')}`);
  }
  if (f.imageId) lines.push(`image ${f.imageId}: ${f.imageState ?? 'state unknown'}`);
  if (ssh && view.state === 'connect') lines.push(ssh);
  const next = nextCommand(view);
  const gone = goneImage(view);
  if (gone) lines.push(`gone: ${gone} no longer exists in EC2; start again: paw-tui manual ${view.step.id} launch`);
  else lines.push(next ? `next: ${next}` : `done: ${f.imageId} is the AMI of step ${view.step.id}, recorded in the catalog`);
  return lines.join('\n');
}
