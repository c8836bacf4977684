import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'jsonc-parser';

/** The steps of a workflow folder as the files say (found by step_param.json, like paw-tui). */
export interface StepFiles {
  folder: string;
  dir: string;
  paramPath: string;
  id: string;
  previous: string | null;
  hasTemplates: boolean;
}

/** `#` comments are allowed in params files; for reading them here, drop whole-line ones. */
function looseParse(text: string): Record<string, unknown> {
  return parse(text.replace(/^\s*#.*$/gm, '').replace(/,\s*#[^"\n]*$/gm, ','), [], { allowTrailingComma: true }) as Record<string, unknown>;
}

export async function stepsOf(workflowDir: string): Promise<StepFiles[]> {
  const out: StepFiles[] = [];
  for (const e of await readdir(workflowDir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dir = path.join(workflowDir, e.name);
    const paramPath = path.join(dir, 'step_param.json');
    const text = await readFile(paramPath, 'utf8').catch(() => null);
    if (text === null) continue;
    const p = looseParse(text);
    const hasTemplates = await readdir(path.join(dir, 'templates')).then(
      () => true,
      () => false,
    );
    out.push({ folder: e.name, dir, paramPath, id: String(p.step_id), previous: (p.previous_step_id as string | null) ?? null, hasTemplates });
  }
  // In chain order, first step first.
  const ordered: StepFiles[] = [];
  let prev: string | null = null;
  for (;;) {
    const next = out.find((s) => s.previous === prev && !ordered.includes(s));
    if (!next) break;
    ordered.push(next);
    prev = next.id;
  }
  return ordered.length === out.length ? ordered : out;
}

export async function firstBuiltStep(workflowDir: string): Promise<StepFiles> {
  const steps = await stepsOf(workflowDir);
  const s = steps.find((x) => x.hasTemplates && x.previous === null) ?? steps.find((x) => x.hasTemplates);
  if (!s) throw new Error(`no step with templates in ${workflowDir}`);
  return s;
}

export async function workflowParamText(workflowDir: string): Promise<string> {
  return readFile(path.join(workflowDir, 'workflow_param.json'), 'utf8');
}

/** Rewrites a text file through a function of its text (to plant a fault). */
export async function editFile(file: string, change: (text: string) => string): Promise<string> {
  const before = await readFile(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`planting a fault in ${file} changed nothing`);
  await writeFile(file, after);
  return after;
}

/** 1-based number of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} is not in the text`);
  return text.slice(0, at).split('\n').length;
}

/** Writes a step_param.json for a new step folder. */
export async function writeStepParam(dir: string, id: string, previous: string | null): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'step_param.json'), JSON.stringify({ step_id: id, previous_step_id: previous }, null, 2) + '\n');
}
