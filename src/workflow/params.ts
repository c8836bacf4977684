import { UsageError } from '../errors.js';
import { orderChain } from './chain.js';
import { type EditOptions, type JsonEdit, editJsonFile, removeJsonValue, setJsonValue } from './edit.js';
import { displayPath } from './jsonc.js';
import { parseStepParam } from './schema.js';
import type { Step, Workflow } from './types.js';

/**
 * Reading and changing one param, by a dotted key (`aws_tags.team`), in workflow_param.json or
 * in a step's step_param.json. The CLI's `params` and the params editor both go through here.
 */
export function paramKeyPath(key: string): string[] {
  const parts = key.split('.');
  if (parts.some((p) => p === '')) throw new UsageError(`"${key}" is not a param key`, 'use a key such as vpc_name or aws_tags.team');
  return parts;
}

export function paramFile(workflow: Workflow, step?: Step): string {
  return step ? step.paramPath : workflow.paramPath;
}

/** The value as written in the file (defaults are not filled in); undefined when absent. */
export function getParam(workflow: Workflow, step: Step | undefined, key: string): unknown {
  let value: unknown = step ? step.param.raw : workflow.param.raw;
  for (const part of paramKeyPath(key)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * A value typed on a command line: JSON when it parses (`null`, `{"a":"b"}`, `3`), else text.
 * Where the file holds text, `true` or `42` stay text: the params are strings ("false", not false).
 */
export function parseParamValue(text: string, current: unknown): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof current === 'string' && (typeof parsed === 'number' || typeof parsed === 'boolean')) return text;
  return parsed;
}

/** A step edit must leave the chain whole (ids and previous ids link every step files). */
function chainCheck(workflow: Workflow, step: Step): EditOptions['check'] {
  return (text) => {
    const param = parseStepParam(step.paramPath, text);
    const steps = workflow.steps.map((s) => (s === step ? { ...s, id: param.step_id, previousId: param.previous_step_id, param } : s));
    orderChain(steps);
  };
}

export async function setParam(workflow: Workflow, step: Step | undefined, key: string, value: unknown): Promise<string> {
  const file = paramFile(workflow, step);
  await setJsonValue(file, paramKeyPath(key), value, step ? { check: chainCheck(workflow, step) } : undefined);
  return file;
}

export async function removeParam(workflow: Workflow, step: Step | undefined, key: string): Promise<string> {
  const file = paramFile(workflow, step);
  if (getParam(workflow, step, key) === undefined) throw new UsageError(`no key "${key}" in ${displayPath(file)}`);
  await removeJsonValue(file, paramKeyPath(key), step ? { check: chainCheck(workflow, step) } : undefined);
  return file;
}

/**
 * Writes several changes to one params file at once (undefined removes the key): one atomic
 * write, so the file never holds half of them. A step file must keep the chain whole.
 */
export async function setParams(workflow: Workflow, step: Step | undefined, edits: JsonEdit[]): Promise<string> {
  const file = paramFile(workflow, step);
  for (const e of edits) {
    if (e.path.length === 0 || e.path.some((p) => p === '')) throw new UsageError(`"${e.path.join('.')}" is not a param key`, 'use a key such as vpc_name or aws_tags.team');
  }
  await editJsonFile(file, edits, step ? { check: chainCheck(workflow, step) } : undefined);
  return file;
}
