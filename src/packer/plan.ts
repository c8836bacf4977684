import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Cloud } from '../aws/ports.js';
import { sourceAmi } from '../aws/source.js';
import { errorLine } from '../errors.js';
import { hourlyPrice } from '../manual/launch.js';
import { outputAmiName } from '../workflow/names.js';
import { stepTemplates } from '../workflow/render.js';
import type { Step, Workflow } from '../workflow/types.js';

/** What a build of a step would do, for the question asked before it starts. */
export interface BuildPlan {
  stepId: string;
  /** The AMI it starts from, or why there is none. */
  source: { id: string; name: string } | { error: string };
  outputAmiName: string;
  /** The literal `instance_type` of the step's templates; null when it is computed. */
  instanceType: string | null;
  /** USD per hour on demand, when the type is known. */
  hourlyUsd: number | null;
}

const ASSIGNED = /^\s*instance_type\s*=\s*"([^"$]+)"/m;
const DEFAULT = /variable\s+"instance_type"\s*\{[^}]*?\bdefault\s*=\s*"([^"$]+)"/;

/**
 * The instance type a step's templates name as a literal: its var files first (they win in
 * Packer), then the variable's default or the source block. A computed value is not guessed.
 */
export async function templateInstanceType(step: Step): Promise<string | null> {
  const names = await stepTemplates(step).catch(() => [] as string[]);
  const ordered = [...names.filter((n) => n.endsWith('pkrvars.hcl')), ...names.filter((n) => !n.endsWith('pkrvars.hcl'))];
  for (const name of ordered) {
    const text = await readFile(path.join(step.dir, 'templates', name), 'utf8').catch(() => '');
    const found = ASSIGNED.exec(text) ?? DEFAULT.exec(text);
    if (found) return found[1]!;
  }
  return null;
}

export async function buildPlan(cloud: Cloud, workflow: Workflow, step: Step): Promise<BuildPlan> {
  const [source, instanceType] = await Promise.all([
    sourceAmi(cloud, workflow, step).catch((e: unknown) => ({ error: errorLine(e) })),
    templateInstanceType(step),
  ]);
  return {
    stepId: step.id,
    source,
    outputAmiName: outputAmiName(workflow, step),
    instanceType,
    hourlyUsd: instanceType ? hourlyPrice(instanceType) : null,
  };
}

/** `t3.micro (≈ $0.0104/h)`, or what is known of it. */
export function instanceLabel(plan: BuildPlan): string {
  if (!plan.instanceType) return 'the instance type of its templates';
  return `${plan.instanceType}${plan.hourlyUsd === null ? '' : ` (≈ $${plan.hourlyUsd}/h)`}`;
}

/**
 * The question asked before a build starts: step, instance type and price, source AMI (the
 * price before the AMI id, so that a narrow terminal cuts the id first).
 */
export function buildQuestion(plan: BuildPlan): string {
  const from = 'error' in plan.source ? '(no source AMI)' : plan.source.id;
  return `Build ${plan.stepId} on ${plan.instanceType ? 'a ' : ''}${instanceLabel(plan)} from ${from}?`;
}
