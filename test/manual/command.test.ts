import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeCliCopy, runManual } from './cli.js';
import { editSandbox, sandboxState, writeManualWorkflow } from './fixture.js';

afterAll(removeCliCopy);

const manual = async (dir: string, args: string[], env: Record<string, string> = {}) => runManual(dir, args, env).done;

describe('paw-tui manual, headless', () => {
  it('prints the checklist, then launches and stops at the person with the ssh line', async () => {
    const dir = await writeManualWorkflow();
    const status = await manual(dir, []);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      'manual path of step hardening (sandbox)\n  ▶ Launch an instance from the source AMI   ← now\n  · Wait for the instance to be running   (next)',
    );
    expect(status.stdout).toMatch(/next: paw-tui manual hardening launch\n$/);

    const launch = await manual(dir, ['launch', '--instance-type', 't3.small']);
    expect(launch.code, launch.stderr).toBe(0);
    expect(launch.stdout).toMatch(
      /^ {2}key pair requested: paw-paw-example-hardening\n {2}launch requested: t3\.small from ami-0975ad60e5054592a, key pair paw-paw-example-hardening created\n {2}instance (i-\w+) launched\n/,
    );
    expect(launch.stdout).toMatch(/  ▶ Connect and provision it by hand   ← now/);
    expect(launch.stdout).toMatch(/instance i-\w+: running, ec2-[\d-]+\.compute-1\.amazonaws\.com, up \d+s, t3\.small ≈ \$0\.0208\/h/);
    const pem = path.join(dir, 's03-hardening', '.paw', 'paw-paw-example-hardening.pem');
    expect(launch.stdout).toContain(`\nssh -i ${pem} ubuntu@ec2-`);
    expect(await readFile(pem, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);

    // Resume goes no further than the person's own work.
    const resume = await manual(dir, ['resume', '--yes']);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toMatch(/next: connect, do the work, then: paw-tui manual hardening stop --yes\n$/);
  });

  it('asks for --yes before stopping when there is no terminal, and refuses to image a running instance', async () => {
    const dir = await writeManualWorkflow();
    expect((await manual(dir, ['launch'])).code).toBe(0);
    const stop = await manual(dir, ['stop']);
    expect(stop.code).toBe(2);
    expect(stop.stderr).toMatch(/^paw-tui: stopping instance i-\w+ needs confirmation and there is no terminal to ask — pass --yes\n$/);
    const image = await manual(dir, ['image']);
    expect(image.code).toBe(1);
    expect(image.stderr).toMatch(
      /^paw-tui: cannot create the image: instance i-\w+ is running — stop it first \(paw-tui manual hardening stop --yes\); an image of a running instance may catch its disks mid-write\n$/,
    );
    const ec2 = await sandboxState(dir);
    expect(Object.values(ec2.images).filter((i) => i.tags['paw:step_id'] === 'hardening')).toEqual([]);
  });

  it('refuses a key name that would lead out of .paw/: one line, exit 2, no key pair, no file', async () => {
    const dir = await writeManualWorkflow();
    const launch = await manual(dir, ['launch', '--key-name', '../../../escaped']);
    expect(launch.code).toBe(2);
    expect(launch.stderr).toBe(
      `paw-tui: key name "../../../escaped" is not a safe name — use letters, digits, '-', '_' and '.' (not first), at most 64 characters\n`,
    );
    const state = await sandboxState(dir);
    expect(state.keyPairs.map((k) => k.name)).not.toContain('../../../escaped');
    expect(Object.keys(state.instances)).toEqual([]);
    expect(existsSync(path.join(dir, '..', 'escaped.pem'))).toBe(false);
  });

  it('says in one line that a key pair name is taken', async () => {
    const dir = await writeManualWorkflow();
    expect((await manual(dir, ['status'])).code).toBe(0);
    await editSandbox(dir, (s) => {
      s.keyPairs.push({ name: 'paw-paw-example-hardening', id: 'key-0123456789abcdef0', fingerprint: '00:11' });
    });
    const launch = await manual(dir, ['launch']);
    expect(launch.code).toBe(1);
    expect(launch.stderr).toBe(
      `paw-tui: key pair name "paw-paw-example-hardening" is taken in us-east-1, and its .pem is not in ${path.join(dir, 's03-hardening', '.paw')} — use it with --key-name paw-paw-example-hardening if you hold its private key, or choose another name with --key-name\n`,
    );
    expect(Object.keys((await sandboxState(dir)).instances)).toEqual([]);
  });

  it('reports a launch EC2 refuses in one line, and keeps the intent so a retry cannot start a second instance', async () => {
    const dir = await writeManualWorkflow();
    const launch = await manual(dir, ['launch'], { PAW_SANDBOX_FAULTS: 'RunInstances=InsufficientInstanceCapacity' });
    expect(launch.code).toBe(1);
    expect(launch.stderr.split('\n')).toHaveLength(2);
    expect(launch.stderr).toMatch(/^paw-tui: .*InsufficientInstanceCapacity/);
    const journal = JSON.parse(await readFile(path.join(dir, 's03-hardening', '.paw', 'manual.json'), 'utf8'));
    expect(journal.state).toBe('launch');
    expect(journal.requested.action).toBe('launch');
    const retry = await manual(dir, ['launch']);
    expect(retry.code, retry.stderr).toBe(0);
    const instances = Object.values((await sandboxState(dir)).instances) as { clientToken?: string }[];
    expect(instances).toHaveLength(1);
    expect(instances[0]!.clientToken).toBe(journal.launchToken);
  });

  it('opens an incident with --notify when the step fails and a response plan is set', async () => {
    const dir = await writeManualWorkflow();
    const params = path.join(dir, 'workflow_param.json');
    const plan = 'arn:aws:ssm-incidents::123456789012:response-plan/golden-ami';
    await writeFile(params, (await readFile(params, 'utf8')).replace('"aws_tags"', `"incident_response_plan_arn": "${plan}",\n    "aws_tags"`));
    const r = await manual(dir, ['launch', '--notify'], { PAW_SANDBOX_FAULTS: 'RunInstances=InsufficientInstanceCapacity' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\nincident started: arn:aws:ssm-incidents::\d+:incident-record\/golden-ami\/[\w-]+\n$/);
    const incidents = (await sandboxState(dir)).incidents as { title: string; impact: number; summary: string }[];
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ title: 'paw-tui: manual step hardening failed in workflow paw-example', impact: 3 });
    expect(incidents[0]!.summary).toMatch(/InsufficientInstanceCapacity[\s\S]*launch → launch: launch requested/);
  });

  it('takes the action before the step too, as the example README writes it', async () => {
    const dir = await writeManualWorkflow();
    const r = await runManual(dir, [], {}, ['manual', 'status', 'hardening']).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^manual path of step hardening \(sandbox\)\n/);
  });

  it('refuses steps out of order with where the checklist is, before asking anything', async () => {
    const dir = await writeManualWorkflow();
    for (const [action, doing] of [
      ['stop', 'stop the instance'],
      ['image', 'create the image'],
      ['terminate', 'terminate the instance'],
    ]) {
      const r = await manual(dir, [action!]);
      expect(r.code, action).toBe(1);
      expect(r.stderr).toBe(
        `paw-tui: cannot ${doing} now: the checklist is at "Launch an instance from the source AMI" — see where it stands: paw-tui manual hardening status\n`,
      );
    }
  });

  it('status --json gives the checklist line for scripts, the cloud call it makes included', async () => {
    const dir = await writeManualWorkflow();
    const json = await manual(dir, ['--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: 'launch', next: 'running', action: 'launch', awsCall: 'RunInstances', driver: 'person' });
  });

  it('refuses an unknown action with a usage error', async () => {
    const dir = await writeManualWorkflow();
    const r = await manual(dir, ['fly']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('paw-tui: unknown manual action "fly" — use one of: status, launch, stop, image, terminate, resume\n');
  });
});
