import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { maskSecretParams } from '../packer/redact.js';
import { PyDict } from '../workflow/jinja/values.js';
import { builderContext, renderStepText, renderedName, stepTemplates } from '../workflow/render.js';
import type { Step, Workflow } from '../workflow/types.js';
import { isIgnored, parseGitignore } from './gitignore.js';

/**
 * A step's fingerprint: sha256 over what goes into its AMI (SPEC §10). The inputs are kept as
 * a small manifest (each file's own hash) so a later look can say which files changed.
 *
 * - files: every file of the step folder except `.paw/`, the rendered Packer files and what the
 *   step's `.gitignore` ignores; paths sorted, `/`-separated. Text files (no NUL byte in the
 *   first 8000 bytes, git's own test) are hashed with CRLF turned into LF, as git stores them;
 *   binary files as they are. A symlink is hashed by its target, as git stores it.
 * - rendered: the Packer files as the templates render them now (in memory, nothing written).
 * - step_param: the step's params.
 * - source_ami: the AMI the step builds on.
 * - workflow_params: the workflow params the templates read while rendering (tracked as they
 *   are read), except the credentials and profile (who builds, not what is built).
 *
 * The workflow id is not an input: the templates render with a fixed label in its place (and in
 * the output AMI name), so a new workflow version of unchanged steps keeps their fingerprints
 * and `workflow bump` can carry their AMIs over. The folder's absolute path is not an input
 * either (`builder.workspace` renders as a fixed label), so two checkouts agree.
 */

export const inputsSchema = z.object({
  v: z.literal(1),
  files: z.record(z.string(), z.string()),
  rendered: z.record(z.string(), z.string()),
  step_param: z.string(),
  source_ami: z.string(),
  workflow_params: z.record(z.string(), z.string()),
});

export type FingerprintInputs = z.infer<typeof inputsSchema>;

/**
 * The params' values as they were, beside their hashes, so a later look can say `old → new`:
 * dotted keys, JSON text, secret-named keys redacted (the catalog never holds a secret). Not
 * part of the fingerprint.
 */
export const paramValuesSchema = z.object({
  step_param: z.record(z.string(), z.string()),
  workflow_params: z.record(z.string(), z.string()),
});

export type ParamValues = z.infer<typeof paramValuesSchema>;

/** The inputs as the catalog stores them (`fingerprint_inputs`): the hashed inputs and the values. */
export type StoredInputs = FingerprintInputs & { values?: ParamValues };

export interface StepFingerprint {
  /** sha256 hex of the canonical inputs. */
  fingerprint: string;
  inputs: FingerprintInputs;
  values: ParamValues;
}

