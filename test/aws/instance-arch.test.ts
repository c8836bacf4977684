import { describe, expect, it } from 'vitest';
import { architectureMismatch, instanceArchitecture } from '../../src/aws/instance-arch.js';

describe('instance architecture', () => {
  it('knows Graviton families from the others', () => {
    for (const t of ['t4g.micro', 'm7g.large', 'c7gn.xlarge', 'r6gd.large', 'a1.medium', 'g5g.xlarge']) expect(instanceArchitecture(t), t).toBe('arm64');
    for (const t of ['t3.micro', 'm5.large', 'g4dn.xlarge', 'm7i.large', 'c6a.large', 't2.micro']) expect(instanceArchitecture(t), t).toBe('x86_64');
  });

  it('warns when the AMI cannot boot on the instance type', () => {
    expect(architectureMismatch('amd64', 't3.micro')).toBeNull();
    expect(architectureMismatch('arm64', 't3.micro')).toMatch(/arm64 AMIs do not boot on t3\.micro \(x86_64\).*t4g\.micro/);
    expect(architectureMismatch('amd64', 't4g.small')).toMatch(/x86_64 type such as t3\.micro/);
  });
});
