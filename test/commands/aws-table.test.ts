import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pty from 'node-pty';
import stripAnsi from 'strip-ansi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, cleanEnv, ensureBuilt, exampleWorkflow, removeBuiltCopy } from '../aws/cli.js';
import { ec2Images, fakeEndpoint, jsonError, type Reply } from '../aws/endpoint.js';

/**
 * `record` on a terminal when the catalog table is missing: it asks, and creates the table of
 * SPEC §4 only after a yes. The real SDK talks to a stand-in DynamoDB on 127.0.0.1.
 */

beforeAll(() => ensureBuilt());
afterAll(() => removeBuiltCopy());

const AMI = 'ami-0123456789abcdef0';

/** A DynamoDB that has no table until CreateTable, and then an ACTIVE one. */
async function dynamo() {
  let created = false;
  const e = await fakeEndpoint((action) => {
    const json = (body: unknown): Reply => ({ status: 200, contentType: 'application/x-amz-json-1.0', body: JSON.stringify(body) });
    switch (action) {
      case 'ec2:DescribeImages':
        return ec2Images([{ id: AMI, name: 'ubuntu/x/paw-example/base' }]);
      case 'dynamodb:DescribeTable':
        return created
          ? json({ Table: { TableName: 'paw_ami_catalog', TableStatus: 'ACTIVE' } })
          : jsonError('com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', 'Requested resource not found');
      case 'dynamodb:CreateTable':
        created = true;
        return json({ TableDescription: { TableName: 'paw_ami_catalog', TableStatus: 'CREATING' } });
      case 'dynamodb:ListTables':
        return json({ TableNames: [] });
      case 'ec2:CreateTags':
        return { status: 200, body: '<CreateTagsResponse><return>true</return></CreateTagsResponse>' };
      case 'dynamodb:PutItem':
        return json({});
      default:
        return jsonError('InternalFailure', `unexpected ${action}`);
    }
  });
  return e;
}

function recordOnTerminal(workflow: string, url: string, answer: 'y' | 'n'): Promise<{ code: number; screen: string }> {
  const empty = path.join(path.dirname(workflow), 'empty-aws-config');
  writeFileSync(empty, '');
  return new Promise((resolve, reject) => {
    const term = pty.spawn(process.execPath, [builtCli(), '--workflow', workflow, 'record', 'base', '--ami', AMI], {
      cols: 160,
      rows: 40,
      env: cleanEnv({
        AWS_ENDPOINT_URL: url,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_CONFIG_FILE: empty,
        AWS_SHARED_CREDENTIALS_FILE: empty,
        AWS_EC2_METADATA_DISABLED: 'true',
      }),
    });
    let screen = '';
    let answered = false;
    const timer = setTimeout(() => {
      term.kill();
      reject(new Error(`no answer; screen:\n${screen}`));
    }, 30_000);
    term.onData((d) => {
      screen += d;
      if (!answered && stripAnsi(screen).includes('The catalog table paw_ami_catalog does not exist in us-east-1. Create it?')) {
        answered = true;
        term.write(answer);
        setTimeout(() => term.write('\r'), 100);
      }
    });
    term.onExit(({ exitCode }) => {
      clearTimeout(timer);
      resolve({ code: exitCode, screen: stripAnsi(screen) });
    });
  });
}

describe('record with the catalog table missing, on a terminal', () => {
  it('a no creates nothing and records nothing', async () => {
    const e = await dynamo();
    try {
      const r = await recordOnTerminal(exampleWorkflow(), e.url, 'n');
      expect(r.code).toBe(1);
      expect(r.screen).toContain('paw-tui: catalog table paw_ami_catalog does not exist in us-east-1 — nothing was recorded');
      // No table configured: paw_ami_catalog is looked for, then the account's tables (none).
      expect(e.calls.map((c) => c.action)).toEqual(['ec2:DescribeImages', 'dynamodb:DescribeTable', 'dynamodb:ListTables', 'dynamodb:DescribeTable']);
    } finally {
      await e.close();
    }
  });

  it('a yes creates the table of SPEC §4, then records the AMI with the exact attributes', async () => {
    const e = await dynamo();
    try {
      const r = await recordOnTerminal(exampleWorkflow(), e.url, 'y');
      expect(r.code, r.screen).toBe(0);
      expect(r.screen).toContain(`recorded ${AMI} as paw-example/base in paw_ami_catalog (AMI and snapshots tagged)`);
      const actions = e.calls.map((c) => c.action);
      expect(actions[0]).toBe('ec2:DescribeImages');
      expect(actions.slice(1, 5)).toEqual(['dynamodb:DescribeTable', 'dynamodb:ListTables', 'dynamodb:DescribeTable', 'dynamodb:CreateTable']);
      // As the library's tag_ami then create_dynamodb_item: the AMI and its snapshot are tagged
      // (the fingerprint, then SPEC §4's tags), described again so the item's details hold the
      // tags, and only then is the item written.
      const tagged = actions.indexOf('ec2:CreateTags');
      expect(tagged).toBeGreaterThan(actions.indexOf('dynamodb:CreateTable'));
      expect(actions.slice(tagged)).toEqual(['ec2:CreateTags', 'ec2:CreateTags', 'ec2:DescribeImages', 'dynamodb:PutItem']);
      const tags = new URLSearchParams(e.calls[tagged + 1]!.body);
      expect([tags.get('ResourceId.1'), tags.get('ResourceId.2'), tags.get('Tag.1.Key'), tags.get('Tag.1.Value')]).toEqual([
        AMI,
        'snap-1',
        'Name',
        'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/paw-example/base',
      ]);

      const create = JSON.parse(e.calls.find((c) => c.action === 'dynamodb:CreateTable')!.body);
      expect(create).toEqual({
        TableName: 'paw_ami_catalog',
        AttributeDefinitions: [
          { AttributeName: 'workflow_id', AttributeType: 'S' },
          { AttributeName: 'step_id', AttributeType: 'S' },
          { AttributeName: 'create_at', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'workflow_id', KeyType: 'HASH' },
          { AttributeName: 'step_id', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'step_id_index',
            KeySchema: [
              { AttributeName: 'step_id', KeyType: 'HASH' },
              { AttributeName: 'create_at', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      });

      const put = JSON.parse(e.calls.find((c) => c.action === 'dynamodb:PutItem')!.body);
      expect(put.TableName).toBe('paw_ami_catalog');
      expect(Object.keys(put.Item).sort()).toEqual(
        [
          'ami_id',
          'ami_name',
          'aws_console_url',
          'base_ami_id',
          'base_ami_name',
          'build_method',
          'create_at',
          'details',
          'fingerprint',
          'fingerprint_inputs',
          'metadata',
          'root_base_ami_id',
          'root_base_ami_name',
          'step_id',
          'workflow_id',
        ].sort(),
      );
      for (const v of Object.values(put.Item)) expect(Object.keys(v as object)).toEqual(['S']);
      expect(put.Item.aws_console_url.S).toBe(`https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ImageDetails:imageId=${AMI}`);
      expect(put.Item.base_ami_id.S).toBe('ami-0975ad60e5054592a');
      expect(put.Item.create_at.S).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+0000$/);
    } finally {
      await e.close();
    }
  });
});
