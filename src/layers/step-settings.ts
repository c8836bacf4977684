import { PawError } from '../errors.js';
import type { Step } from '../workflow/types.js';

/**
 * What paw-tui does with a step's AMI after a good build, read from the step's `metadata` in
 * step_param.json: the Python library refuses keys it does not know in workflow_param.json,
 * and keeps `metadata` (a map of strings) as it is. step_param.json is one of the step's inputs,
 * so adding a setting marks the step stale once, as any edit of the file does.
 *
 *   "paw_publish_ssm_parameter": "/golden/app/ami-id"
 */
const PUBLISH_KEY = 'paw_publish_ssm_parameter';

const REGIONS_KEY = 'paw_distribution_regions';
const ACCOUNTS_KEY = 'paw_distribution_accounts';

export interface Distribution {
  /** Regions the AMI is copied to (the build's own region is left out). */
  regions: string[];
  /** Accounts the AMI, its copies and their snapshots are shared with. */
  accounts: string[];
}

function listOf(step: Step, key: string, valid: RegExp, example: string): string[] {
  const raw = step.param.metadata[key] ?? '';
  const items = (typeof raw === 'string' ? raw : JSON.stringify(raw)).split(/[\s,]+/).filter(Boolean);
  const bad = items.find((i) => !valid.test(i));
  if (bad) throw new PawError(`"metadata.${key}" in ${step.paramPath}: "${bad}" is not valid`, { hint: `a comma-separated list, e.g. "${example}"` });
  return [...new Set(items)];
}

/**
 * Where a good build of the step is copied and who it is shared with:
 *   "paw_distribution_regions": "eu-west-1, us-west-2",
 *   "paw_distribution_accounts": "111122223333"
 */
export function distributionOf(step: Step, homeRegion: string): Distribution | null {
  const regions = listOf(step, REGIONS_KEY, /^[a-z]{2}(-[a-z]+)+-\d$/, 'eu-west-1, us-west-2').filter((r) => r !== homeRegion);
  const accounts = listOf(step, ACCOUNTS_KEY, /^\d{12}$/, '111122223333, 444455556666');
  return regions.length || accounts.length ? { regions, accounts } : null;
}

/** The SSM parameter a good build of the step is published to, if the step names one. */
export function publishParameterOf(step: Step): string | null {
  const raw = step.param.metadata[PUBLISH_KEY];
  if (raw === undefined) return null;
  const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (!value.trim()) {
    throw new PawError(`"metadata.${PUBLISH_KEY}" in ${step.paramPath} is empty`, {
      hint: 'name an SSM parameter, e.g. /golden/app/ami-id, or remove the key',
    });
  }
  return value.trim();
}
