import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ILoader } from 'nunjucks';
import { z } from 'zod';
import { PawError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { hclString } from './hcl.js';
import { displayPath } from './jsonc.js';
import { checkOutputAmiName, outputAmiName } from './names.js';
import type { Step, Workflow } from './types.js';

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
const recordSchema = z.object({ files: z.array(z.string()) });

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
export function renderedName(step: Step, template: string): string {
  return `${step.id}${template}`;
}

function readRecord(step: Step): string[] {
  const file = path.join(step.dir, RECORD);
  if (!existsSync(file)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // A damaged record forgets what was rendered: those files are then kept, never guessed at.
    return [];
  }
  const parsed = recordSchema.safeParse(data);
  // Only plain names in the step folder are trusted: a damaged record must never delete elsewhere.
  return parsed.success ? parsed.data.files.filter((f) => f === path.basename(f) && !f.startsWith('.')) : [];
}

/** The `.pkrvars.hcl` files of the last render (absolute paths), for `-var-file=`. */
export function renderedVarFiles(step: Step): string[] {
  return readRecord(step)
    .filter((f) => f.endsWith('.pkrvars.hcl'))
    .map((f) => path.join(step.dir, f))
    .filter((f) => existsSync(f));
}

/** The one object templates see, with the Python library's names (SPEC §2). */
export function builderContext(workflow: Workflow, step: Step, ctx: RenderContext): Record<string, unknown> {
  const p = workflow.param;
  const root = path.dirname(workflow.dir);
  return {
    source_ami_id: ctx.sourceAmiId,
    source_ami_name: ctx.sourceAmiName,
    output_ami_name: outputAmiName(workflow, step),
    workflow_param: {
      ...p.raw,
      aws_tags: p.aws_tags,
      dynamodb_table_name: p.dynamodb_table_name,
      aws_region: ctx.region,
    },
    step_param: { ...step.param.raw, metadata: step.param.metadata },
    workspace: { name: path.basename(root), dir_root: root },
    // paw-tui's own addition (the Python library has no such key).
    packer: { version: ctx.packerVersion ?? null, required_plugins: supportsRequiredPlugins(ctx.packerVersion) },
  };
}

/**
 * jinja2 reads templates with newlines normalised to `\n` and drops one trailing newline
 * (keep_trailing_newline=False); doing the same makes the output byte-identical.
 */
export function jinjaSource(text: string): string {
  const normalised = text.replace(/\r\n|\r/g, '\n');
  return normalised.endsWith('\n') ? normalised.slice(0, -1) : normalised;
}

type Nunjucks = typeof import('nunjucks');
let nunjucksModule: Promise<Nunjucks> | undefined;

/** nunjucks is heavy and only needed here: loaded on first render, jinja2 compatibility on. */
export function loadNunjucks(): Promise<Nunjucks> {
  nunjucksModule ??= import('nunjucks').then((m) => {
    const nunjucks = (m as { default?: Nunjucks }).default ?? m;
    nunjucks.installJinjaCompat();
    return nunjucks;
  });
  return nunjucksModule;
}

async function renderTemplates(step: Step, templates: string[], context: Record<string, unknown>): Promise<Map<string, string>> {
  const nunjucks = await loadNunjucks();
  const dir = path.join(step.dir, 'templates');
  const loader = {
    getSource(name: string) {
      const file = path.resolve(dir, name);
      if (!existsSync(file)) return null;
      return { src: jinjaSource(readFileSync(file, 'utf8')), path: file, noCache: true };
    },
  };
  const env = new nunjucks.Environment(loader as unknown as ILoader, { autoescape: false, throwOnUndefined: true });
  env.addFilter('hcl', hclString);
  const out = new Map<string, string>();
  for (const template of templates) {
    try {
      out.set(renderedName(step, template), env.render(template, { builder: context }));
    } catch (e) {
      throw templateError(path.join(dir, template), context, e);
    }
  }
  return out;
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
  return renderTemplates(step, await stepTemplates(step), context);
}

const NUNJUCKS_ERROR = /^\((.*?)\)(?: \[Line (\d+), Column (\d+)\])?\s*([\s\S]*)$/;

/** Turns a nunjucks error into `template:line: what`, naming the undefined variable when there is one. */
function templateError(fallback: string, context: Record<string, unknown>, e: unknown): PawError {
  const message = e instanceof Error ? e.message : String(e);
  const m = NUNJUCKS_ERROR.exec(message);
  const file = m?.[1] && m[1] !== 'unknown path' ? m[1] : fallback;
  const line = m?.[2] ? Number(m[2]) : undefined;
  const col = m?.[3] ? Number(m[3]) : undefined;
  // Nested errors (an include) repeat the path on their own lines: the last line says what.
  const lines = (m?.[4] ?? message).split('\n').map((l) => l.trim()).filter(Boolean);
  const what = (lines.pop() ?? message).replace(/^(Template render error|Error): /, '');
  const where = `${displayPath(file)}${line ? `:${line}` : ''}`;
  if (line && /null or undefined value/.test(what)) {
    const expr = expressionAt(file, line, col ?? 1);
    const name = expr ? describeMissing(expr, context) : 'a variable';
    return new PawError(`${where}: ${name}`, {
      hint: 'set it in workflow_param.json / step_param.json, or guard it with {% if %}',
    });
  }
  return new PawError(`${where}${col ? `:${col}` : ''}: ${what}`, { hint: 'fix the template (nunjucks / jinja2 syntax)' });
}

/** The `{{ ... }}` expression at or after a column of a template line (without its filters). */
function expressionAt(file: string, line: number, col: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/\r\n|\r/g, '\n').split('\n')[line - 1] ?? '';
  } catch {
    return undefined;
  }
  const outputs = [...text.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)];
  const at = outputs.filter((o) => o.index <= col).pop() ?? outputs[0];
  return at?.[1]?.split('|')[0]?.trim();
}

