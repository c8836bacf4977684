import { KNOWN_WORKFLOW_KEYS } from '../../workflow/schema.js';
import { isSafeName } from '../../workflow/names.js';
import type { Step, Workflow } from '../../workflow/types.js';

/** One editable line of the params form. */
export interface ParamField {
  /** Path in the file: `["vpc_name"]` or `["aws_tags", "team"]`. */
  path: string[];
  label: string;
  kind: 'text' | 'optional' | 'choice' | 'entry' | 'unknown';
  /** The value as the file holds it (null for an optional key set to null; undefined when absent). */
  value: unknown;
  choices?: string[];
  /** The map an entry belongs to (aws_tags, metadata). */
  map?: string;
}

const required = ['workflow_id', 'vpc_name', 'subnet_name', 'security_group_name', 'ec2_iam_role_name', 'root_base_ami_id', 'root_base_ami_name'];

function mapEntries(map: string, raw: Record<string, unknown>): ParamField[] {
  const value = raw[map];
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [];
  return entries.map(([k, v]) => ({ path: [map, k], label: `${map}.${k}`, kind: 'entry' as const, value: v, map }));
}

/** The form of workflow_param.json: known keys in the schema's order, tags, then unknown keys. */
export function workflowFields(workflow: Workflow): ParamField[] {
  const raw = workflow.param.raw;
  const fields: ParamField[] = [];
  for (const key of KNOWN_WORKFLOW_KEYS) {
    if (key === 'aws_tags') continue;
    if (key === 'is_default_vpc') fields.push({ path: [key], label: key, kind: 'choice', value: raw[key], choices: ['true', 'false'] });
    else fields.push({ path: [key], label: key, kind: required.includes(key) ? 'text' : 'optional', value: raw[key] });
  }
  fields.push(...mapEntries('aws_tags', raw));
  for (const key of workflow.param.unknownKeys) fields.push({ path: [key], label: key, kind: 'unknown', value: raw[key] });
  return fields;
}

/** The form of a step_param.json: id, previous step, metadata, then unknown keys. */
export function stepFields(workflow: Workflow, step: Step): ParamField[] {
  const raw = step.param.raw;
  const others = workflow.steps.filter((s) => s.id !== step.id).map((s) => s.id);
  const fields: ParamField[] = [
    { path: ['step_id'], label: 'step_id', kind: 'text', value: raw.step_id },
    { path: ['previous_step_id'], label: 'previous_step_id', kind: 'choice', value: raw.previous_step_id, choices: ['(none: first step)', ...others] },
    ...mapEntries('metadata', raw),
  ];
  for (const key of Object.keys(raw)) {
    if (!['step_id', 'previous_step_id', 'metadata'].includes(key)) fields.push({ path: [key], label: key, kind: 'unknown', value: raw[key] });
  }
  return fields;
}

/** How a value is shown and edited as text. */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What is wrong with the text typed for a field, as the user types it; null when it is fine. */
export function checkField(field: ParamField, text: string): string | null {
  const key = field.path.at(-1);
  if (field.kind === 'text' && text.trim() === '') return 'required';
  if (field.kind === 'choice' && field.choices && !field.choices.includes(text)) return `one of: ${field.choices.join(', ')}`;
  if (key === 'root_base_ami_id' && !/^ami-[0-9a-f]{8,17}$/.test(text)) return 'an AMI id: ami- and 8 or 17 hex digits';
  if (key === 'step_id' && !isSafeName(text)) return "letters, digits, '-', '_' and '.', at most 64";
  if (key === 'region_name' && text && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(text)) return 'a region such as eu-west-1 (empty: the SDK default)';
  if (key === 'dynamodb_table_name' && !/^[A-Za-z0-9_.-]{3,255}$/.test(text)) return "3-255 of letters, digits, '_', '-', '.'";
  if (key === 'incident_response_plan_arn' && text && !text.startsWith('arn:')) return 'an ARN (arn:aws:ssm-incidents:...) or empty';
  return null;
}

/** The value to write for the text typed: optional keys left empty become null. */
export function fieldValue(field: ParamField, text: string): unknown {
  if (field.kind === 'optional' && text.trim() === '') return null;
  if (field.label === 'previous_step_id' && text.startsWith('(none')) return null;
  if (field.kind === 'unknown') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
