import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PawError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { type TemplateFiles, lintEngine, renderJinja } from './jinja/engine.js';
import { pythonJson } from './jinja/json.js';
import { PyDict, fromJs, toPlain } from './jinja/values.js';
import { displayPath } from './jsonc.js';
import { checkOutputAmiName, outputAmiName } from './names.js';
import { lintError, lintTemplate } from './template-lint.js';
import type { Step, Workflow } from './types.js';
import { makePawDir } from '../paw-dir.js';

export interface RenderContext {
  sourceAmiId: string;
  sourceAmiName: string;
  region: string;
  /** The Packer that will run the files, when known (`1.6.6`): templates can adapt to it. */
  packerVersion?: string;
}

/** `packer { required_plugins }` exists from Packer 1.7; 1.6 refuses the block. Unknown: assume a current Packer. */
function supportsRequiredPlugins(version: string | undefined): boolean {
  if (!version) return true;
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  return major > 1 || (major === 1 && minor >= 7);
}

/** Files paw-tui rendered into a step folder, so a re-render deletes those and nothing else. */
const RECORD = path.join('.paw', 'rendered.json');
/** `sha256`: what each file held when paw-tui wrote it, so an edit made since is never lost. */
const recordSchema = z.object({ files: z.array(z.string()), sha256: z.record(z.string(), z.string()).optional() });
type RenderRecord = { files: string[]; sha256: Record<string, string> };

/** Where a file paw-tui replaced with `--force` (or a yes) is kept: `.paw/replaced/<name>`. */
const REPLACED = path.join('.paw', 'replaced');

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Whether rendered files may replace files that differ from what paw-tui would write: `--force`
 * headless, a question in the app. Without either, such a file stops the render.
 */
export interface ReplaceConsent {
  force: boolean;
  ask?: (question: string) => Promise<boolean>;
}

/** Template files that are rendered: directly in templates/, named `*pkr.hcl` or `*pkrvars.hcl`. */
export async function stepTemplates(step: Step): Promise<string[]> {
  const dir = path.join(step.dir, 'templates');
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && (e.name.endsWith('pkr.hcl') || e.name.endsWith('pkrvars.hcl')))
    .map((e) => e.name)
    .sort();
}

/** `templates/.pkr.hcl` → `<step_id>.pkr.hcl`, as the Python library names them. */
export { jinjaSource, loadNunjucks } from './jinja/engine.js';

export function renderedName(step: Step, template: string): string {
  return `${step.id}${template}`;
}

function readRecord(step: Step): RenderRecord {
  const file = path.join(step.dir, RECORD);
  const none = { files: [], sha256: {} };
  if (!existsSync(file)) return none;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // A damaged record forgets what was rendered: those files are then kept, never guessed at.
    return none;
  }
  const parsed = recordSchema.safeParse(data);
  if (!parsed.success) return none;
  // Only plain names in the step folder are trusted: a damaged record must never delete elsewhere.
  return { files: parsed.data.files.filter((f) => f === path.basename(f) && !f.startsWith('.')), sha256: parsed.data.sha256 ?? {} };
}

/** The `.pkrvars.hcl` files of the last render (absolute paths), for `-var-file=`. */
export function renderedVarFiles(step: Step): string[] {
  return readRecord(step)
    .files.filter((f) => f.endsWith('.pkrvars.hcl'))
    .map((f) => path.join(step.dir, f))
    .filter((f) => existsSync(f));
}

/** A params file's values as Python's json module reads them (key order, big ints, floats kept). */
function pythonParams(file: string, raw: Record<string, unknown>): PyDict {
  let parsed: unknown;
  try {
    parsed = pythonJson(readFileSync(file, 'utf8'));
  } catch {
    // The loader validated this file; if it is gone since, the values as loaded are used.
  }
  const fromFile = parsed instanceof PyDict ? parsed : new PyDict();
  // The file gives Python's view of each value; a value changed in memory since loading wins.
  const out = new PyDict();
  for (const [key, value] of fromFile.map) {
    if (Object.hasOwn(raw, String(key))) out.set(key, sameData(value, raw[String(key)]) ? value : fromJs(raw[String(key)]));
  }
  for (const [key, value] of Object.entries(raw)) if (!out.has(key)) out.set(key, fromJs(value));
  return out;
}

function sameData(python: unknown, plain: unknown): boolean {
  return JSON.stringify(toPlain(python)) === JSON.stringify(plain);
}

/**
 * `builder.workspace`: the step, as the Python library's Workspace (name = step id, dir_root =
 * the step folder) with its derived paths.
 */
