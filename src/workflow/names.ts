import { PawError, UsageError } from '../errors.js';
import type { Step, Workflow } from './types.js';

export const MAX_AMI_NAME_LENGTH = 128;

/** The characters EC2 accepts in an AMI name. */
const AMI_NAME_CHARS = /^[A-Za-z0-9()[\] ./\-'@_]+$/;

/**
 * The name of the AMI a step builds, as the Python library names it:
 * `<root_base_ami_name without a trailing '/'>/<workflow_id>/<step_id>`.
 */
export function outputAmiName(workflow: Workflow, step: Step): string {
  const root = workflow.param.root_base_ami_name.replace(/\/+$/, '');
  return `${root}/${workflow.param.workflow_id}/${step.id}`;
}

/** Refuses a name EC2 would refuse, before any build starts. */
export function checkOutputAmiName(name: string): void {
  if (name.length < 3) throw new PawError(`output AMI name "${name}" is shorter than 3 characters`);
  if (name.length > MAX_AMI_NAME_LENGTH) {
    throw new PawError(`output AMI name is ${name.length} characters, EC2 allows at most ${MAX_AMI_NAME_LENGTH}: ${name}`, {
      hint: 'shorten workflow_id or the step id (the name is <root_base_ami_name>/<workflow_id>/<step_id>)',
    });
  }
  if (!AMI_NAME_CHARS.test(name)) {
    const bad = [...new Set([...name].filter((c) => !AMI_NAME_CHARS.test(c)))].map((c) => JSON.stringify(c)).join(' ');
    throw new PawError(`output AMI name "${name}" has characters EC2 does not allow: ${bad}`, {
      hint: "use letters, digits, spaces and ( ) [ ] . / - ' @ _ in workflow_id and step ids",
    });
  }
}

/**
 * A step id or folder name that is safe as one path segment and inside an AMI name: letters,
 * digits, '-', '_' and '.', not starting with '.' or '-', at most 64 characters.
 */
export const SAFE_NAME_HINT = "use letters, digits, '-', '_' and '.' (not first), at most 64 characters";

export function isSafeName(s: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(s);
}

/** Refuses a name given on the command line or in a form that is not a safe name: one line, exit 2. */
export function checkSafeName(value: string, what: string): void {
  if (!isSafeName(value)) throw new UsageError(`${what} ${JSON.stringify(value)} is not a safe name`, SAFE_NAME_HINT);
}
