import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { NoWorkflowError, PawError } from '../errors.js';
import { rememberSecretsOf } from '../packer/redact.js';
import { fileSystemError } from './atomic.js';
import { orderChain } from './chain.js';
import { displayPath, fileError } from './jsonc.js';
import { SAFE_NAME_HINT, isSafeName } from './names.js';
import { parseStepParam, parseWorkflowParam } from './schema.js';
import type { Step, Workflow } from './types.js';

export const WORKFLOW_PARAM_FILE = 'workflow_param.json';
export const STEP_PARAM_FILE = 'step_param.json';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const translated = fileSystemError(e, 'read', displayPath(file));
    throw translated instanceof PawError ? translated : new PawError(`cannot read ${displayPath(file)}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A step id read from an existing folder: what the Python library accepts (a space, say), as
 * long as it stays one path segment, since rendered files and logs are named after it. New
 * steps are held to the stricter isSafeName.
 */
function isReadableStepId(id: string): boolean {
  return isSafeName(id) || (/^[^\\/\x00-\x1f.-][^\\/\x00-\x1f]{0,127}$/.test(id) && id.trim() === id);
}

/** Reads and checks one step folder; the folder name need not be the step id. */
export async function loadStep(dir: string): Promise<Step> {
  const paramPath = path.join(dir, STEP_PARAM_FILE);
  const text = await readText(paramPath);
  const param = parseStepParam(paramPath, text);
  if (!isReadableStepId(param.step_id)) {
    const offset = Math.max(0, text.indexOf(JSON.stringify(param.step_id)));
    throw fileError(paramPath, text, offset, `step_id "${param.step_id}" is not a safe name`, SAFE_NAME_HINT);
  }
  return {
    id: param.step_id,
    previousId: param.previous_step_id,
    dir,
    folderName: path.basename(dir),
    paramPath,
    param,
    manual: !existsSync(path.join(dir, 'templates')),
  };
}

/** Step folders: direct subfolders holding step_param.json (hidden folders such as .paw are not steps). */
async function stepFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name))
    .filter((d) => existsSync(path.join(d, STEP_PARAM_FILE)))
    .sort();
}

/** Loads a workflow folder (SPEC §1): its params, every step, the chain in order. */
export async function loadWorkflow(dir: string): Promise<Workflow> {
  const abs = path.resolve(dir);
  const isDir = await stat(abs).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    throw new NoWorkflowError(`no workflow folder at ${displayPath(abs)}`, 'run `paw-tui init` to create one, or pass --workflow <dir>');
  }
  const paramPath = path.join(abs, WORKFLOW_PARAM_FILE);
  if (!existsSync(paramPath)) {
    throw new NoWorkflowError(
      `${displayPath(abs)} has no ${WORKFLOW_PARAM_FILE}`,
      'run `paw-tui init` there, or pass --workflow <dir> pointing at a workflow folder',
    );
  }
  const paramText = await readText(paramPath);
  const param = parseWorkflowParam(paramPath, paramText);
  // The workflow id goes into AMI names, key pair names and paths: `a/../../b` must not.
  if (!isSafeName(param.workflow_id)) {
    const offset = Math.max(0, paramText.indexOf(JSON.stringify(param.workflow_id)));
    throw fileError(paramPath, paramText, offset, `workflow_id "${param.workflow_id}" is not a safe name`, SAFE_NAME_HINT);
  }
  // Keys and tokens of the params are masked wherever output is shown or saved.
  rememberSecretsOf(param.raw);
  const steps = await Promise.all((await stepFolders(abs)).map(loadStep));
  return { dir: abs, paramPath, param, steps: orderChain(steps) };
}

/** The step with this id, or an error listing the ids there are. */
export function findStep(workflow: Workflow, stepId: string): Step {
  const step = workflow.steps.find((s) => s.id === stepId);
  if (step) return step;
  const known = workflow.steps.map((s) => s.id).join(', ') || 'none yet';
  throw new PawError(`no step "${stepId}" in ${displayPath(workflow.dir)}`, { hint: `steps: ${known}` });
}
