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

/** The SSM parameter a good build of the step is published to, if the step names one. */
export function publishParameterOf(step: Step): string | null {
  const value = step.param.metadata[PUBLISH_KEY];
  if (value === undefined) return null;
  if (!value.trim()) {
    throw new PawError(`"metadata.${PUBLISH_KEY}" in ${step.paramPath} is empty`, { hint: 'name an SSM parameter, e.g. /golden/app/ami-id, or remove the key' });
  }
  return value.trim();
}

