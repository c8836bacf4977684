import type { FingerprintInputs, StepFingerprint, StoredInputs } from './fingerprint.js';
import { reasonText, type StaleReason } from './words.js';

/**
 * Why a step is stale, in full: every file that changed and how, every param with its old and
 * new value (secrets redacted when they were recorded), the source AMI that changed. The step
 * view lists it; `steps --json` gives it as `stale_detail`.
 */

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'modified';
}

export interface ParamChange {
  /** `step_param.json` or `workflow_param.json`. */
  scope: 'step' | 'workflow';
  /** Dotted: `metadata.env`, `aws_tags.Team`. */
  key: string;
  /** JSON text of the value; null when absent on that side. */
  was: string | null;
  now: string | null;
  /** False when the build recorded only hashes (before values were kept): the values are unknown. */
  known: boolean;
}

export interface StaleDetail {
  files: FileChange[];
  params: ParamChange[];
  source: { was: string; now: string } | null;
  /** Rendered Packer files that differ for none of the reasons above. */
  rendered: string[];
}

function fileChanges(was: Record<string, string>, now: Record<string, string>): FileChange[] {
  const paths = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
  return paths.flatMap((path): FileChange[] => {
    if (was[path] === now[path]) return [];
    return [{ path, change: was[path] === undefined ? 'added' : now[path] === undefined ? 'removed' : 'modified' }];
  });
}

function valueChanges(scope: ParamChange['scope'], was: Record<string, string>, now: Record<string, string>): ParamChange[] {
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].sort();
  return keys.flatMap((key) => (was[key] === now[key] ? [] : [{ scope, key, was: was[key] ?? null, now: now[key] ?? null, known: true }]));
}

/** The hashed top-level keys that changed (for a record without values). */
function hashedKeys(was: Record<string, string>, now: Record<string, string>): string[] {
  return [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((k) => was[k] !== now[k]).sort();
}

/** What differs between the inputs the AMI was built from and the inputs now. */
export function staleDetail(was: StoredInputs, now: StepFingerprint): StaleDetail {
  const params: ParamChange[] = [];
  const inputs: FingerprintInputs = now.inputs;
  if (was.step_param !== inputs.step_param) {
    const found = was.values ? valueChanges('step', was.values.step_param, now.values.step_param) : [];
    params.push(...(found.length ? found : [{ scope: 'step' as const, key: '(the file)', was: null, now: null, known: false }]));
  }
  for (const key of hashedKeys(was.workflow_params, inputs.workflow_params)) {
    const pick = (values: Record<string, string> | undefined) =>
      Object.fromEntries(Object.entries(values ?? {}).filter(([k]) => k === key || k.startsWith(`${key}.`)));
    const found = was.values ? valueChanges('workflow', pick(was.values.workflow_params), pick(now.values.workflow_params)) : [];
    params.push(...(found.length ? found : [{ scope: 'workflow' as const, key, was: null, now: null, known: false }]));
  }
  const files = fileChanges(was.files, inputs.files);
  const source = was.source_ami !== inputs.source_ami ? { was: was.source_ami, now: inputs.source_ami } : null;
  const rendered = hashedKeys(was.rendered, inputs.rendered);
  const explained = files.length > 0 || params.length > 0 || source !== null;
  return { files, params, source, rendered: explained ? [] : rendered };
}

function paramLine(p: ParamChange): string {
  const where = p.scope === 'step' ? 'step_param.json' : 'workflow_param.json';
  if (!p.known) return `${where} ${p.key}: changed (its old value was not recorded)`;
  return `${where} ${p.key}: ${p.was ?? '(absent)'} → ${p.now ?? '(absent)'}`;
}

/** Every line of why, for a screen or a terminal: nothing truncated. */
export function whyLines(reasons: StaleReason[], detail: StaleDetail | null): string[] {
  const lines: string[] = [];
  for (const r of reasons) {
    if (r.kind === 'changed') {
      const files = detail?.files.length ? detail.files : r.files.map((path) => ({ path, change: 'changed' }));
      lines.push(`files changed (${files.length}):`);
      for (const f of files) lines.push(`  ${f.change.padEnd(8)}  ${f.path}`);
    } else if ((r.kind === 'step_params' || r.kind === 'workflow_params') && detail?.params.length) {
      const scope = r.kind === 'step_params' ? 'step' : 'workflow';
      const mine = detail.params.filter((p) => p.scope === scope);
      lines.push(`${scope} params changed (${mine.length}):`);
      for (const p of mine) lines.push(`  ${paramLine(p)}`);
    } else if (r.kind === 'upstream') {
      lines.push(`upstream: ${r.step} is stale or was rebuilt${detail?.source ? `; its AMI changed ${detail.source.was} → ${detail.source.now}` : ''}`);
    } else if (r.kind === 'rendered' && detail?.rendered.length) {
      lines.push(`rendered Packer files differ (${detail.rendered.length}): ${detail.rendered.join(', ')}`);
    } else {
      lines.push(reasonText(r));
    }
  }
  return lines;
}
