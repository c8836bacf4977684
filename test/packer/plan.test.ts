import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildQuestion, instanceLabel, templateInstanceType, type BuildPlan } from '../../src/packer/plan.js';
import type { Step } from '../../src/workflow/types.js';

/** A step whose templates/ folder holds these files. */
function stepWith(files: Record<string, string>): Step {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paw-plan-'));
  mkdirSync(path.join(dir, 'templates'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, 'templates', name), text);
  return { id: 'base', dir } as Step;
}

const VARIABLE = 'variable "instance_type" {\n  type    = string\n  default = "t3.small"\n}\n';

describe('the instance type a build asks about', () => {
  it("is the var file's, which wins in Packer, before the variable's default", async () => {
    expect(await templateInstanceType(stepWith({ '.pkr.hcl': VARIABLE, '.pkrvars.hcl': 'instance_type = "m5.large"\n' }))).toBe('m5.large');
    expect(await templateInstanceType(stepWith({ '.pkr.hcl': VARIABLE }))).toBe('t3.small');
    expect(await templateInstanceType(stepWith({ '.pkr.hcl': 'source "amazon-ebs" "x" {\n  instance_type = "c5.large"\n}\n' }))).toBe('c5.large');
  });

  it('is not guessed when computed, or when there are no templates', async () => {
    expect(await templateInstanceType(stepWith({ '.pkrvars.hcl': 'instance_type = "${var.size}"\n' }))).toBeNull();
    expect(await templateInstanceType({ id: 'x', dir: path.join(os.tmpdir(), 'paw-no-such-step') } as Step)).toBeNull();
  });

  it('is asked about with its price when known, and the source AMI or why there is none', () => {
    const plan: BuildPlan = { stepId: 'base', source: { id: 'ami-1', name: 'n' }, outputAmiName: 'o', instanceType: 't3.micro', hourlyUsd: 0.0104 };
    expect(buildQuestion(plan)).toBe('Build base on a t3.micro (≈ $0.0104/h) from ami-1?');
    expect(instanceLabel({ ...plan, instanceType: 'x9.huge', hourlyUsd: null })).toBe('x9.huge');
    expect(buildQuestion({ ...plan, source: { error: 'no AMI' }, instanceType: null, hourlyUsd: null })).toBe(
      'Build base on the instance type of its templates from (no source AMI)?',
    );
  });
});
