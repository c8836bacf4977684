import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoCatalog } from '../../src/aws/sdk/catalog.js';
import { ensureBuilt, exampleWorkflow, paw, removeBuiltCopy } from '../aws/cli.js';
import { ec2Images, fakeEndpoint, jsonError } from '../aws/endpoint.js';
import { startDynalite } from '../aws/sdk/dynalite.js';

/**
 * The team's table found from an unchanged workflow folder: the built CLI against a real
 * DynamoDB API (dynalite) holding two tables with the Python library's keys.
 */

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let aws: Awaited<ReturnType<typeof fakeEndpoint>>;
let workflow: string;

beforeAll(async () => {
  ensureBuilt();
  dynamo = await startDynalite();
  for (const t of ['a_amis', 'b_amis']) await dynamoCatalog(dynamo.client, t, { pollMs: 5 }).createTable();
  aws = await fakeEndpoint((action) => {
    if (action === 'ec2:DescribeImages') return ec2Images([]);
    return jsonError('AccessDenied', `not here: ${action}`);
  });
  workflow = exampleWorkflow();
});

afterAll(async () => {
  await dynamo.stop();
  await aws.close();
  removeBuiltCopy();
});

const env = (extra: Record<string, string> = {}) => ({
  AWS_ENDPOINT_URL: aws.url,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  ...extra,
});

const list = (args: string[] = [], extra: Record<string, string> = {}) => paw(['--workflow', workflow, ...args, '--json', 'amis', 'list'], env(extra));

describe('choosing the catalog table headless', () => {
  it('two candidates and nothing configured: exit 2, both named with the flag to pass', async () => {
    const r = await list();
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'paw-tui: several DynamoDB tables could be this workflow\'s catalog: a_amis, b_amis — choose one: --table a_amis or --table b_amis (or PAW_TABLE, or "table" in paw-tui.json)',
    );
  });

  it('--table, PAW_TABLE and paw-tui.json choose it, strongest first', async () => {
    await dynamoCatalog(dynamo.client, 'a_amis').put({
      workflow_id: 'paw-example',
      step_id: 'base',
      ami_id: 'ami-0aaaaaaaaaaaaaaaa',
      ami_name: 'n',
      create_at: '2024-06-13T12:00:00.000000+0000',
      aws_console_url: '',
      base_ami_id: '',
      base_ami_name: '',
      root_base_ami_id: '',
      root_base_ami_name: '',
      details: '{}',
      metadata: '{}',
    });
    const ids = (r: { stdout: string }) => (JSON.parse(r.stdout) as { amiId?: string; ami_id?: string }[]).map((x) => x.amiId ?? x.ami_id);
    const viaFlag = await list(['--table', 'a_amis'], { PAW_TABLE: 'b_amis' });
    expect(viaFlag.code, viaFlag.stderr).toBe(0);
    expect(ids(viaFlag)).toEqual(['ami-0aaaaaaaaaaaaaaaa']);
    const viaEnv = await list([], { PAW_TABLE: 'b_amis' });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(ids(viaEnv)).toEqual([]);
    writeFileSync(path.join(path.dirname(workflow), 'paw-tui.json'), '{"table": "b_amis"}\n');
    const viaSettings = await list();
    expect(viaSettings.code, viaSettings.stderr).toBe(0);
    expect(ids(viaSettings)).toEqual([]);
    expect(ids(await list([], { PAW_TABLE: 'a_amis' }))).toEqual(['ami-0aaaaaaaaaaaaaaaa']);
  });

  it('with nothing configured, the one table holding this workflow is used and said in one line', async () => {
    writeFileSync(path.join(path.dirname(workflow), 'paw-tui.json'), '{}\n');
    const r = await paw(['--workflow', workflow, 'amis', 'list'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ami-0aaaaaaaaaaaaaaaa');
    expect(r.stderr).toBe("paw-tui: using the catalog table a_amis (it holds workflow paw-example's AMIs; other candidates: b_amis)\n");
  });
});