export function stepWorkspace(step: Step): Record<string, string> {
  const root = step.dir;
  const templates = path.join(root, 'templates');
  return {
    name: step.id,
    dir_root: root,
    dir_templates: templates,
    path_pkr_hcl_tpl: path.join(templates, '.pkr.hcl'),
    path_pkrvars_hcl_tpl: path.join(templates, '.pkrvars.hcl'),
    path_variables_pkr_hcl_tpl: path.join(templates, '.variables.pkr.hcl'),
    path_pkr_hcl: path.join(root, `${step.id}.pkr.hcl`),
    path_pkrvars_hcl: path.join(root, `${step.id}.pkrvars.hcl`),
    path_variables_pkr_hcl: path.join(root, `${step.id}.variables.pkr.hcl`),
  };
}

/** The one object templates see, with the Python library's names (SPEC §2). */
export function builderContext(workflow: Workflow, step: Step, ctx: RenderContext): Record<string, unknown> {
  const p = workflow.param;
  const workflowParam = pythonParams(workflow.paramPath, p.raw);
  if (!workflowParam.has('aws_tags')) workflowParam.set('aws_tags', fromJs(p.aws_tags));
  if (!workflowParam.has('dynamodb_table_name')) workflowParam.set('dynamodb_table_name', p.dynamodb_table_name);
  workflowParam.set('aws_region', ctx.region);
  const stepParam = pythonParams(step.paramPath, step.param.raw);
  if (!stepParam.has('metadata')) stepParam.set('metadata', fromJs(step.param.metadata));
  return {
    source_ami_id: ctx.sourceAmiId,
    source_ami_name: ctx.sourceAmiName,
    output_ami_name: outputAmiName(workflow, step),
    workflow_param: workflowParam,
    step_param: stepParam,
    workspace: stepWorkspace(step),
    // paw-tui's own addition (the Python library has no such key).
    packer: { version: ctx.packerVersion ?? null, required_plugins: supportsRequiredPlugins(ctx.packerVersion) },
  };
}

/** A template's files: relative includes from its folder, nothing outside the workflow folder. */
function templateFiles(dir: string, root: string): TemplateFiles {
  return { dir, root, read: (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined) };
}

/**
 * Renders one template text with a `builder` given as JSON text (parsed as Python's json module
 * does), as the Python library renders it. Used by the jinja2 corpus and by `renderStepText`.
 */
export async function renderTemplateText(file: string, text: string, builderJson: string, root: string): Promise<string> {
  return renderChecked(file, text, pythonJson(builderJson) as Record<string, unknown>, templateFiles(path.dirname(file), root));
}

async function renderChecked(file: string, text: string, builder: unknown, files: TemplateFiles): Promise<string> {
  // What would still differ from jinja2 stops here, named, before anything renders.
  const findings = lintTemplate(await lintEngine(), file, text, files);
  if (findings.length > 0) throw lintError(findings);
  try {
    return await renderJinja(files, file, text, { builder });
  } catch (e) {
    throw templateError(file, e);
  }
}

/**
 * Renders a step's templates in memory and writes nothing: rendered name → text. The context
 * may be given (the fingerprint renders with its own, see src/layers/fingerprint.ts).
 */
export async function renderStepText(
  workflow: Workflow,
  step: Step,
  ctx: RenderContext,
  context: Record<string, unknown> = builderContext(workflow, step, ctx),
): Promise<Map<string, string>> {
  const dir = path.join(step.dir, 'templates');
  const files = templateFiles(dir, workflow.dir);
  const out = new Map<string, string>();
  for (const template of await stepTemplates(step)) {
    const file = path.join(dir, template);
    out.set(renderedName(step, template), await renderChecked(file, readFileSync(file, 'utf8'), context, files));
  }
  return out;
}

const NUNJUCKS_ERROR = /^\((.*?)\)(?: \[Line (\d+), Column (\d+)\])?\s*([\s\S]*)$/;

