import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetItemCommand, QueryCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogItem, LockHolder } from '../../../src/aws/ports.js';
import { dynamoCatalog } from '../../../src/aws/sdk/catalog.js';
import { dynamoLeases } from '../../../src/aws/sdk/leases.js';
import { startDynalite } from './dynalite.js';

/**
 * The step leases paw-tui keeps in the catalog table, read as the Python library reads the
 * table (packer_ami_workflow's `AmiData`, a pynamodb model): `get_image` (GetItem),
 * `query_by_workflow` (Query on the hash key, sorted by `create_at`), `query_by_step_id` (Query
 * on `step_id_index`, sorted by `create_at`) and a full `AmiData.scan()`. Reproduced here:
 * pynamodb turns each item into an AmiData, reading every attribute the model declares with the
 * declared type (a string, `create_at` as `%Y-%m-%dT%H:%M:%S.%f%z`, `details`/`metadata` as
 * JSON) and raising on a type it does not expect; attributes it does not declare are ignored.
 */

const TABLE = 'paw_ami_catalog';
const UNICODE = ['workflow_id', 'step_id', 'ami_id', 'ami_name', 'aws_console_url', 'base_ami_id', 'base_ami_name', 'root_base_ami_id', 'root_base_ami_name'];
const JSON_ATTRS = ['details', 'metadata'];

type AmiData = Record<string, unknown>;

/** pynamodb's deserialisation of an item into the library's model; throws where pynamodb raises. */
function asAmiData(raw: Record<string, AttributeValue>): AmiData {
  const out: AmiData = {};
  const text = (name: string): string | null => {
    const v = raw[name];
    if (!v || 'NULL' in v) return null;
    if (!('S' in v)) throw new Error(`${name}: pynamodb expects a string, got ${Object.keys(v).join()}`);
    return v.S!;
  };
  for (const name of UNICODE) out[name] = text(name);
  for (const name of JSON_ATTRS) {
    const t = text(name);
    out[name] = t === null ? null : JSON.parse(t);
  }
  const at = text('create_at');
  if (at !== null && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/.test(at)) throw new Error(`create_at: ${at} is not a UTCDateTimeAttribute`);
  out.create_at = at === null ? null : new Date(at.replace(/(\.\d{3})\d{3}\+0000$/, '$1Z'));
  return out;
}

/** `sorted(..., key=lambda x: x.create_at)`: Python refuses to compare None with a datetime. */
function byCreateAt(items: AmiData[]): AmiData[] {
  for (const i of items) if (i.create_at === null) throw new Error(`TypeError: an item without create_at (${String(i.workflow_id)}/${String(i.step_id)})`);
  return [...items].sort((a, b) => (b.create_at as Date).getTime() - (a.create_at as Date).getTime());
}

describe('step leases in the catalog table, as the Python library reads it', () => {
  let env: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    env = await startDynalite();
    const catalog = dynamoCatalog(env.client, TABLE, { pollMs: 10 });
    await catalog.createTable();
    // The item the library itself writes (test/fixtures/python-lib), and one of paw-tui's.
    const library = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../fixtures/python-lib/catalog/item.json'), 'utf8')) as CatalogItem;
    await catalog.put(library);
    await catalog.put({ ...library, step_id: 'step1', ami_id: 'ami-0aaaaaaaaaaaaaaa1', create_at: '2024-06-13T11:00:00.000000+0000', build_method: 'packer' });
    const holder: LockHolder = {
      host: 'ci-7',
      user: 'build',
      pid: 4242,
      pidStart: '123',
      runId: 'step2-20240613T120000Z-abc123',
      command: 'build',
      since: '2024-06-13T12:00:00.000Z',
    };
    expect(await dynamoLeases(env.client, TABLE).acquire('wf1', 'step2', holder, 60_000)).toBeNull();
    expect(await dynamoLeases(env.client, TABLE).acquire('wf1', 'step1', { ...holder, runId: 'step1-x' }, 60_000)).toBeNull();
  });
  afterAll(async () => {
    await env.stop();
  });

  it('get_image, query_by_workflow and query_by_step_id never meet a lease', async () => {
    const got = await env.client.send(new GetItemCommand({ TableName: TABLE, Key: { workflow_id: { S: 'wf1' }, step_id: { S: 'step2' } } }));
    expect(asAmiData(got.Item!).ami_id).toBe('ami-0abc1234def567890');

    const workflow = await env.client.send(
      new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'workflow_id = :w', ExpressionAttributeValues: { ':w': { S: 'wf1' } } }),
    );
    expect(byCreateAt(workflow.Items!.map(asAmiData)).map((i) => i.ami_id)).toEqual(['ami-0abc1234def567890', 'ami-0aaaaaaaaaaaaaaa1']);

    // The lease has the step's id but no create_at: the sparse index never holds it.
    for (const step of ['step1', 'step2']) {
      const versions = await env.client.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'step_id_index',
          KeyConditionExpression: 'step_id = :s',
          ExpressionAttributeValues: { ':s': { S: step } },
        }),
      );
      const amis = byCreateAt(versions.Items!.map(asAmiData));
      expect(amis.map((i) => i.workflow_id)).toEqual(['wf1']);
    }
  });

  it('a full scan reads a lease without an error and with no AMI in it: no ami_id, no create_at, its own hash key', async () => {
    const scan = await env.client.send(new ScanCommand({ TableName: TABLE }));
    const records = scan.Items!.map(asAmiData);
    expect(records).toHaveLength(4);
    const leases = records.filter((r) => String(r.workflow_id).startsWith('paw-lock#'));
    expect(leases.map((r) => `${String(r.workflow_id)}/${String(r.step_id)}`).sort()).toEqual(['paw-lock#wf1/step1', 'paw-lock#wf1/step2']);
    // Of everything the library's model declares, a lease holds only the two keys.
    for (const lease of leases) {
      for (const [name, value] of Object.entries(lease)) if (name !== 'workflow_id' && name !== 'step_id') expect(value, name).toBeNull();
    }
    // A reader that takes records with an AMI id for AMIs finds exactly the two AMIs.
    expect(
      records
        .filter((r) => r.ami_id !== null)
        .map((r) => r.ami_id)
        .sort(),
    ).toEqual(['ami-0aaaaaaaaaaaaaaa1', 'ami-0abc1234def567890']);
    // The lease's own attributes are names the model does not declare.
    const rawLease = scan.Items!.find((i) => i.workflow_id?.S === 'paw-lock#wf1')!;
    expect(Object.keys(rawLease).sort()).toEqual(['expires_at', 'holder', 'run_id', 'step_id', 'workflow_id']);
  });

  it("paw-tui's own listings skip leases", async () => {
    const catalog = dynamoCatalog(env.client, TABLE);
    expect((await catalog.listAll()).map((i) => i.ami_id).sort()).toEqual(['ami-0aaaaaaaaaaaaaaa1', 'ami-0abc1234def567890']);
  });
});
