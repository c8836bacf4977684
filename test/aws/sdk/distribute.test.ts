import {
  CopyImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageReferencesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertDeletable, executeDeletion, planDeletion } from '../../../src/aws/delete.js';
import type { CatalogItem } from '../../../src/aws/ports.js';
import { ec2Images } from '../../../src/aws/sdk/images.js';
import { distributeAfterBuild } from '../../../src/layers/distribute.js';
import { fakeCloud, image, testWorkflow } from '../fake-cloud.js';

/** Distribution over the SDK adapter: CopyImage per region, sent in that region; shares per account. */

const ec2Mock = mockClient(EC2Client);
afterEach(() => ec2Mock.reset());
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

describe('distributeAfterBuild over the SDK', () => {
  it('copies into each region with tags, waits, shares image and snapshots with each account, lists the copies', async () => {
    const home = ec2Images(new EC2Client({ region: 'us-east-1', credentials }));
    const cloud = Object.assign(fakeCloud(), {
      images: home,
      imagesIn: (region: string) => ec2Images(new EC2Client({ region, credentials })),
    });
    const wf = testWorkflow();
    const step = wf.steps[0]!;
    step.param.metadata.paw_distribution_regions = 'eu-west-1,us-east-1, ap-south-1';
    step.param.metadata.paw_distribution_accounts = '444455556666 777788889999';
    cloud.items.push({ workflow_id: 'wf1', step_id: step.id, ami_id: 'ami-1' } as never);
    ec2Mock
      .on(CopyImageCommand)
      .callsFake(async (_input: unknown, getClient: () => EC2Client) => ({ ImageId: `ami-copy-${await getClient().config.region()}` }));
    ec2Mock.on(DescribeImagesCommand).callsFake((input: { Filters: { Values: string[] }[] }) => ({
      Images: input.Filters[0]!.Values.map((id) => ({
        ImageId: id,
        Name: 'wf1/step1',
        State: 'available',
        BlockDeviceMappings: [{ Ebs: { SnapshotId: `snap-of-${id}` } }],
      })),
    }));
    ec2Mock.on(ModifyImageAttributeCommand).resolves({});
    ec2Mock.on(ModifySnapshotAttributeCommand).resolves({});
    const notes: string[] = [];
    const copies = await distributeAfterBuild(cloud, wf, step, image('ami-1', { name: 'wf1/step1', description: 'base', snapshotIds: ['snap-1'] }), (l) =>
      notes.push(l),
    );

    // The home region is not a copy target.
    expect(ec2Mock.commandCalls(CopyImageCommand).map((c) => c.args[0].input)).toEqual(
      ['eu-west-1', 'ap-south-1'].map((region) => ({
        SourceImageId: 'ami-1',
        SourceRegion: 'us-east-1',
        Name: 'wf1/step1',
        Description: 'base',
        CopyImageTags: true,
        ClientToken: `paw-copy-ami-1-${region}`,
      })),
    );
    expect(copies).toEqual([
      { region: 'eu-west-1', ami_id: 'ami-copy-eu-west-1' },
      { region: 'ap-south-1', ami_id: 'ami-copy-ap-south-1' },
    ]);
    const accounts = [{ UserId: '444455556666' }, { UserId: '777788889999' }];
    expect(ec2Mock.commandCalls(ModifyImageAttributeCommand).map((c) => c.args[0].input)).toEqual(
      ['ami-1', 'ami-copy-eu-west-1', 'ami-copy-ap-south-1'].map((ImageId) => ({ ImageId, LaunchPermission: { Add: accounts } })),
    );
    expect(ec2Mock.commandCalls(ModifySnapshotAttributeCommand).map((c) => c.args[0].input)).toEqual(
      ['snap-1', 'snap-of-ami-copy-eu-west-1', 'snap-of-ami-copy-ap-south-1'].map((SnapshotId) => ({
        SnapshotId,
        Attribute: 'createVolumePermission',
        OperationType: 'add',
        UserIds: ['444455556666', '777788889999'],
      })),
    );
    expect(JSON.parse(cloud.items[0]!.copies!)).toEqual(copies);
    expect(notes).toContain('copying ami-1 to eu-west-1 as ami-copy-eu-west-1 (1/2)');
  });
});