/** Turns a nunjucks error into one line `template:line:column: what`. */
function templateError(fallback: string, e: unknown): PawError {
  if (e instanceof PawError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const m = NUNJUCKS_ERROR.exec(message);
  const file = m?.[1] && m[1] !== 'unknown path' ? m[1] : fallback;
  const line = m?.[2] ? Number(m[2]) : undefined;
  const col = m?.[3] ? Number(m[3]) : undefined;
  // Nested errors (an include) repeat the path on their own lines: the last line says what.
  const lines = (m?.[4] ?? message).split('\n').map((l) => l.trim()).filter(Boolean);
  const what = (lines.pop() ?? message).replace(/^(Template render error|Error): /, '');
  const where = `${displayPath(file)}:${line ?? 1}${col ? `:${col}` : ''}`;
  const hint = / is undefined$/.test(what)
    ? 'set it in workflow_param.json / step_param.json, or guard it with {% if %}'
    : 'fix the template (jinja2 syntax)';
  return new PawError(`${where}: ${what}`, { hint });
}

/**
 * Renders a step's templates into the step folder (SPEC §2). Everything is rendered in memory
 * first, so a template error writes nothing. A file at an output name is replaced when it holds
 * what paw-tui wrote there last time, or already the new text (the Python library's rendering of
 * the same params). Any other file — rendered by the library from older params, written or
 * edited by hand — is replaced only with consent (`--force`, or yes in the app); its old text is
 * kept in `.paw/replaced/`. Files paw-tui rendered last time and no template renders now are
 * deleted, unless edited since.
 */
export async function renderStep(
  workflow: Workflow,
  step: Step,
  ctx: RenderContext,
  consent: ReplaceConsent = { force: false },
): Promise<{ files: string[]; replaced: string[] }> {
  const templates = await stepTemplates(step);
  if (templates.length === 0) {
    throw new PawError(`step "${step.id}" has no templates to render (${displayPath(path.join(step.dir, 'templates'))})`, {
      hint: step.manual ? 'it is a manual step: use `paw-tui manual`' : 'add templates/.pkr.hcl',
    });
  }
  checkOutputAmiName(outputAmiName(workflow, step));
  const rendered = await renderStepText(workflow, step, ctx);
  const previous = readRecord(step);
  const differing = await filesNotOurs(step, rendered, previous);
  if (differing.length > 0 && !(await agreed(step, differing, consent))) throw refusal(step, differing, consent.ask !== undefined);

  await makePawDir(path.join(step.dir, '.paw'));
  for (const name of differing) {
    const old = await readFile(path.join(step.dir, name));
    await makePawDir(path.join(step.dir, REPLACED));
    await writeFileAtomic(path.join(step.dir, REPLACED, name), old);
  }
  for (const name of previous.files) await rm(path.join(step.dir, name), { force: true });
  // The record is written first: if a crash follows, the next render still knows these files.
  const files = [...rendered.keys()];
  const hashes = Object.fromEntries([...rendered].map(([name, text]) => [name, sha256(text)]));
  await writeFileAtomic(path.join(step.dir, RECORD), JSON.stringify({ files, sha256: hashes }, null, 2) + '\n');
  for (const [name, text] of rendered) await writeFileAtomic(path.join(step.dir, name), text);
  return { files: files.map((f) => path.join(step.dir, f)), replaced: differing.map((f) => path.join(step.dir, f)) };
}

/**
 * Files a render would replace or delete whose text is neither what paw-tui wrote there last
 * nor the new text: somebody else's (the library's older output, a hand edit).
 */
async function filesNotOurs(step: Step, rendered: Map<string, string>, previous: RenderRecord): Promise<string[]> {
  const out: string[] = [];
  for (const name of new Set([...rendered.keys(), ...previous.files])) {
    const file = path.join(step.dir, name);
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8');
    if (text === rendered.get(name)) continue;
    const wrote = previous.sha256[name];
    const ours = previous.files.includes(name) && (wrote === undefined || wrote === sha256(text));
    if (!ours) out.push(name);
  }
  return out;
}

function differenceLine(step: Step, names: string[]): string {
  const shown = names.map((n) => displayPath(path.join(step.dir, n))).join(', ');
  const verb = names.length === 1 ? 'differs' : 'differ';
  return `${shown} ${verb} from what the templates render now (an older rendering or an edit by hand)`;
}

async function agreed(step: Step, names: string[], consent: ReplaceConsent): Promise<boolean> {
  if (consent.force) return true;
  if (!consent.ask) return false;
  // Said on one line of a screen: the file names and the question come first.
  const they = names.length === 1 ? 'It differs' : 'They differ';
  return consent.ask(`Replace ${names.join(', ')} of step ${step.id}? ${they} from what the templates render now; the old text goes to .paw/replaced/`);
}

function refusal(step: Step, names: string[], asked: boolean): PawError {
  const it = names.length === 1 ? 'it' : 'them';
  const kept = displayPath(path.join(step.dir, REPLACED));
  return new PawError(`${differenceLine(step, names)}; not replacing ${it}`, {
    hint: asked
      ? `move ${it} away, or build again and answer yes (the old text is then kept in ${kept}/)`
      : `pass --force to replace (the old text is kept in ${kept}/), or move ${it} away`,
  });
}
