import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { checkOutputAmiName, isSafeName, outputAmiName } from '../../src/workflow/names.js';
import type { Step, Workflow } from '../../src/workflow/types.js';

function check(name: string): string {
  try {
    checkOutputAmiName(name);
    return 'ok';
  } catch (e) {
    return errorLine(e);
  }
}

describe('output AMI names', () => {
  it('is <root_base_ami_name without a trailing />/<workflow_id>/<step_id>', () => {
    const wf = { param: { root_base_ami_name: 'ubuntu/images/x-20240607/', workflow_id: 'wf' } } as unknown as Workflow;
    expect(outputAmiName(wf, { id: 'step1' } as Step)).toBe('ubuntu/images/x-20240607/wf/step1');
  });

  it("accepts EC2's characters and refuses others, naming them", () => {
    expect(check("ubuntu/images/hvm-ssd (x) [y] a.b @c_d 'e'")).toBe('ok');
    expect(check('a/b:c*d')).toMatch(/^output AMI name "a\/b:c\*d" has characters EC2 does not allow: ":" "\*" — /);
    expect(check('ab')).toMatch(/shorter than 3/);
  });

  it('allows 128 characters and refuses 129', () => {
    expect(check('a'.repeat(128))).toBe('ok');
    expect(check('a'.repeat(129))).toMatch(/^output AMI name is 129 characters, EC2 allows at most 128: a+ — shorten workflow_id or the step id/);
  });
});

describe('isSafeName', () => {
  it('takes one plain path segment', () => {
    for (const ok of ['step1', 's01-pyenv', 'a.b_c', 'A9']) expect(isSafeName(ok), ok).toBe(true);
    for (const bad of ['../x', 'a/b', '.hidden', '-flag', '', 'a b', 'x'.repeat(65), 'a\\b']) expect(isSafeName(bad), bad).toBe(false);
  });
});
