import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickNewerBaseCommand, ubuntuFamilyPattern } from '../../src/layers/newer-base.js';
import { ensureBuilt, exampleWorkflow, paw, removeBuiltCopy } from '../aws/cli.js';
import { EXAMPLE_ROOT_FAMILY } from './sandbox-workflow.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeBuiltCopy());

const NEWER_NAME = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240720';
const said = /a newer Ubuntu is out: ami-\w+ \(ubuntu\/images\/hvm-ssd\/ubuntu-jammy-22\.04-amd64-server-20240720\), 43 days newer/;

describe('newer base', () => {
  it('the family of a Canonical name keeps product, release, arch and volume type', () => {
    expect(ubuntuFamilyPattern('ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-minimal-20240801')).toBe(
      'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-minimal-*',
    );
    expect(ubuntuFamilyPattern('my-own-image')).toBeNull();
  });

  it('the command that moves to it searches the same family, so the release stays', () => {
    expect(pickNewerBaseCommand('ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607')).toBe(
      `paw-tui base-ami --name-pattern '${EXAMPLE_ROOT_FAMILY}' --write`,
    );
    expect(pickNewerBaseCommand('my-own-image')).toBe('paw-tui base-ami --write');
  });

  it('the sandbox holds a newer jammy than the example root AMI: steps, doctor, base-ami --check (exit 1); none after the command they name', async () => {
    const wf = exampleWorkflow();
    const run = (...args: string[]) => paw(['--sandbox', '--workflow', wf, ...args]);
    const json = JSON.parse((await run('--json', 'steps')).stdout) as { newer_base: unknown; steps: { state: string }[] };
    expect(json.newer_base).toEqual({ ami: expect.stringMatching(/^ami-/), name: NEWER_NAME, days: 43, date: '2024-07-20' });
    // Nothing is built yet: nothing is stale for it.
    expect(json.steps.map((s) => s.state)).toEqual(['not_built', 'not_built', 'not_built']);
    const text = await run('steps');
    expect(text.stdout).toMatch(
      new RegExp(
        `^${said.source} — run \`paw-tui base-ami --name-pattern '\\S+' --write\` first, then \`paw-tui build --all\` rebuilds every step on it$`,
        'm',
      ),
    );

    const doctor = await run('doctor');
    expect(doctor.stdout).toMatch(new RegExp(`^ok {4}root base AMI {2}ami-0975ad60e5054592a \\S+; ${said.source} \\((paw-tui base-ami .*)\\)$`, 'm'));
    const check = await run('base-ami', '--check');
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(
      new RegExp(`^paw-tui: ${said.source} than ami-0975ad60e5054592a — (paw-tui base-ami .*) picks it \\(then paw-tui build --all\\)$`, 'm'),
    );

    // The command doctor and --check name, run as given: the newest jammy, not the default 24.04.
    const command = /\((paw-tui base-ami .*)\)$/m.exec(doctor.stdout)![1]!;
    expect(check.stderr).toContain(command);
    const args = command
      .replace(/^paw-tui /, '')
      .match(/'[^']*'|\S+/g)!
      .map((a) => a.replace(/^'|'$/g, ''));
    const write = await run(...args);
    expect(write.code, write.stderr).toBe(0);
    expect(write.stdout).toContain(`root_base_ami_name = ${NEWER_NAME}`);
    const again = await run('base-ami', '--check');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('is the newest of its kind');
    expect((await run('doctor')).stdout).not.toContain('a newer Ubuntu is out');
    const after = JSON.parse((await run('--json', 'steps')).stdout) as { newer_base: unknown };
    expect(after.newer_base).toBeNull();
  });
});
