import { type Node, getNodeValue } from 'jsonc-parser';
import { z } from 'zod';
import type { StepParam, WorkflowParam } from './types.js';
import { fileError, offsetOf, parseJsoncTree } from './jsonc.js';

const requiredString = z.string();
const optionalString = z.string().nullable().optional();

/** A value as Python's `str()` prints it, for tags AWS takes only as strings. */
export function pythonStr(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** `aws_tags`: the library passes any JSON scalar through; AWS gets each as a string. */
const tagMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'must be a string (or a number, boolean or null)' }))
  .transform((tags) =>
  Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, pythonStr(v)])),
);

/** The library's reading of `is_default_vpc`: "true"/"false" in any case, or a JSON boolean. */
const defaultVpcFlag = z
  .union([z.boolean(), z.string().regex(/^(true|false)$/i, { error: 'must be "true" or "false"' })], { error: 'must be "true" or "false"' })
  .transform((v) => (String(v).toLowerCase() === 'true' ? 'true' : 'false'));

/** workflow_param.json (SPEC §1). Unknown keys pass through: they are kept and given to templates. */
export const workflowParamSchema = z.looseObject({
  workflow_id: requiredString,
  vpc_name: requiredString,
  is_default_vpc: defaultVpcFlag,
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
  aws_tags: tagMap.default({}),
  // Read for workflows that already carry it; paw-tui never writes it (paw-tui.json holds the table).
  dynamodb_table_name: z.string().min(1).nullable().optional(),
  incident_response_plan_arn: optionalString,
});

export const KNOWN_WORKFLOW_KEYS: readonly string[] = Object.keys(workflowParamSchema.shape);

export const stepParamSchema = z.looseObject({
  step_id: requiredString.min(1, 'must not be empty'),
  // The key is required even for the first step, where it is null (as in the Python library).
  previous_step_id: z.string().min(1, 'must not be empty (use null for the first step)').nullable(),
  // Any JSON the library accepts; templates and the catalog item get it as written.
  metadata: z.record(z.string(), z.unknown()).default({}),
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
  const [issue] = error.issues;
  if (!issue) return fileError(file, text, 0, error.message);
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
