import 'aws-sdk-client-mock-vitest/extend';
import {
  CreateImageCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageReferencesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Image,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2Images } from '../../../src/aws/sdk/images.js';
import { errorLine } from '../../../src/errors.js';

const ec2Mock = mockClient(EC2Client);
const client = new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const images = ec2Images(client);

const img = (id: string, date: string, snaps: string[] = []): Image => ({
  ImageId: id,
  Name: `name-${id}`,
  State: 'available' as const,
  CreationDate: date,
  OwnerId: '099720109477',
  BlockDeviceMappings: snaps.map((s, i) => ({ DeviceName: `/dev/sd${'abc'[i]}`, Ebs: { SnapshotId: s } })),
  Tags: [{ Key: 'Name', Value: id }],
});

const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });

afterEach(() => ec2Mock.reset());

describe('ec2Images', () => {
  it('searches by name pattern and owner over every page, newest first', async () => {
    ec2Mock
      .on(DescribeImagesCommand)
      .resolves({ Images: [img('ami-old', '2023-01-01T00:00:00.000Z')], NextToken: 'page2' })
      .on(DescribeImagesCommand, { NextToken: 'page2' })
      .resolves({ Images: [img('ami-new', '2024-06-07T00:00:00.000Z', ['snap-1'])] });
    const found = await images.findByNamePattern('ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-amd64-server-*', ['099720109477']);
    expect(found.map((i) => i.id)).toEqual(['ami-new', 'ami-old']);
    expect(found[0]).toMatchObject({ snapshotIds: ['snap-1'], tags: { Name: 'ami-new' }, ownerId: '099720109477' });
    const calls = ec2Mock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      {
        Owners: ['099720109477'],
        Filters: [
          { Name: 'name', Values: ['ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-amd64-server-*'] },
          { Name: 'state', Values: ['available'] },
        ],
        MaxResults: 1000,
        NextToken: undefined,
      },
      expect.objectContaining({ NextToken: 'page2', Owners: ['099720109477'] }),
    ]);
  });

  it('describes ids through a filter, so unknown ids are left out rather than failing', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [img('ami-1', '2024-01-01T00:00:00.000Z')] });
    expect((await images.describe(['ami-1', 'ami-unknown'])).map((i) => i.id)).toEqual(['ami-1']);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, {
      Filters: [{ Name: 'image-id', Values: ['ami-1', 'ami-unknown'] }],
      IncludeDeprecated: true,
    });
    expect(await images.describe([])).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeImagesCommand, 1);
  });

  it('describes many ids in batches of 200, the most a filter takes', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });
    const ids = Array.from({ length: 250 }, (_, i) => `ami-${i}`);
    await images.describe(ids);
    const values = ec2Mock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input.Filters?.[0]?.Values);
    expect(values).toEqual([ids.slice(0, 200), ids.slice(200)]);
  });

  it('lists this account’s images of a workflow and step by their paw tags', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({ Images: [] });
    await images.listOwned({ workflowId: 'wf1', stepId: 'step2' });
    await images.listOwned();
    await images.findOwnedByName('ubuntu/wf1/step2');
    const inputs = ec2Mock.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toMatchObject({
      Owners: ['self'],
      Filters: [
        { Name: 'tag:paw:workflow_id', Values: ['wf1'] },
        { Name: 'tag:paw:step_id', Values: ['step2'] },
      ],
    });
    expect(inputs[1]).toMatchObject({ Owners: ['self'], Filters: [{ Name: 'tag-key', Values: ['paw:workflow_id'] }] });
    expect(inputs[2]).toMatchObject({ Owners: ['self'], Filters: [{ Name: 'name', Values: ['ubuntu/wf1/step2'] }] });
  });

  it('creates an image with TagSpecifications for the image and its snapshots', async () => {
    ec2Mock.on(CreateImageCommand).resolves({ ImageId: 'ami-made' });
    const id = await images.createImage({ instanceId: 'i-1', name: 'root/wf1/step2', tags: { Name: 'root/wf1/step2', team: 'x' } });
    expect(id).toBe('ami-made');
    const tags = [
      { Key: 'Name', Value: 'root/wf1/step2' },
      { Key: 'team', Value: 'x' },
    ];
    expect(ec2Mock.commandCalls(CreateImageCommand)[0]!.args[0].input).toEqual({
      InstanceId: 'i-1',
      Name: 'root/wf1/step2',
      Description: undefined,
      TagSpecifications: [
        { ResourceType: 'image', Tags: tags },
        { ResourceType: 'snapshot', Tags: tags },
      ],
    });
  });

  it('tags, deregisters and deletes one snapshot per call', async () => {
    ec2Mock.on(CreateTagsCommand).resolves({}).on(DeregisterImageCommand).resolves({}).on(DeleteSnapshotCommand).resolves({});
    await images.tag(['ami-1', 'snap-1'], { 'paw:step_id': 'step1' });
    await images.deregister('ami-1');
    await images.deleteSnapshot('snap-1');
    await images.deleteSnapshot('snap-2');
    expect(ec2Mock).toHaveReceivedCommandWith(CreateTagsCommand, {
      Resources: ['ami-1', 'snap-1'],
      Tags: [{ Key: 'paw:step_id', Value: 'step1' }],
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DeregisterImageCommand, { ImageId: 'ami-1' });
    expect(ec2Mock.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input)).toEqual([{ SnapshotId: 'snap-1' }, { SnapshotId: 'snap-2' }]);
  });

  it('finds live instances launched from an image over every page', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }], NextToken: 't2' })
      .on(DescribeInstancesCommand, { NextToken: 't2' })
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-2' }] }] });
    expect(await images.instancesUsing('ami-1')).toEqual(['i-1', 'i-2']);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]!.args[0].input).toEqual({
      Filters: [
        { Name: 'image-id', Values: ['ami-1'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
      ],
      MaxResults: 1000,
      NextToken: undefined,
    });
  });

  it('reads image references, and answers null where the API is not offered', async () => {
    ec2Mock.on(DescribeImageReferencesCommand).resolves({
      ImageReferences: [{ ImageId: 'ami-1', ResourceType: 'ec2:LaunchTemplate', Arn: 'arn:lt' }],
    });
    expect(await images.references('ami-1')).toEqual([{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:lt' }]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImageReferencesCommand, {
      ImageIds: ['ami-1'],
      IncludeAllResourceTypes: true,
    });
    ec2Mock.on(DescribeImageReferencesCommand).rejects(awsError('InvalidAction'));
    expect(await images.references('ami-1')).toBeNull();
    ec2Mock.on(DescribeImageReferencesCommand).rejects(awsError('ExpiredToken'));
    await expect(images.references('ami-1')).rejects.toThrow('AWS credentials have expired');
  });

  it('asks about several images in one call and answers for each of them', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-1', ImageId: 'ami-2' },
            { InstanceId: 'i-2', ImageId: 'ami-2' },
          ],
        },
      ],
    });
    ec2Mock.on(DescribeImageReferencesCommand).resolves({ ImageReferences: [{ ImageId: 'ami-1', ResourceType: 'ec2:LaunchTemplate', Arn: 'arn:lt' }] });
    expect(await images.instancesUsingEach(['ami-1', 'ami-2'])).toEqual(
      new Map([
        ['ami-1', []],
        ['ami-2', ['i-1', 'i-2']],
      ]),
    );
    expect(await images.referencesEach(['ami-1', 'ami-2'])).toEqual(
      new Map([
        ['ami-1', [{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:lt' }]],
        ['ami-2', []],
      ]),
    );
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]!.args[0].input.Filters![0]).toEqual({ Name: 'image-id', Values: ['ami-1', 'ami-2'] });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImageReferencesCommand, { ImageIds: ['ami-1', 'ami-2'], IncludeAllResourceTypes: true });
    ec2Mock.on(DescribeImageReferencesCommand).rejects(awsError('InvalidAction'));
    expect(await images.referencesEach(['ami-1', 'ami-2'])).toBeNull();
  });

  it('maps snapshots to the other images that use them', async () => {
    ec2Mock.on(DescribeImagesCommand).resolves({
      Images: [img('ami-self', 'x', ['snap-1', 'snap-2']), img('ami-other', 'x', ['snap-2', 'snap-9'])],
    });
    const users = await images.snapshotUsers(['snap-1', 'snap-2'], 'ami-self');
    expect([...users]).toEqual([['snap-2', ['ami-other']]]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeImagesCommand, {
      Owners: ['self'],
      Filters: [{ Name: 'block-device-mapping.snapshot-id', Values: ['snap-1', 'snap-2'] }],
    });
  });

  it('adds no retry of its own: what the SDK gave up on is one line with its attempts', async () => {
    // The mock replaces send(), so the SDK's retry middleware is not in play here (test/aws/retry.test.ts drives it).
    ec2Mock.on(DeregisterImageCommand).rejects(Object.assign(awsError('RequestLimitExceeded'), { $metadata: { httpStatusCode: 503, attempts: 5 } }));
    const err = await images.deregister('ami-1').catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      'AWS throttled ec2:DeregisterImage after 5 attempts — too many requests in this account and region; wait a minute and try again',
    );
    expect(ec2Mock).toHaveReceivedCommandTimes(DeregisterImageCommand, 1);
  });

  it('names the action when access is denied', async () => {
    ec2Mock.on(DeleteSnapshotCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(images.deleteSnapshot('snap-1')).rejects.toThrow('access denied: not allowed to call ec2:DeleteSnapshot');
  });
});
