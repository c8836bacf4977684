import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  QueryCommand as RawQueryCommand,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { PawError } from '../../errors.js';
import { awsCall, isNotFound } from '../errors.js';
import { LEASE_PREFIX } from '../ports.js';
import type { Catalog, CatalogItem, CatalogTables, TableShape } from '../ports.js';

/** For the lazy loader: the client comes from this module, not from a dynamic import of the SDK. */
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The secondary index of SPEC §4: every version of a step across workflows, by date. */
export const STEP_INDEX = 'step_id_index';

/**
 * A stored item as read back. The Python library and paw-tui write every attribute as a string;
 * an attribute an older writer left out reads as '' rather than failing the whole listing.
 */
const storedItem = z.object({
  workflow_id: z.string(),
  step_id: z.string(),
  ami_id: z.string(),
  ami_name: z.string().default(''),
  create_at: z.string().default(''),
  aws_console_url: z.string().default(''),
  base_ami_id: z.string().default(''),
  base_ami_name: z.string().default(''),
  root_base_ami_id: z.string().default(''),
  root_base_ami_name: z.string().default(''),
  details: z.string().default('{}'),
  metadata: z.string().default('{}'),
  build_method: z.enum(['packer', 'manual']).optional().catch(undefined),
  packer_version: z.string().optional(),
  duration_s: z.string().optional(),
  fingerprint: z.string().optional(),
  fingerprint_inputs: z.string().optional(),
  carried_from: z.string().optional(),
  copies: z.string().optional(),
  published_to: z.string().optional(),
});

