import {
  CreateKeyPairCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type IpPermission,
  type Instance as Ec2Instance,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import { PawError } from '../../errors.js';
import { awsCall } from '../errors.js';
import type { Instance, Instances, SecurityGroupInfo } from '../ports.js';
import { allPages, tagList, tagMap } from './pages.js';

/** The ports of an ingress rule open to any address: `22`, `0-65535`, `all`. */
export function openToWorld(rules: IpPermission[] | undefined): string[] {
  const out: string[] = [];
  for (const r of rules ?? []) {
    const world = (r.IpRanges ?? []).some((x) => x.CidrIp === '0.0.0.0/0') || (r.Ipv6Ranges ?? []).some((x) => x.CidrIpv6 === '::/0');
    if (!world) continue;
    if (r.IpProtocol === '-1') out.push('all');
    else out.push(r.FromPort === r.ToPort ? String(r.FromPort) : `${r.FromPort}-${r.ToPort}`);
  }
  return out;
}

function toInstance(i: Ec2Instance): Instance {
  return {
    id: i.InstanceId ?? '',
    state: i.State?.Name ?? 'unknown',
    imageId: i.ImageId ?? '',
    instanceType: i.InstanceType ?? '',
    launchTime: i.LaunchTime ? new Date(i.LaunchTime).toISOString() : '',
    publicDnsName: i.PublicDnsName || undefined,
    publicIp: i.PublicIpAddress || undefined,
    privateIp: i.PrivateIpAddress || undefined,
    keyName: i.KeyName || undefined,
    tags: tagMap(i.Tags),
    stateReason: i.StateReason?.Message || undefined,
  };
}

/** The manual path's EC2 calls. IAM is loaded only when an instance profile is checked. */
export function ec2Instances(ec2: EC2Client, iam: () => Promise<IAMClient>): Instances {
  const call = <T>(action: string, fn: () => Promise<T>) => awsCall(action, fn);

  async function idByName(kind: 'subnet' | 'security group', name: string): Promise<string | null> {
    const filters = [{ Name: 'tag:Name', Values: [name] }];
    const ids =
      kind === 'subnet'
        ? await allPages(async (token) => {
            const out = await call('ec2:DescribeSubnets', () => ec2.send(new DescribeSubnetsCommand({ Filters: filters, NextToken: token })));
            return { items: (out.Subnets ?? []).map((s) => s.SubnetId ?? ''), next: out.NextToken };
          })
        : await allPages(async (token) => {
            const out = await call('ec2:DescribeSecurityGroups', () => ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters, NextToken: token })));
            return { items: (out.SecurityGroups ?? []).map((s) => s.GroupId ?? ''), next: out.NextToken };
          });
    return ids.find(Boolean) ?? null;
  }

  return {
    async run(input) {
      const tags = tagList(input.tags);
      const out = await call('ec2:RunInstances', () =>
        ec2.send(
          new RunInstancesCommand({
            ImageId: input.imageId,
            InstanceType: input.instanceType as _InstanceType,
            MinCount: 1,
            MaxCount: 1,
            SubnetId: input.subnetId,
            SecurityGroupIds: input.securityGroupIds,
            IamInstanceProfile: { Name: input.instanceProfileName },
            KeyName: input.keyName,
            // The same token on a retry returns the first launch instead of a second instance.
            ...(input.clientToken ? { ClientToken: input.clientToken } : {}),
            TagSpecifications: [
              { ResourceType: 'instance', Tags: tags },
              { ResourceType: 'volume', Tags: tags },
            ],
          }),
        ),
      );
      const id = out.Instances?.[0]?.InstanceId;
      if (!id) throw new PawError(`EC2 launched no instance from ${input.imageId}`);
      return id;
    },

    async describe(ids) {
      if (ids.length === 0) return [];
      // A filter rather than InstanceIds: one unknown id would fail the whole call.
      return allPages(async (token) => {
        const out = await call('ec2:DescribeInstances', () =>
          ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }], MaxResults: 1000, NextToken: token })),
        );
        return { items: (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map(toInstance)), next: out.NextToken };
      });
    },

    async stop(id) {
      await call('ec2:StopInstances', () => ec2.send(new StopInstancesCommand({ InstanceIds: [id] })));
    },

    async terminate(id) {
      await call('ec2:TerminateInstances', () => ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })));
    },

    subnetByName: (name) => idByName('subnet', name),
    securityGroupByName: (name) => idByName('security group', name),

    async instanceProfileExists(name) {
      const { instanceProfileExists } = await import('./iam.js');
      return instanceProfileExists(await iam(), name);
    },

    async keyPairs() {
      const out = await call('ec2:DescribeKeyPairs', () => ec2.send(new DescribeKeyPairsCommand({})));
      return (out.KeyPairs ?? []).flatMap((k) =>
        k.KeyName
          ? [{ name: k.KeyName, id: k.KeyPairId, tags: tagMap(k.Tags), ...(k.CreateTime ? { createTime: new Date(k.CreateTime).toISOString() } : {}) }]
          : [],
      );
    },

    securityGroupsNamed(prefix) {
      return allPages<SecurityGroupInfo>(async (token) => {
        const out = await call('ec2:DescribeSecurityGroups', () =>
          ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`${prefix}*`] }], MaxResults: 1000, NextToken: token })),
        );
        const items = (out.SecurityGroups ?? []).flatMap((g) =>
          g.GroupId && g.GroupName?.startsWith(prefix)
            ? [{ id: g.GroupId, name: g.GroupName, ...(g.VpcId ? { vpcId: g.VpcId } : {}), tags: tagMap(g.Tags), openToWorld: openToWorld(g.IpPermissions) }]
            : [],
        );
        return { items, next: out.NextToken };
      });
    },

    async deleteSecurityGroup(id) {
      await call('ec2:DeleteSecurityGroup', () => ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })));
    },

    async deleteKeyPair(name) {
      await call('ec2:DeleteKeyPair', () => ec2.send(new DeleteKeyPairCommand({ KeyName: name })));
    },

    async find(filter) {
      const filters = [
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] },
        ...(filter.clientToken ? [{ Name: 'client-token', Values: [filter.clientToken] }] : []),
        ...Object.entries(filter.tags ?? {}).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
      ];
      return allPages(async (token) => {
        const out = await call('ec2:DescribeInstances', () => ec2.send(new DescribeInstancesCommand({ Filters: filters, MaxResults: 1000, NextToken: token })));
        return { items: (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map(toInstance)), next: out.NextToken };
      });
    },

    async createKeyPair(name, tags) {
      const out = await call('ec2:CreateKeyPair', () =>
        ec2.send(
          new CreateKeyPairCommand({
            KeyName: name,
            KeyType: 'rsa',
            KeyFormat: 'pem',
            ...(tags ? { TagSpecifications: [{ ResourceType: 'key-pair', Tags: tagList(tags) }] } : {}),
          }),
        ),
      );
      if (!out.KeyMaterial) throw new PawError(`EC2 returned no private key for key pair ${name}`);
      return out.KeyMaterial;
    },
  };
}
