import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageReferencesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  EnableImageDeprecationCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertDeletable, executeDeletion, planDeletion } from '../../../src/aws/delete.js';
import type { CatalogItem } from '../../../src/aws/ports.js';
import { ec2Images } from '../../../src/aws/sdk/images.js';
import { ssmParameterStore } from '../../../src/aws/sdk/parameters.js';
import { deprecatePruned, planPrune } from '../../../src/layers/prune.js';
import { fakeCloud, testWorkflow } from '../fake-cloud.js';

/** `amis prune` over the SDK adapters: what EC2 and SSM are asked, and what is deregistered. */

const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
afterEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
});

const ec2Image = (n: number): Image => ({
  ImageId: `ami-${n}`,
  Name: `wf-${n}/step1`,
  State: 'available',
  OwnerId: '111122223333',
  CreationDate: `2026-0${n}-01T00:00:00.000Z`,
  BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: `snap-${n}` } }],
  Tags: [
    { Key: 'paw:workflow_id', Value: n === 4 ? 'wf1' : `wf-${n}` },
    { Key: 'paw:step_id', Value: 'step1' },
  ],
});

function setup() {
  const cloud = Object.assign(fakeCloud(), {
    images: ec2Images(new EC2Client(config)),
    parameterStore: ssmParameterStore(new SSMClient(config)),
  });
  for (const n of [1, 2, 3, 4]) {
    cloud.items.push({
      workflow_id: n === 4 ? 'wf1' : `wf-${n}`,
      step_id: 'step1',
      ami_id: `ami-${n}`,
      ami_name: `wf-${n}/step1`,
      create_at: `2026-0${n}-01T00:00:00.000000+0000`,
    } as CatalogItem);
  }
  const wf = { ...testWorkflow(), dir: mkdtempSync(path.join(tmpdir(), 'paw-prune-sdk-')) };
  wf.steps[0]!.param.metadata.paw_publish_ssm_parameter = '/golden/step1';
  ec2Mock.on(DescribeImagesCommand).callsFake((input: { Filters?: { Name: string; Values: string[] }[] }) => {
    const filter = input.Filters?.[0];
    if (filter?.Name === 'image-id') return { Images: filter.Values.map((id) => ec2Image(Number(id.slice(4)))) };
    return { Images: [] };
  });
  // ami-2 has a running instance; ami-1 is what the step's parameter holds.
  ec2Mock
    .on(DescribeInstancesCommand)
    .callsFake((input: { Filters: { Name: string; Values: string[] }[] }) =>
      input.Filters[0]!.Values.includes('ami-2') ? { Reservations: [{ Instances: [{ InstanceId: 'i-live', ImageId: 'ami-2' }] }] } : { Reservations: [] },
    );
  ec2Mock.on(DescribeImageReferencesCommand).resolves({ ImageReferences: [] });
  ssmMock.on(GetParametersCommand).resolves({ Parameters: [{ Name: '/golden/step1', Value: 'ami-1', Version: 7 }] });
  ec2Mock.on(DeregisterImageCommand).resolves({});
  ec2Mock.on(DeleteSnapshotCommand).resolves({});
  ec2Mock.on(EnableImageDeprecationCommand).resolves({ Return: true });
  return { cloud, wf };
}

describe('amis prune over the SDK adapters', () => {
  it('deregisters only the old free AMI: never the newest, the one in use, or the published one', async () => {
    const { cloud, wf } = setup();
    const plan = await planPrune(cloud, wf, { keep: 1 });
    expect(ssmMock.commandCalls(GetParametersCommand)[0]!.args[0].input).toEqual({ Names: ['/golden/step1'] });
    expect(plan.amiIds).toEqual(['ami-3']);
    await executeDeletion(cloud, plan.deletion!);
    expect(ec2Mock.commandCalls(DeregisterImageCommand).map((c) => c.args[0].input)).toEqual([{ ImageId: 'ami-3' }]);
    expect(ec2Mock.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input)).toEqual([{ SnapshotId: 'snap-3' }]);
    expect(cloud.items.map((i) => i.ami_id).sort()).toEqual(['ami-1', 'ami-2', 'ami-4']);
  });

  it('keeps the newest AMI of a step even when no workflow version that is current records it', async () => {
    const { cloud, wf } = setup();
    wf.param.workflow_id = 'wf-next';
    const plan = await planPrune(cloud, wf, { keep: 1 });
    expect(plan.steps[0]!.versions.find((v) => v.ami_id === 'ami-4')).toMatchObject({ action: 'keep', reason: 'newest' });
    expect(plan.amiIds).toEqual(['ami-3']);
  });

  it('--deprecate sends EnableImageDeprecation for the same AMIs and deregisters nothing', async () => {
    const { cloud, wf } = setup();
    const plan = await planPrune(cloud, wf, { keep: 1 });
    await deprecatePruned(cloud, plan);
    const calls = ec2Mock.commandCalls(EnableImageDeprecationCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([{ ImageId: 'ami-3', DeprecateAt: expect.any(Date) as Date }]);
    expect(calls[0]!.DeprecateAt!.getUTCSeconds()).toBe(0);
    expect(ec2Mock.commandCalls(DeregisterImageCommand)).toHaveLength(0);
  });

  it('an AMI a parameter `publish` wrote to holds is kept and cannot be deleted, even when DescribeImageReferences cannot answer', async () => {
    const { cloud, wf } = setup();
    cloud.items.find((i) => i.ami_id === 'ami-3')!.published_to = JSON.stringify(['/team/app']);
    ec2Mock.on(DescribeImageReferencesCommand).rejects(Object.assign(new Error('The action is not supported'), { name: 'UnsupportedOperation' }));
    const values: Record<string, string> = { '/golden/step1': 'ami-1', '/team/app': 'ami-3' };
    ssmMock.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.filter((n) => values[n]).map((n) => ({ Name: n, Value: values[n], Version: 1 })),
    }));
    const plan = await planPrune(cloud, wf, { keep: 1 });
    expect(plan.amiIds).toEqual([]);
    expect(plan.steps[0]!.versions.find((v) => v.ami_id === 'ami-3')).toMatchObject({ action: 'keep', reason: 'published', detail: '/team/app' });

    const deletion = await planDeletion(cloud, wf, ['ami-3']);
    expect(() => assertDeletable(deletion)).toThrow('AMI ami-3 is in use by ssm:Parameter arn:aws:ssm:us-east-1:111122223333:parameter/team/app');
    // The step's own parameter counts too, without any record on the item.
    const pinned = await planDeletion(cloud, wf, ['ami-1']);
    expect(() => assertDeletable(pinned)).toThrow('AMI ami-1 is in use by ssm:Parameter arn:aws:ssm:us-east-1:111122223333:parameter/golden/step1');
    expect(ec2Mock.commandCalls(DeregisterImageCommand)).toHaveLength(0);
  });

  it('a parameter EC2 reports is named once, not twice', async () => {
    const { cloud, wf } = setup();
    const arn = 'arn:aws:ssm:us-east-1:111122223333:parameter/golden/step1';
    ec2Mock.on(DescribeImageReferencesCommand).resolves({ ImageReferences: [{ ImageId: 'ami-1', ResourceType: 'ssm:Parameter', Arn: arn }] });
    const deletion = await planDeletion(cloud, wf, ['ami-1']);
    expect(deletion.amis[0]!.references).toEqual([{ resourceType: 'ssm:Parameter', arn }]);
  });
});
