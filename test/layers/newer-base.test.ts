import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ubuntuFamilyPattern } from '../../src/layers/newer-base.js';
import { ensureBuilt, exampleWorkflow, paw, removeBuiltCopy } from '../aws/cli.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeBuiltCopy());

describe('newer base', () => {
  it('the family of a Canonical name keeps product, release, arch and volume type', () => {
    expect(ubuntuFamilyPattern('ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-minimal-20240801')).toBe(
      'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-minimal-*',
    );
    expect(ubuntuFamilyPattern('my-own-image')).toBeNull();
  });

  it('the sandbox holds a newer jammy than the example root AMI: steps, base-ami --check (exit 1), then none after --write', async () => {
    const wf = exampleWorkflow();
    const run = (...args: string[]) => paw(['--sandbox', '--workflow', wf, ...args]);
    const steps = JSON.parse((await run('--json', 'steps')).stdout) as { steps: { notices: unknown[] }[] };
    expect(steps.steps[0]!.notices).toEqual([
      {
        kind: 'newer_base',
        ami: expect.stringMatching(/^ami-/),
        name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240720',
        days: 43,
        date: '2024-07-20',
      },
    ]);
    const doctor = await run('doctor');
    expect(doctor.stdout).toMatch(
      /^ok {4}root base AMI {2}ami-0975ad60e5054592a \S+; a newer Ubuntu is out: ami-\w+ \(ubuntu\/images\/hvm-ssd\/ubuntu-jammy-22\.04-amd64-server-20240720\), 43 days newer \(paw-tui base-ami --write\)$/m,
    );
    const check = await run('base-ami', '--check');
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(
      /^paw-tui: a newer Ubuntu is out: ami-\w+ \(ubuntu\/images\/hvm-ssd\/ubuntu-jammy-22\.04-amd64-server-20240720\), 43 days newer than ami-0975ad60e5054592a — /,
    );
    const write = await run('base-ami', '--release', '22.04', '--volume-type', 'ebs-gp2', '--write');
    expect(write.code, write.stderr).toBe(0);
    const again = await run('base-ami', '--check');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('is the newest of its kind');
    expect((await run('doctor')).stdout).not.toContain('a newer Ubuntu is out');
  });
});
