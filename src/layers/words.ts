/**
 * The words and marks of a step's state, apart from the code that decides it, so the home
 * screen can draw them without loading the fingerprinting.
 */

export type StepState = 'up_to_date' | 'stale' | 'not_built' | 'building' | 'manual_in_progress';

export type StaleReason =
  | { kind: 'changed'; files: string[] }
  | { kind: 'step_params' }
  | { kind: 'workflow_params'; keys: string[] }
  | { kind: 'rendered'; files: string[] }
  | { kind: 'upstream'; step: string }
  | { kind: 'base_changed'; was: string; now: string }
  | { kind: 'source_ami_gone'; ami: string }
  | { kind: 'ami_gone'; ami: string; state: string }
  | { kind: 'no_fingerprint' }
  | { kind: 'render_failed'; error: string }
  | { kind: 'newer_base'; ami: string; name: string; days: number; date: string };

/** The mark drawn beside a step (home and `steps`). */
export const STATE_SIGN: Record<StepState, string> = { up_to_date: '●', stale: '◐', not_built: '○', building: '◌', manual_in_progress: '◌' };

/** One line of why, as home and `build` say it. */
export function reasonText(r: StaleReason): string {
  switch (r.kind) {
    case 'changed':
      return `changed: ${r.files.slice(0, 3).join(', ')}${r.files.length > 3 ? ` and ${r.files.length - 3} more` : ''}`;
    case 'step_params':
      return 'step params changed';
    case 'workflow_params':
      return `workflow params changed: ${r.keys.join(', ')}`;
    case 'rendered':
      return `rendered Packer files differ: ${r.files.join(', ')}`;
    case 'upstream':
      return `${r.step} is not up to date`;
    case 'base_changed':
      return `root base AMI changed (${r.was} → ${r.now})`;
    case 'source_ami_gone':
      return `source AMI ${r.ami} is gone`;
    case 'ami_gone':
      return `its AMI ${r.ami} is ${r.state}`;
    case 'no_fingerprint':
      return 'recorded without a fingerprint';
    case 'render_failed':
      return `templates do not render: ${r.error}`;
    case 'newer_base':
      return `newer base ${r.ami} (${r.date})`;
  }
}

/** `a newer Ubuntu is out: ami-… (name), 43 days newer`, as `steps`, `doctor`, `build --all` and `base-ami --check` say it. */
export function newerBaseText(n: { ami: string; name: string; days: number }): string {
  return `a newer Ubuntu is out: ${n.ami} (${n.name}), ${n.days} day${n.days === 1 ? '' : 's'} newer`;
}

/** The line a face shows when the look for a newer Ubuntu failed. */
export function newerBaseUnknown(why: string): string {
  return `whether a newer Ubuntu is out could not be checked: ${why}`;
}
