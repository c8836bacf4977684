import { type Node, getNodeValue } from 'jsonc-parser';
import { z } from 'zod';
import { DEFAULT_TABLE_NAME } from '../constants.js';
import type { StepParam, WorkflowParam } from './types.js';
import { fileError, offsetOf, parseJsoncTree } from './jsonc.js';

const requiredString = z.string();
const optionalString = z.string().nullable().optional();
const stringMap = z.record(z.string(), z.string());

/** workflow_param.json (SPEC §1). Unknown keys pass through: they are kept and given to templates. */
export const workflowParamSchema = z.looseObject({
  workflow_id: requiredString,
  vpc_name: requiredString,
  is_default_vpc: z.enum(['true', 'false'], { error: 'must be the string "true" or "false"' }),
  subnet_name: requiredString,
  security_group_name: requiredString,
  ec2_iam_role_name: requiredString,
  root_base_ami_id: requiredString,
  root_base_ami_name: requiredString,
  profile_name: optionalString,
  region_name: optionalString,
  aws_access_key_id: optionalString,
  aws_secret_access_key: optionalString,
  aws_session_token: optionalString,
  aws_tags: stringMap.default({}),
  dynamodb_table_name: z.string().min(1).default(DEFAULT_TABLE_NAME),
  incident_response_plan_arn: optionalString,
});

export const KNOWN_WORKFLOW_KEYS: readonly string[] = Object.keys(workflowParamSchema.shape);

export const stepParamSchema = z.looseObject({
  step_id: requiredString.min(1, 'must not be empty'),
  // The key is required even for the first step, where it is null (as in the Python library).
  previous_step_id: z.string().min(1, 'must not be empty (use null for the first step)').nullable(),
  metadata: stringMap.default({}),
});

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value as number | boolean | bigint | undefined)}`;
}

function valueAt(root: unknown, keyPath: PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of keyPath) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Turns the first schema problem into one line: path:line:col, the key, what was wrong. */
function schemaError(file: string, text: string, tree: Node, data: unknown, error: z.ZodError) {
  const issue = error.issues[0]!;
  const keyPath = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  const key = keyPath.map(String).join('.');
  const value = valueAt(data, keyPath);
  const offset = offsetOf(tree, keyPath);
  if (value === undefined && keyPath.length > 0) {
    return fileError(file, text, offset, `missing required key "${key}"`, `add "${key}": ${'expected' in issue ? `<${issue.expected}>` : '<value>'}`);
  }
  if (issue.code === 'invalid_type') {
    const expected = issue.expected === 'record' ? 'object of strings' : issue.expected;
    return fileError(file, text, offset, `"${key}" must be ${article(expected)}, not ${describe(value)}`);
  }
  return fileError(file, text, offset, `"${key}" ${issue.message}${value === undefined ? '' : `, not ${describe(value)}`}`);
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function parseWith<S extends z.ZodType>(schema: S, file: string, text: string) {
  const tree = parseJsoncTree(file, text);
  const data = getNodeValue(tree) as Record<string, unknown>;
  const result = schema.safeParse(data);
  if (!result.success) throw schemaError(file, text, tree, data, result.error);
  return { data, parsed: result.data as z.output<S> };
}

export function parseWorkflowParam(file: string, text: string): WorkflowParam {
  const { data, parsed } = parseWith(workflowParamSchema, file, text);
  const known = Object.fromEntries(KNOWN_WORKFLOW_KEYS.filter((k) => k in parsed).map((k) => [k, parsed[k]]));
  return {
    ...(known as Omit<WorkflowParam, 'raw' | 'unknownKeys'>),
    raw: data,
    unknownKeys: Object.keys(data).filter((k) => !KNOWN_WORKFLOW_KEYS.includes(k)),
  };
}

export function parseStepParam(file: string, text: string): StepParam {
  const { data, parsed } = parseWith(stepParamSchema, file, text);
  return {
    step_id: parsed.step_id,
    previous_step_id: parsed.previous_step_id,
    metadata: parsed.metadata,
    raw: data,
  };
}
