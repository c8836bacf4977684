import { publishParameterOf } from '../layers/step-settings.js';
import type { Workflow } from '../workflow/types.js';
import type { CatalogItem, Cloud, ImageReference } from './ports.js';

/**
 * The SSM parameters paw-tui publishes AMI ids to, and which AMI each holds now. Deleting or
 * pruning an AMI one of them points at is refused, whether or not DescribeImageReferences
 * answers (older partitions do not offer it, and it may be denied).
 */

/** The ARN SSM gives a parameter (a name without a leading slash gets one). */
export function parameterArn(region: string, account: string, name: string): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:ssm:${region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

/** The parameter names a catalog item says its AMI was published to (attribute `published_to`). */
export function publishedTo(item: Pick<CatalogItem, 'published_to'>): string[] {
  if (!item.published_to) return [];
  try {
    const names: unknown = JSON.parse(item.published_to);
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

/** The parameters the steps' settings name (a step whose setting is unreadable names none here). */
export function settingsParameters(workflow: Workflow): string[] {
  return workflow.steps.flatMap((s) => {
    try {
      return publishParameterOf(s) ?? [];
    } catch {
      return [];
    }
  });
}

/** AMI id → the parameters (of these names) that hold it now. */
export async function parametersHolding(cloud: Cloud, names: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const unique = [...new Set(names)];
  if (unique.length === 0) return out;
  for (const p of await cloud.parameterStore.get(unique)) out.set(p.value, [...(out.get(p.value) ?? []), p.name]);
  return out;
}

/** Adds the parameters holding the AMI to what DescribeImageReferences said, once each. */
export function withParameters(references: ImageReference[] | null, parameters: string[], region: string, account: string): ImageReference[] | null {
  if (parameters.length === 0) return references;
  const known = references ?? [];
  const extra = parameters
    .map((name) => ({ resourceType: 'ssm:Parameter', arn: parameterArn(region, account, name) }))
    .filter((p) => !known.some((r) => r.arn === p.arn));
  return [...known, ...extra];
}
