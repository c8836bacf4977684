import 'aws-sdk-client-mock-vitest/extend';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAwsCloud } from '../../../src/aws/sdk/cloud.js';
import { errorLine } from '../../../src/errors.js';

const base = { sandbox: false, workflowDir: '/tmp/wf', table: null };
const saved = { ...process.env };

beforeEach(() => {
  // No credentials and no region anywhere: empty config files, no instance metadata.
  const dir = mkdtempSync(path.join(tmpdir(), 'paw-aws-'));
  writeFileSync(path.join(dir, 'config'), '');
  writeFileSync(path.join(dir, 'credentials'), '');
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete process.env[k];
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterEach(() => {
  process.env = { ...saved };
});

describe('openAwsCloud', () => {
  it('says which region settings exist when none is set', async () => {
    const err = await openAwsCloud(base).catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      `no AWS region is set — set region_name in workflow_param.json, pass --region, export AWS_REGION, or give the profile a region in ${process.env.AWS_CONFIG_FILE}`,
    );
  });

  it('reports missing credentials in one line (the SDK’s own default chain)', async () => {
    const cloud = await openAwsCloud({ ...base, region: 'eu-west-1' });
    expect(cloud).toMatchObject({ kind: 'aws', region: 'eu-west-1', profile: null });
    const err = await cloud.identity.whoAmI().catch((e: unknown) => e);
    expect(errorLine(err)).toMatch(/^no AWS credentials found — set profile_name in workflow_param.json, pass --profile/);
    await cloud.close();
  });

  it('reads the region of the profile from the config file', async () => {
    writeFileSync(process.env.AWS_CONFIG_FILE!, '[profile dev]\nregion = ap-south-1\n');
    const cloud = await openAwsCloud({ ...base, profile: 'dev' });
    expect(cloud.region).toBe('ap-south-1');
    expect(cloud.profile).toBe('dev');
    await cloud.close();
  });

  it('builds each client at first use with the given region and keys', async () => {
    const ec2Mock = mockClient(EC2Client);
    const stsMock = mockClient(STSClient);
    try {
      ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-1', Name: 'one', State: 'available' }] });
      stsMock.on(GetCallerIdentityCommand).resolves({ Account: '111', Arn: 'arn:me' });
      const cloud = await openAwsCloud({
        ...base,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's', sessionToken: null },
      });
      // Plain objects: every method of the port is there before anything is loaded.
      expect(Object.keys(cloud.images)).toContain('snapshotUsers');
      expect(Object.keys(cloud.catalog)).toEqual(expect.arrayContaining(['tableName', 'put', 'listStepVersions']));
      expect((await cloud.images.describe(['ami-1']))[0]).toMatchObject({ id: 'ami-1', name: 'one' });
      expect(await cloud.identity.whoAmI()).toEqual({ account: '111', arn: 'arn:me' });
      const ec2 = ec2Mock.commandCalls(DescribeImagesCommand)[0]!.thisValue as EC2Client;
      expect(await ec2.config.region()).toBe('eu-west-1');
      expect((await ec2.config.credentials()).accessKeyId).toBe('AKIA1');
      await cloud.close();
    } finally {
      ec2Mock.restore();
      stsMock.restore();
    }
  });
});
