import 'aws-sdk-client-mock-vitest/extend';
import {
  CreateKeyPairCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SSMIncidentsClient, StartIncidentCommand, UpdateIncidentRecordCommand } from '@aws-sdk/client-ssm-incidents';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { stsIdentity } from '../../../src/aws/sdk/identity.js';
import { ssmIncidents } from '../../../src/aws/sdk/incidents.js';
import { ec2Instances } from '../../../src/aws/sdk/instances.js';
import { ssmParameters } from '../../../src/aws/sdk/parameters.js';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const ec2Mock = mockClient(EC2Client);
const iamMock = mockClient(IAMClient);
const ssmMock = mockClient(SSMClient);
const incMock = mockClient(SSMIncidentsClient);
const stsMock = mockClient(STSClient);
const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });

afterEach(() => {
  for (const m of [ec2Mock, iamMock, ssmMock, incMock, stsMock]) m.reset();
});

describe('ec2Instances', () => {
  const iam = new IAMClient(config);
  const instances = ec2Instances(new EC2Client(config), async () => iam);

  it('launches with the instance profile by name and tags on the instance and its volumes', async () => {
    ec2Mock.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-9' }] });
    const id = await instances.run({
      imageId: 'ami-1',
      instanceType: 't3.micro',
      subnetId: 'subnet-1',
      securityGroupIds: ['sg-1'],
      instanceProfileName: 'packer-role',
      keyName: 'paw-wf1',
      tags: { Name: 'wf1/step2', 'paw:step_id': 'step2' },
      clientToken: 'paw-launch-1',
    });
    expect(id).toBe('i-9');
    const tags = [
      { Key: 'Name', Value: 'wf1/step2' },
      { Key: 'paw:step_id', Value: 'step2' },
    ];
    expect(ec2Mock.commandCalls(RunInstancesCommand)[0]!.args[0].input).toEqual({
      ImageId: 'ami-1',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: 'subnet-1',
      SecurityGroupIds: ['sg-1'],
      IamInstanceProfile: { Name: 'packer-role' },
      KeyName: 'paw-wf1',
      ClientToken: 'paw-launch-1',
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
    });
  });

  it('describes instances by a filter, stops and terminates by id', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-1',
                State: { Name: 'running' },
                ImageId: 'ami-1',
                InstanceType: 't3.micro',
                LaunchTime: new Date('2024-06-13T12:00:00Z'),
                PublicDnsName: 'ec2-1.compute.amazonaws.com',
                Tags: [{ Key: 'Name', Value: 'x' }],
              },
            ],
          },
        ],
      })
      .on(StopInstancesCommand)
      .resolves({})
      .on(TerminateInstancesCommand)
      .resolves({});
    const [i] = await instances.describe(['i-1', 'i-gone']);
    expect(i).toMatchObject({
      id: 'i-1',
      state: 'running',
      launchTime: '2024-06-13T12:00:00.000Z',
      publicDnsName: 'ec2-1.compute.amazonaws.com',
      tags: { Name: 'x' },
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: 'instance-id', Values: ['i-1', 'i-gone'] }],
    });
    await instances.stop('i-1');
    await instances.terminate('i-1');
    expect(ec2Mock).toHaveReceivedCommandWith(StopInstancesCommand, { InstanceIds: ['i-1'] });
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: ['i-1'] });
  });

  it('finds the subnet and security group by their Name tag, null when none has it', async () => {
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [], NextToken: 'n' })
      .on(DescribeSubnetsCommand, { NextToken: 'n' })
      .resolves({ Subnets: [{ SubnetId: 'subnet-7' }] })
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [] });
    expect(await instances.subnetByName('public-a')).toBe('subnet-7');
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSubnetsCommand, { Filters: [{ Name: 'tag:Name', Values: ['public-a'] }] });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 2);
    expect(await instances.securityGroupByName('ssh')).toBeNull();
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'tag:Name', Values: ['ssh'] }] });
  });

  it('checks the instance profile in IAM', async () => {
    iamMock.on(GetInstanceProfileCommand).rejects(awsError('NoSuchEntity')).on(GetInstanceProfileCommand, { InstanceProfileName: 'packer-role' }).resolves({});
    expect(await instances.instanceProfileExists('packer-role')).toBe(true);
    expect(await instances.instanceProfileExists('missing')).toBe(false);
  });

  it('lists and creates key pairs, returning the PEM', async () => {
    ec2Mock
      .on(DescribeKeyPairsCommand)
      .resolves({ KeyPairs: [{ KeyName: 'a', KeyPairId: 'key-1' }] })
      .on(CreateKeyPairCommand)
      .resolves({ KeyName: 'paw', KeyMaterial: '-----BEGIN RSA PRIVATE KEY-----' });
    expect(await instances.keyPairs()).toEqual([{ name: 'a', id: 'key-1', tags: {} }]);
    expect(await instances.createKeyPair('paw')).toBe('-----BEGIN RSA PRIVATE KEY-----');
    expect(ec2Mock).toHaveReceivedCommandWith(CreateKeyPairCommand, { KeyName: 'paw', KeyType: 'rsa', KeyFormat: 'pem' });
    await instances.createKeyPair('paw2', { 'paw:step_id': 's' });
    expect(ec2Mock).toHaveReceivedCommandWith(CreateKeyPairCommand, {
      KeyName: 'paw2',
      TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'paw:step_id', Value: 's' }] }],
    });
  });

  it('finds live instances by client token and tags, and deletes key pairs', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'running' } }] }] });
    ec2Mock.on(DeleteKeyPairCommand).resolves({});
    expect((await instances.find({ clientToken: 'tok', tags: { 'paw:step_id': 's' } })).map((i) => i.id)).toEqual(['i-1']);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] },
        { Name: 'client-token', Values: ['tok'] },
        { Name: 'tag:paw:step_id', Values: ['s'] },
      ],
    });
    await instances.deleteKeyPair('paw2');
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteKeyPairCommand, { KeyName: 'paw2' });
  });

  it("lists Packer's temporary security groups by name over every page, with what is open to the world", async () => {
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({
        SecurityGroups: [
          {
            GroupId: 'sg-1',
            GroupName: 'packer_6b0e379b-3858-1b50-3cdc-42e485f0e9e3',
            VpcId: 'vpc-1',
            Tags: [{ Key: 'paw:run_id', Value: 'base-1' }],
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
              { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
            ],
          },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        SecurityGroups: [
          {
            GroupId: 'sg-2',
            GroupName: 'packer_6b0e37a0-0000-0000-0000-000000000000',
            IpPermissions: [{ IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
          },
        ],
      });
    ec2Mock.on(DeleteSecurityGroupCommand).resolves({});
    expect(await instances.securityGroupsNamed('packer_')).toEqual([
      { id: 'sg-1', name: 'packer_6b0e379b-3858-1b50-3cdc-42e485f0e9e3', vpcId: 'vpc-1', tags: { 'paw:run_id': 'base-1' }, openToWorld: ['22'] },
      { id: 'sg-2', name: 'packer_6b0e37a0-0000-0000-0000-000000000000', tags: {}, openToWorld: ['all'] },
    ]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, { Filters: [{ Name: 'group-name', Values: ['packer_*'] }], NextToken: 'p2' });
    await instances.deleteSecurityGroup('sg-1');
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-1' });
  });
});

describe('ssmParameters', () => {
  it('reads a path recursively over every page', async () => {
    ssmMock
      .on(GetParametersByPathCommand)
      .resolves({ Parameters: [{ Name: '/aws/service/canonical/ubuntu/a', Value: 'ami-1' }], NextToken: 'p2' })
      .on(GetParametersByPathCommand, { NextToken: 'p2' })
      .resolves({ Parameters: [{ Name: '/aws/service/canonical/ubuntu/b', Value: 'ami-2' }] });
    const params = await ssmParameters(new SSMClient(config)).byPath('/aws/service/canonical/ubuntu/');
    expect(params).toEqual([
      { name: '/aws/service/canonical/ubuntu/a', value: 'ami-1' },
      { name: '/aws/service/canonical/ubuntu/b', value: 'ami-2' },
    ]);
    expect(ssmMock.commandCalls(GetParametersByPathCommand).map((c) => c.args[0].input)).toEqual([
      { Path: '/aws/service/canonical/ubuntu/', Recursive: true, MaxResults: 10, NextToken: undefined },
      { Path: '/aws/service/canonical/ubuntu/', Recursive: true, MaxResults: 10, NextToken: 'p2' },
    ]);
  });
});

describe('ssmIncidents', () => {
  it('starts an incident with title and impact, then sets its summary', async () => {
    incMock.on(StartIncidentCommand).resolves({ incidentRecordArn: 'arn:inc' }).on(UpdateIncidentRecordCommand).resolves({});
    const arn = await ssmIncidents(new SSMIncidentsClient(config)).start({
      responsePlanArn: 'arn:plan',
      title: 'paw-tui: wf1/step2 failed',
      impact: 3,
      summary: 'last lines',
    });
    expect(arn).toBe('arn:inc');
    expect(incMock).toHaveReceivedCommandWith(StartIncidentCommand, {
      responsePlanArn: 'arn:plan',
      title: 'paw-tui: wf1/step2 failed',
      impact: 3,
    });
    expect(incMock).toHaveReceivedCommandWith(UpdateIncidentRecordCommand, { arn: 'arn:inc', summary: 'last lines' });
  });
});

describe('stsIdentity', () => {
  it('answers the account and ARN, and a one-line error for expired tokens', async () => {
    stsMock.on(GetCallerIdentityCommand).resolvesOnce({ Account: '111', Arn: 'arn:aws:iam::111:user/me' });
    const identity = stsIdentity(new STSClient(config));
    expect(await identity.whoAmI()).toEqual({ account: '111', arn: 'arn:aws:iam::111:user/me' });
    stsMock.on(GetCallerIdentityCommand).rejects(awsError('ExpiredTokenException'));
    await expect(identity.whoAmI()).rejects.toThrow('AWS credentials have expired');
  });
});