/** `builder.workflow_param.foo is undefined`, or which part of a dotted name is missing or null. */
function describeMissing(expr: string, context: Record<string, unknown>): string {
  const parts = expr.split('.');
  if (parts[0] !== 'builder' || !parts.every((p) => /^\w+$/.test(p))) return `${expr} is undefined`;
  let value: unknown = { builder: context };
  for (let i = 0; i < parts.length; i++) {
    if (value === null || typeof value !== 'object' || !(parts[i]! in value)) {
      return `${parts.slice(0, i + 1).join('.')} is undefined`;
    }
    value = (value as Record<string, unknown>)[parts[i]!];
  }
  return value === null ? `${expr} is null` : `${expr} is undefined`;
}

/**
 * Renders a step's templates into the step folder (SPEC §2). Everything is rendered in memory
 * first, so a template error writes nothing. Files rendered last time are deleted before the
 * new ones are written; a file at an output name that paw-tui did not render is never replaced
 * (unless it already holds exactly the new text).
 */
export async function renderStep(workflow: Workflow, step: Step, ctx: RenderContext): Promise<{ files: string[] }> {
  const templates = await stepTemplates(step);
  if (templates.length === 0) {
    throw new PawError(`step "${step.id}" has no templates to render (${displayPath(path.join(step.dir, 'templates'))})`, {
      hint: step.manual ? 'it is a manual step: use `paw-tui manual`' : 'add templates/.pkr.hcl',
    });
  }
  checkOutputAmiName(outputAmiName(workflow, step));
  const rendered = await renderTemplates(step, templates, builderContext(workflow, step, ctx));
  const previous = readRecord(step);
  for (const [name, text] of rendered) {
    const file = path.join(step.dir, name);
    if (previous.includes(name) || !existsSync(file)) continue;
    if ((await readFile(file, 'utf8')) === text) continue;
    throw new PawError(`${displayPath(file)} exists and was not rendered by paw-tui; not replacing it`, {
      hint: 'move or delete it if it is an old rendering (for example by the Python library)',
    });
  }
  for (const name of previous) await rm(path.join(step.dir, name), { force: true });
  await mkdir(path.join(step.dir, '.paw'), { recursive: true });
  // The record is written first: if a crash follows, the next render still knows these files.
  const files = [...rendered.keys()];
  await writeFileAtomic(path.join(step.dir, RECORD), JSON.stringify({ files }, null, 2) + '\n');
  for (const [name, text] of rendered) await writeFileAtomic(path.join(step.dir, name), text);
  return { files: files.map((f) => path.join(step.dir, f)) };
}
