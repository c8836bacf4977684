import { CopyImageCommand, DescribeImagesCommand, EC2Client, ModifyImageAttributeCommand, ModifySnapshotAttributeCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
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