function parseItem(tableName: string, raw: Record<string, unknown>): CatalogItem {
  const r = storedItem.safeParse(raw);
  if (!r.success) {
    const key = `${String(raw.workflow_id)}/${String(raw.step_id)}`;
    throw new PawError(`catalog table ${tableName} holds an item that is not an AMI record (${key})`, {
      hint: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  const item: CatalogItem = { ...r.data };
  for (const k of ['build_method', 'packer_version', 'duration_s', 'fingerprint', 'fingerprint_inputs', 'carried_from', 'copies', 'published_to'] as const)
    if (item[k] === undefined) delete item[k];
  return item;
}

export interface DynamoCatalogOptions {
  /** Items per Query/Scan page (DynamoDB's 1 MB page otherwise); small values exercise paging. */
  pageSize?: number;
  /** Pause between table-status checks after CreateTable. */
  pollMs?: number;
  /** "account 123456789012, region eu-west-1": where a missing table was looked for. */
  where?: () => Promise<string>;
}

/** Tells the user which table is missing, where, and how to create or choose one. */
export function missingTableError(tableName: string, where: string, cause?: unknown): PawError {
  return new PawError(`the catalog table ${tableName} does not exist in ${where}`, {
    hint:
      "record an AMI to create it (paw-tui record <step> --ami <id>, asks first), or choose the team's table: " +
      '--table NAME, PAW_TABLE=NAME, or {"table": "NAME"} in paw-tui.json next to workflow/',
    cause,
  });
}

/** The catalog of SPEC §4 in a DynamoDB table, through lib-dynamodb's document client. */
export function dynamoCatalog(client: DynamoDBClient, tableName: string, options: DynamoCatalogOptions = {}): Catalog {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const where = options.where ?? (() => Promise.resolve('this account and region'));
  // An item call on a table that does not exist says which table, where, and what to do.
  const call = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await awsCall(`dynamodb:${action}`, fn);
    } catch (e) {
      if (action !== 'DescribeTable' && action !== 'CreateTable' && isNotFound(e)) throw missingTableError(tableName, await where(), e);
      throw e;
    }
  };

  async function tableStatus(): Promise<string | null> {
    try {
      const out = await call('DescribeTable', () => client.send(new DescribeTableCommand({ TableName: tableName })));
      return out.Table?.TableStatus ?? null;
    } catch (e) {
      if (e instanceof PawError && isNotFound(e.cause)) return null;
      throw e;
    }
  }

  async function queryAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>): Promise<CatalogItem[]> {
    const items: CatalogItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await call('Query', () => doc.send(new QueryCommand({ ...input, Limit: options.pageSize, ExclusiveStartKey: start })));
      for (const raw of page.Items ?? []) items.push(parseItem(tableName, raw));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async function scanAll(input: Omit<ScanCommandInput, 'ExclusiveStartKey' | 'Limit'>): Promise<CatalogItem[]> {
    const items: CatalogItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await call('Scan', () => doc.send(new ScanCommand({ ...input, Limit: options.pageSize, ExclusiveStartKey: start })));
      // Step leases live in the same table under keys of their own: they are not AMIs.
      for (const raw of page.Items ?? []) if (!String(raw.workflow_id).startsWith(LEASE_PREFIX)) items.push(parseItem(tableName, raw));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  return {
    tableName,

    async tableExists() {
      return (await tableStatus()) !== null;
    },

    async createTable() {
      await call('CreateTable', () =>
        client.send(
          new CreateTableCommand({
            TableName: tableName,
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
                IndexName: STEP_INDEX,
                KeySchema: [
                  { AttributeName: 'step_id', KeyType: 'HASH' },
                  { AttributeName: 'create_at', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        ),
      );
      // Writes fail until the table is ACTIVE; DynamoDB usually takes a few seconds.
      const pollMs = options.pollMs ?? 1000;
      const deadline = Date.now() + 5 * 60_000;
      for (;;) {
        const status = await tableStatus();
        if (status === 'ACTIVE') return;
        if (Date.now() > deadline) {
          throw new PawError(`table ${tableName} is still ${status ?? 'missing'} after 5 minutes`, {
            hint: 'check it in the DynamoDB console and try again',
          });
        }
        await sleep(pollMs);
      }
    },

    async put(item) {
      await call('PutItem', () => doc.send(new PutCommand({ TableName: tableName, Item: { ...item } })));
    },

    async get(workflowId, stepId) {
      const out = await call('GetItem', () =>
        doc.send(new GetCommand({ TableName: tableName, Key: { workflow_id: workflowId, step_id: stepId }, ConsistentRead: true })),
      );
      return out.Item ? parseItem(tableName, out.Item) : null;
    },

    async getMany(keys) {
      const found: CatalogItem[] = [];
      for (let i = 0; i < keys.length; i += 100) {
        let wanted: Record<string, unknown>[] | undefined = keys.slice(i, i + 100).map((k) => ({ workflow_id: k.workflowId, step_id: k.stepId }));
        // DynamoDB may answer part of a batch and hand back the rest as unprocessed keys.
        for (let round = 0; wanted?.length; round++) {
          if (round > 0) await sleep(Math.min(1000, 50 * 2 ** round));
          const out = await call('BatchGetItem', () =>
            doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: wanted, ConsistentRead: true } } })),
          );
          for (const raw of out.Responses?.[tableName] ?? []) found.push(parseItem(tableName, raw));
          wanted = out.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return found;
    },

    listWorkflow(workflowId) {
      return queryAll({
        TableName: tableName,
        KeyConditionExpression: 'workflow_id = :w',
        ExpressionAttributeValues: { ':w': workflowId },
      });
    },

    listStepVersions(stepId) {
      return queryAll({
        TableName: tableName,
        IndexName: STEP_INDEX,
        KeyConditionExpression: 'step_id = :s',
        ExpressionAttributeValues: { ':s': stepId },
        ScanIndexForward: false,
      });
    },

    listAll() {
      return scanAll({ TableName: tableName });
    },

    async delete(workflowId, stepId) {
      await call('DeleteItem', () => doc.send(new DeleteCommand({ TableName: tableName, Key: { workflow_id: workflowId, step_id: stepId } })));
    },
  };
}

function keyOf(schema: KeySchemaElement[] | undefined, type: 'HASH' | 'RANGE'): string | null {
  return schema?.find((k) => k.KeyType === type)?.AttributeName ?? null;
}

/** The account's tables, for finding the catalog's when none is configured. */
export function dynamoTables(client: DynamoDBClient): CatalogTables {
  const call = <T>(action: string, fn: () => Promise<T>) => awsCall(`dynamodb:${action}`, fn);
  return {
    async list() {
      const names: string[] = [];
      let start: string | undefined;
      do {
        const page = await call('ListTables', () => client.send(new ListTablesCommand({ ExclusiveStartTableName: start })));
        names.push(...(page.TableNames ?? []));
        start = page.LastEvaluatedTableName;
      } while (start);
      return names;
    },
    async describe(name): Promise<TableShape | null> {
      try {
        const out = await call('DescribeTable', () => client.send(new DescribeTableCommand({ TableName: name })));
        const t = out.Table;
        if (!t) return null;
        return {
          name,
          hashKey: keyOf(t.KeySchema, 'HASH'),
          rangeKey: keyOf(t.KeySchema, 'RANGE'),
          indexes: (t.GlobalSecondaryIndexes ?? []).map((i) => ({
            name: i.IndexName ?? '',
            hashKey: keyOf(i.KeySchema, 'HASH'),
            rangeKey: keyOf(i.KeySchema, 'RANGE'),
          })),
        };
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    async holdsWorkflow(name, workflowId) {
      const out = await call('Query', () =>
        client.send(
          new RawQueryCommand({
            TableName: name,
            KeyConditionExpression: 'workflow_id = :w',
            ExpressionAttributeValues: { ':w': { S: workflowId } },
            Limit: 1,
            ProjectionExpression: 'workflow_id',
          }),
        ),
      );
      return (out.Items?.length ?? 0) > 0;
    },
  };
}
