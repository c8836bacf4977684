import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, DescribeTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableQuestion } from '../../src/aws/ports.js';
import { configuredTable, findCatalogTable, resolvingCatalog, SeveralTablesError } from '../../src/aws/table.js';
import { dynamoCatalog, dynamoTables } from '../../src/aws/sdk/catalog.js';
import { errorLine } from '../../src/errors.js';
import { readSettings, settingsPath, writeTableSetting } from '../../src/workflow/settings.js';
import { startDynalite } from './sdk/dynalite.js';

/** A table with the Python library's keys (hash workflow_id, range step_id, index step_id_index). */
async function libraryTable(client: DynamoDBClient, name: string): Promise<void> {
  await dynamoCatalog(client, name, { pollMs: 5 }).createTable();
}

async function putItem(client: DynamoDBClient, table: string, workflowId: string): Promise<void> {
  await dynamoCatalog(client, table).put({
    workflow_id: workflowId,
    step_id: 'step1',
    ami_id: 'ami-1',
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
}

describe('finding the catalog table against dynalite', () => {
  let env: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    env = await startDynalite();
    await env.client.send(
      new CreateTableCommand({
        TableName: 'unrelated',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterAll(async () => {
    await env.stop();
  });

  it('no candidate: the default name, marked missing (created when an AMI is recorded)', async () => {
    expect(await findCatalogTable(dynamoTables(env.client), 'wf1', async () => 'region us-east-1')).toEqual({ name: 'paw_ami_catalog', missing: true });
  });

  it('one candidate: used, and said in one line', async () => {
    await libraryTable(env.client, 'team_amis');
    const choice = await findCatalogTable(dynamoTables(env.client), 'wf1', async () => 'account 111122223333, region us-east-1');
    expect(choice.name).toBe('team_amis');
    expect(choice.note).toMatch(/^using the catalog table team_amis \(the only table in account 111122223333, region us-east-1 with the library's keys;/);
  });

  it('several candidates: the one holding this workflow is used; otherwise the user must choose (exit 2, both named)', async () => {
    await libraryTable(env.client, 'other_amis');
    await putItem(env.client, 'other_amis', 'wf2');
    const tables = dynamoTables(env.client);
    expect((await findCatalogTable(tables, 'wf2', async () => 'here')).name).toBe('other_amis');
    const err = await findCatalogTable(tables, 'wf1', async () => 'here').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeveralTablesError);
    expect((err as SeveralTablesError).exitCode).toBe(2);
    expect(errorLine(err)).toBe(
      'several DynamoDB tables could be this workflow\'s catalog: other_amis, team_amis — choose one: --table other_amis or --table team_amis (or PAW_TABLE, or "table" in paw-tui.json)',
    );
  });

  it('paw_ami_catalog, when it exists, wins over any other candidate', async () => {
    await libraryTable(env.client, 'paw_ami_catalog');
    expect(await findCatalogTable(dynamoTables(env.client), 'wf2', async () => 'here')).toEqual({ name: 'paw_ami_catalog' });
  });

  it('a missing table named in an item call says which table, where, and how to create or choose one', async () => {
    const catalog = dynamoCatalog(env.client, 'gone_table', { where: async () => 'account 111122223333, region us-east-1' });
    const err = await catalog.get('wf1', 'step1').catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      'the catalog table gone_table does not exist in account 111122223333, region us-east-1 — record an AMI to create it (paw-tui record <step> --ami <id>, asks first), or choose the team\'s table: --table NAME, PAW_TABLE=NAME, or {"table": "NAME"} in paw-tui.json next to workflow/',
    );
    expect(errorLine(err)).not.toMatch(/check the id/);
  });
});

describe('finding the catalog table (aws-sdk-client-mock)', () => {
  it('sends DescribeTable, ListTables (all pages), then a one-item Query per candidate', async () => {
    const mock = mockClient(DynamoDBClient);
    try {
      const shape = (name: string) => ({
        Table: {
          TableName: name,
          KeySchema: [
            { AttributeName: 'workflow_id', KeyType: 'HASH' as const },
            { AttributeName: 'step_id', KeyType: 'RANGE' as const },
          ],
          GlobalSecondaryIndexes: [{ IndexName: 'step_id_index', KeySchema: [{ AttributeName: 'step_id', KeyType: 'HASH' as const }] }],
        },
      });
      const notFound = Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
      mock.on(DescribeTableCommand, { TableName: 'paw_ami_catalog' }).rejects(notFound);
      mock.on(DescribeTableCommand, { TableName: 'a_amis' }).resolves(shape('a_amis'));
      mock.on(DescribeTableCommand, { TableName: 'b_amis' }).resolves(shape('b_amis'));
      mock
        .on(ListTablesCommand)
        .resolvesOnce({ TableNames: ['a_amis'], LastEvaluatedTableName: 'a_amis' })
        .resolvesOnce({ TableNames: ['b_amis'] });
      mock.on(QueryCommand).callsFake((input: { TableName: string }) => ({ Items: input.TableName === 'b_amis' ? [{ workflow_id: { S: 'wf1' } }] : [] }));
      const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      const notes: string[] = [];
      const catalog = resolvingCatalog({
        configured: null,
        tables: dynamoTables(client),
        workflowId: 'wf1',
        where: async () => 'here',
        onNote: (l) => notes.push(l),
        open: async (name) => ({ ...dynamoCatalog(client, name), tableExists: async () => true }),
      });
      expect(catalog.tableName).toBe('paw_ami_catalog');
      expect(await catalog.tableExists()).toBe(true);
      expect(catalog.tableName).toBe('b_amis');
      expect(notes).toEqual(["using the catalog table b_amis (it holds workflow wf1's AMIs; other candidates: a_amis)"]);
      expect(mock.commandCalls(ListTablesCommand).map((c) => c.args[0].input.ExclusiveStartTableName)).toEqual([undefined, 'a_amis']);
      expect(mock.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
        expect.objectContaining({ TableName: 'a_amis', Limit: 1, KeyConditionExpression: 'workflow_id = :w' }),
        expect.objectContaining({ TableName: 'b_amis', Limit: 1 }),
      ]);
      client.destroy();
    } finally {
      mock.restore();
    }
  });

  it('a configured table is used without listing anything', async () => {
    const listed: string[] = [];
    const catalog = resolvingCatalog({
      configured: { name: 'mine', source: '--table' },
      tables: { list: async () => (listed.push('list'), []), describe: async () => null, holdsWorkflow: async () => false },
      workflowId: 'wf1',
      where: async () => 'here',
      open: async (name) => ({ tableName: name, tableExists: async () => true }) as never,
    });
    expect(catalog.tableName).toBe('mine');
    expect(await catalog.tableExists()).toBe(true);
    expect(listed).toEqual([]);
  });
});

describe('where the table name comes from', () => {
  it('--table, then PAW_TABLE, then paw-tui.json, then workflow_param.json', () => {
    const all = { flag: 'f', env: 'e', settings: 's', params: 'p' };
    expect(configuredTable(all)).toEqual({ name: 'f', source: '--table' });
    expect(configuredTable({ ...all, flag: undefined })).toEqual({ name: 'e', source: 'PAW_TABLE' });
    expect(configuredTable({ ...all, flag: undefined, env: '' })).toEqual({ name: 's', source: 'paw-tui.json' });
    expect(configuredTable({ params: 'p' })).toEqual({ name: 'p', source: 'workflow_param.json' });
    expect(configuredTable({})).toBeNull();
  });

  it('paw-tui.json sits next to the workflow folder and keeps its other keys when the table is remembered', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'paw-settings-'));
    const wf = path.join(root, 'workflow');
    expect(settingsPath(wf)).toBe(path.join(root, 'paw-tui.json'));
    expect(await readSettings(wf)).toEqual({ table: undefined });
    await writeFile(path.join(root, 'paw-tui.json'), '{"other": 1}');
    await writeTableSetting(wf, 'team_amis');
    expect(JSON.parse(await readFile(path.join(root, 'paw-tui.json'), 'utf8'))).toEqual({ other: 1, table: 'team_amis' });
    expect(await readSettings(wf)).toEqual({ table: 'team_amis' });
  });
});

describe('asking which table when it cannot be decided (the app)', () => {
  let env: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    env = await startDynalite();
  });
  afterAll(async () => {
    await env.stop();
  });

  const catalogWith = (chooseTable: (q: TableQuestion) => Promise<string | null>, askWhenNone = true) =>
    resolvingCatalog({
      configured: null,
      tables: dynamoTables(env.client),
      workflowId: 'wf1',
      where: async () => 'account 111122223333, region us-east-1',
      open: async (name) => dynamoCatalog(env.client, name),
      chooseTable,
      askWhenNone,
    });

  it('none: asks once, offering the new default table; the answer is used', async () => {
    const questions: TableQuestion[] = [];
    const catalog = catalogWith(async (q) => (questions.push(q), 'chosen_amis'));
    await Promise.all([catalog.resolvedName(), catalog.tableExists()]);
    expect(await catalog.resolvedName()).toBe('chosen_amis');
    expect(questions).toEqual([{ reason: 'none', candidates: ['paw_ami_catalog'], where: 'account 111122223333, region us-east-1' }]);
    // The sandbox does not ask: a new table is the rule there.
    const asked: TableQuestion[] = [];
    expect(await catalogWith(async (q) => (asked.push(q), 'x'), false).resolvedName()).toBe('paw_ami_catalog');
    expect(asked).toEqual([]);
  });

  it('several: asks with both candidates; no answer keeps the error that names them', async () => {
    await libraryTable(env.client, 'a_amis');
    await libraryTable(env.client, 'b_amis');
    const questions: TableQuestion[] = [];
    const catalog = catalogWith(async (q) => (questions.push(q), 'b_amis'));
    expect(await catalog.resolvedName()).toBe('b_amis');
    expect(questions).toEqual([{ reason: 'several', candidates: ['a_amis', 'b_amis'], where: 'account 111122223333, region us-east-1' }]);
    const refused = await catalogWith(async () => null)
      .listWorkflow('wf1')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SeveralTablesError);
  });
});
