import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { removeCliCopy, runManual } from './cli.js';
import { ROOT_AMI, STEP_FOLDER, manualWorkflow, sandboxState } from './fixture.js';

afterAll(removeCliCopy);

const manual = async (dir: string, args: string[]) => runManual(dir, args).done;

/** A workflow copy with an instance someone started in the console, not through paw-tui. */
async function withForeignInstance(): Promise<{ dir: string; instanceId: string }> {
  const { dir, cloud } = await manualWorkflow();
  const subnetId = (await cloud.instances.subnetByName('default-public-1a'))!;
  const sg = (await cloud.instances.securityGroupByName('packer-ssh'))!;
  const instanceId = await cloud.instances.run({
    imageId: ROOT_AMI,
    instanceType: 't3.micro',
    subnetId,
    securityGroupIds: [sg],
    instanceProfileName: '',
    keyName: '',
    tags: { Name: 'hand-made' },
  });
  await cloud.close();
  return { dir, instanceId };
}

async function catalogItem(dir: string) {
  const cloud = await openSandboxCloud({ sandbox: true, workflowDir: dir, table: null });
  try {
    return (await cloud.catalog.listWorkflow('paw-example')).find((i) => i.step_id === 'hardening');
  } finally {
    await cloud.close();
  }
}

describe('paw-tui manual <step> image --instance: adopting an instance paw-tui did not launch', () => {
  it('journals and tags it, stops, images, leaves it unterminated without --terminate, records it', async () => {
    const { dir, instanceId } = await withForeignInstance();
    const run = await manual(dir, ['image', '--instance', instanceId, '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`  instance ${instanceId} adopted (EC2 says running)\n  instance ${instanceId} tagged paw:run_id=hardening-`);
    expect(run.stdout).toMatch(new RegExp(`stop requested\\n[^]*image (ami-\\w+) created\\n[^]*image ami-\\w+ is available`));
    expect(run.stdout).toContain(`  instance ${instanceId} is not terminated: paw-tui did not launch it (terminate it yourself, or pass --terminate)\n`);
    expect(run.stdout).toMatch(/ recorded in paw_ami_catalog\n/);

    const journal = JSON.parse(await readFile(path.join(dir, STEP_FOLDER, '.paw', 'manual.json'), 'utf8'));
    expect(journal).toMatchObject({ state: 'done', instanceId, adopted: true, sourceAmiId: ROOT_AMI });
    // The journal holds the instance before the tag call is made.
    const events: string[] = journal.history.map((h: { event: string }) => h.event);
    expect(events.indexOf(`instance ${instanceId} adopted (EC2 says running)`)).toBeLessThan(events.findIndex((e) => e.includes('tagged')));

    const ec2 = await sandboxState(dir);
    const instance = ec2.instances[instanceId]!;
    expect(instance.state).toBe('stopped');
    expect(instance.tags).toMatchObject({ Name: 'hand-made', 'paw:workflow_id': 'paw-example', 'paw:step_id': 'hardening', 'paw:run_id': journal.runId });
    const item = await catalogItem(dir);
    expect(item).toMatchObject({ ami_id: journal.imageId, build_method: 'manual' });
  });

  it('terminates it with --terminate; refuses a second adoption while a run is in progress; names an unknown id', async () => {
    const { dir, instanceId } = await withForeignInstance();
    const unknown = await manual(dir, ['image', '--instance', 'i-0123456789abcdef0']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('paw-tui: instance i-0123456789abcdef0 does not exist in us-east-1 — check the id, the account (profile) and the region\n');

    // Without --yes and no terminal, it is adopted, then stops where the stop needs a yes.
    const noYes = await manual(dir, ['image', '--instance', instanceId]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toBe(`paw-tui: stopping instance ${instanceId} needs confirmation and there is no terminal to ask — pass --yes\n`);
    const again = await manual(dir, ['image', '--instance', instanceId, '--yes']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `paw-tui: step hardening already has a manual run in progress (instance ${instanceId}, at "Connect and provision it by hand") — finish or give it up first: paw-tui manual hardening status\n`,
    );

    const resume = await manual(dir, ['stop', '--yes', '--terminate']);
    expect(resume.code, resume.stderr).toBe(0);
    // `stop` goes as far as its goal; the rest follows with resume, which terminates when told to.
    const rest = await runManual(dir, ['resume', '--terminate']).done;
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toContain(`instance ${instanceId} is terminating`);
    expect((await sandboxState(dir)).instances[instanceId]!.state).toBe('terminated');
  });
});