describe('deleting a distributed AMI over the SDK', () => {
  const regionOf = async (getClient: () => EC2Client) => getClient().config.region();
  const images: Record<string, { region: string; snapshot: string }> = {
    'ami-1': { region: 'us-east-1', snapshot: 'snap-1' },
    'ami-eu': { region: 'eu-west-1', snapshot: 'snap-eu' },
    'ami-ap': { region: 'ap-south-1', snapshot: 'snap-ap' },
  };
  function setup(inUseIn: string | null) {
    const cloud = Object.assign(fakeCloud(), {
      images: ec2Images(new EC2Client({ region: 'us-east-1', credentials })),
      imagesIn: (region: string) => ec2Images(new EC2Client({ region, credentials })),
    });
    const wf = { ...testWorkflow(), dir: mkdtempSync(path.join(tmpdir(), 'paw-copies-sdk-')) };
    const copies = [
      { region: 'eu-west-1', ami_id: 'ami-eu' },
      { region: 'ap-south-1', ami_id: 'ami-ap' },
    ];
    cloud.items.push({ workflow_id: 'wf1', step_id: 'step1', ami_id: 'ami-1', ami_name: 'wf1/step1', copies: JSON.stringify(copies) } as CatalogItem);
    // Each region answers for its own images only.
    ec2Mock.on(DescribeImagesCommand).callsFake(async (input: { Filters: { Name: string; Values: string[] }[] }, getClient: () => EC2Client) => {
      const region = await regionOf(getClient);
      const [filter] = input.Filters;
      const here = Object.entries(images).filter(
        ([id, i]) => i.region === region && (filter!.Name === 'image-id' ? filter!.Values.includes(id) : filter!.Values.includes(i.snapshot)),
      );
      return {
        Images: here.map(([id, i]) => ({
          ImageId: id,
          Name: 'wf1/step1',
          State: 'available',
          OwnerId: '111122223333',
          BlockDeviceMappings: [{ Ebs: { SnapshotId: i.snapshot } }],
          Tags: [
            { Key: 'paw:workflow_id', Value: 'wf1' },
            { Key: 'paw:step_id', Value: 'step1' },
          ],
        })),
      };
    });
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake(async (input: { Filters: { Values: string[] }[] }, getClient: () => EC2Client) =>
        (await regionOf(getClient)) === inUseIn
          ? { Reservations: [{ Instances: input.Filters[0]!.Values.map((ImageId) => ({ InstanceId: 'i-there', ImageId })) }] }
          : { Reservations: [] },
      );
    ec2Mock.on(DescribeImageReferencesCommand).resolves({ ImageReferences: [] });
    const calls: string[] = [];
    ec2Mock.on(DeregisterImageCommand).callsFake(async (input: { ImageId: string }, getClient: () => EC2Client) => {
      calls.push(`DeregisterImage ${input.ImageId} in ${await regionOf(getClient)}`);
      return {};
    });
    ec2Mock.on(DeleteSnapshotCommand).callsFake(async (input: { SnapshotId: string }, getClient: () => EC2Client) => {
      calls.push(`DeleteSnapshot ${input.SnapshotId} in ${await regionOf(getClient)}`);
      return {};
    });
    return { cloud, wf, calls };
  }

  it('plans every copy and deletes each in its own region, with its snapshots, before the AMI', async () => {
    const { cloud, wf, calls } = setup(null);
    const plan = await planDeletion(cloud, wf, ['ami-1']);
    expect(plan.amis[0]!.copies.map((c) => [c.region, c.image.id, c.image.snapshotIds])).toEqual([
      ['eu-west-1', 'ami-eu', ['snap-eu']],
      ['ap-south-1', 'ami-ap', ['snap-ap']],
    ]);
    const result = await executeDeletion(cloud, plan);
    expect(result).toEqual({ deleted: ['ami-1'], failed: [] });
    expect(calls).toEqual([
      'DeregisterImage ami-eu in eu-west-1',
      'DeleteSnapshot snap-eu in eu-west-1',
      'DeregisterImage ami-ap in ap-south-1',
      'DeleteSnapshot snap-ap in ap-south-1',
      'DeregisterImage ami-1 in us-east-1',
      'DeleteSnapshot snap-1 in us-east-1',
    ]);
    expect(cloud.items).toEqual([]);
  });

  it('refuses the whole deletion when a copy is in use in its region', async () => {
    const { cloud, wf, calls } = setup('ap-south-1');
    const plan = await planDeletion(cloud, wf, ['ami-1']);
    expect(() => assertDeletable(plan)).toThrow("AMI ami-1's copy ami-ap in ap-south-1 is in use by instance i-there");
    expect(calls).toEqual([]);
  });
});