/** `{a: {b: 1}}` → `{"a.b": "1"}`, leaves as JSON text, secret-named keys (at any depth) redacted. */
export function flatValues(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  const masked = maskSecretParams(value, prefix.split('.').at(-1) ?? '');
  if (masked !== null && typeof masked === 'object' && !Array.isArray(masked) && Object.keys(masked).length > 0) {
    for (const [k, v] of Object.entries(masked as Record<string, unknown>)) flatValues(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = JSON.stringify(masked ?? null);
  return out;
}

/** Not inputs of the image: who runs the build, and the version label. */
const NOT_INPUTS = new Set(['workflow_id', 'profile_name', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);
const VERSION_LABEL = '(workflow_id)';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A file's content as git stores it: text with CRLF made LF, binary untouched. */
export function gitContent(bytes: Buffer): Buffer {
  if (bytes.subarray(0, 8000).includes(0)) return bytes;
  return Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

/** The step's own files (relative, sorted) with their hashes. */
export async function stepFileHashes(step: Step): Promise<Record<string, string>> {
  const rendered = new Set((await stepTemplates(step)).map((t) => renderedName(step, t)));
  const ignoreFile = path.join(step.dir, '.gitignore');
  const rules = existsSync(ignoreFile) ? parseGitignore(await readFile(ignoreFile, 'utf8')) : [];
  const out: [string, string][] = [];
  async function walk(dir: string, rel: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if (relPath === '.paw' || relPath === '.git') continue;
      const isDir = entry.isDirectory();
      if (isIgnored(rules, relPath, isDir)) continue;
      if (isDir) await walk(abs, relPath);
      else if (entry.isSymbolicLink()) out.push([relPath, sha256(`link:${await readlink(abs)}`)]);
      else if (entry.isFile() && !(rel === '' && rendered.has(entry.name))) {
        out.push([relPath, sha256(gitContent(await readFile(abs)))]);
      }
    }
  }
  await walk(step.dir, '');
  out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(out);
}

/** Renders the templates for the fingerprint, noting which workflow params they read. */
async function renderForFingerprint(
  workflow: Workflow,
  step: Step,
  source: { id: string; name: string },
  region: string,
): Promise<{ rendered: Record<string, string>; read: Set<string> }> {
  const read = new Set<string>();
  if ((await stepTemplates(step)).length === 0) return { rendered: {}, read };
  // The templates see the params as loaded (`raw`), so the label replaces the id there too.
  const param = { ...workflow.param, workflow_id: VERSION_LABEL, raw: { ...workflow.param.raw, workflow_id: VERSION_LABEL } };
  const versionless: Workflow = { ...workflow, param };
  const context = builderContext(versionless, step, { sourceAmiId: source.id, sourceAmiName: source.name, region });
  context.workspace = { name: '(workspace)', dir_root: '(workspace)' };
  context.workflow_param = (context.workflow_param as PyDict).observed((key) => read.add(key));
  const texts = await renderStepText(versionless, step, { sourceAmiId: source.id, sourceAmiName: source.name, region }, context);
  const rendered = Object.fromEntries([...texts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, text]) => [name.slice(step.id.length), sha256(text)]));
  return { rendered, read };
}

/**
 * The fingerprint of a step as its inputs are now, for a build from this source AMI. Renders in
 * memory; writes nothing. Throws the render's own error when a template does not render.
 */
export async function stepFingerprint(workflow: Workflow, step: Step, source: { id: string; name: string }, region: string): Promise<StepFingerprint> {
  const { rendered, read } = await renderForFingerprint(workflow, step, source, region);
  const params: Record<string, unknown> = {
    ...workflow.param.raw,
    aws_tags: workflow.param.aws_tags,
    dynamodb_table_name: workflow.param.dynamodb_table_name,
    aws_region: region,
  };
  const workflowParams = Object.fromEntries(
    [...read]
      .filter((k) => !NOT_INPUTS.has(k))
      .sort()
      .map((k) => [k, sha256(canonicalJson(params[k]))]),
  );
  const inputs: FingerprintInputs = {
    v: 1,
    files: await stepFileHashes(step),
    rendered,
    step_param: sha256(canonicalJson(step.param.raw)),
    source_ami: source.id,
    workflow_params: workflowParams,
  };
  const values: ParamValues = {
    step_param: flatValues(step.param.raw),
    workflow_params: Object.fromEntries(Object.keys(workflowParams).flatMap((k) => Object.entries(flatValues(params[k], k)))),
  };
  return { fingerprint: sha256(canonicalJson(inputs)), inputs, values };
}

/** The manifest as stored (catalog attribute `fingerprint_inputs`); null when absent or unreadable. */
export function parseInputs(text: string | undefined): StoredInputs | null {
  if (!text) return null;
  try {
    const r = inputsSchema.extend({ values: paramValuesSchema.optional().catch(undefined) }).safeParse(JSON.parse(text));
    if (!r.success) return null;
    const { values, ...inputs } = r.data;
    return values ? { ...inputs, values } : inputs;
  } catch {
    return null;
  }
}

export type InputChange =
  | { kind: 'changed'; files: string[] }
  | { kind: 'step_params' }
  | { kind: 'workflow_params'; keys: string[] }
  | { kind: 'source'; was: string; now: string }
  | { kind: 'rendered'; files: string[] };

function changedKeys(was: Record<string, string>, now: Record<string, string>): string[] {
  return [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((k) => was[k] !== now[k]).sort();
}

/** What differs between the inputs of the recorded build and the inputs now. */
export function inputChanges(was: FingerprintInputs, now: FingerprintInputs): InputChange[] {
  const changes: InputChange[] = [];
  const files = changedKeys(was.files, now.files);
  if (files.length) changes.push({ kind: 'changed', files });
  if (was.step_param !== now.step_param) changes.push({ kind: 'step_params' });
  const keys = changedKeys(was.workflow_params, now.workflow_params);
  if (keys.length) changes.push({ kind: 'workflow_params', keys });
  if (was.source_ami !== now.source_ami) changes.push({ kind: 'source', was: was.source_ami, now: now.source_ami });
  const rendered = changedKeys(was.rendered, now.rendered);
  // A rendered file that differs for none of the reasons above: the templates' own logic changed.
  if (rendered.length && changes.length === 0) changes.push({ kind: 'rendered', files: rendered });
  return changes;
}
