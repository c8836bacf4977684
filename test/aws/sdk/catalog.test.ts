import { DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../../src/aws/ports.js';
import { dynamoCatalog } from '../../../src/aws/sdk/catalog.js';
import { startDynalite } from './dynalite.js';

function item(workflowId: string, stepId: string, createAt: string): CatalogItem {
  return {
    workflow_id: workflowId,
    step_id: stepId,
    ami_id: `ami-${workflowId}-${stepId}`,
    ami_name: `ubuntu/${workflowId}/${stepId}`,
    create_at: createAt,
    aws_console_url: 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ImageDetails:imageId=ami-1',
    base_ami_id: 'ami-base',
    base_ami_name: 'base',
    root_base_ami_id: 'ami-root',
    root_base_ami_name: 'root',
    details: '{"ImageId":"ami-1"}',
    metadata: '{"what":"step"}',
    build_method: 'packer',
  };
}

describe('dynamoCatalog against dynalite', () => {
  let env: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    env = await startDynalite();
  });
  afterAll(async () => {
    await env.stop();
  });

  it('creates the table of SPEC §4: keys, step_id_index, on-demand billing', async () => {
    const catalog = dynamoCatalog(env.client, 'paw_ami_catalog', { pollMs: 10 });
    expect(await catalog.tableExists()).toBe(false);
    await catalog.createTable();
    expect(await catalog.tableExists()).toBe(true);
    const { Table } = await env.client.send(new DescribeTableCommand({ TableName: 'paw_ami_catalog' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'workflow_id', KeyType: 'HASH' },
      { AttributeName: 'step_id', KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const index = Table?.GlobalSecondaryIndexes?.[0];
    expect(index?.IndexName).toBe('step_id_index');
    expect(index?.KeySchema).toEqual([
      { AttributeName: 'step_id', KeyType: 'HASH' },
      { AttributeName: 'create_at', KeyType: 'RANGE' },
    ]);
    expect(index?.Projection?.ProjectionType).toBe('ALL');
  });

  it('puts, gets and deletes items stored with the exact attribute names, all strings', async () => {
    const catalog = dynamoCatalog(env.client, 'paw_ami_catalog');
    const it1 = item('wf', 'step1', '2024-06-13T12:00:00.000000+0000');
    await catalog.put(it1);
    expect(await catalog.get('wf', 'step1')).toEqual(it1);

    const raw = await env.client.send(new GetItemCommand({ TableName: 'paw_ami_catalog', Key: { workflow_id: { S: 'wf' }, step_id: { S: 'step1' } } }));
    expect(Object.keys(raw.Item ?? {}).sort()).toEqual(
      [
        'ami_id',
        'ami_name',
        'aws_console_url',
        'base_ami_id',
        'base_ami_name',
        'build_method',
        'create_at',
        'details',
        'metadata',
        'root_base_ami_id',
        'root_base_ami_name',
        'step_id',
        'workflow_id',
      ].sort(),
    );
    for (const v of Object.values(raw.Item ?? {})) expect(Object.keys(v)).toEqual(['S']);
    expect(raw.Item?.create_at).toEqual({ S: '2024-06-13T12:00:00.000000+0000' });

    await catalog.delete('wf', 'step1');
    expect(await catalog.get('wf', 'step1')).toBeNull();
  });

  it('reads every page of a workflow, of a step across workflows (newest first) and of the whole table', async () => {
    const catalog = dynamoCatalog(env.client, 'paw_ami_catalog', { pageSize: 3 });
    const stamps: string[] = [];
    for (let i = 0; i < 11; i++) {
      const at = `2024-06-${String(10 + i).padStart(2, '0')}T12:00:00.000000+0000`;
      stamps.push(at);
      // Written in shuffled order so the index, not insertion, decides the order.
      await catalog.put(item(`wf${(i * 7) % 11}`, 'base', stamps[i]!));
    }
    for (let i = 0; i < 8; i++) await catalog.put(item('big', `s${i}`, stamps[0]!));

    const big = await catalog.listWorkflow('big');
    expect(big.map((x) => x.step_id).sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7']);

    const versions = await catalog.listStepVersions('base');
    expect(versions).toHaveLength(11);
    expect(versions.map((x) => x.create_at)).toEqual([...stamps].reverse());

    const all = await catalog.listAll();
    expect(all).toHaveLength(19);
  });

  it('reads many items by key in batches of 100, leaving out keys with no item', async () => {
    const catalog = dynamoCatalog(env.client, 'paw_ami_catalog');
    for (let i = 0; i < 130; i++) await catalog.put(item('many', `s${i}`, '2024-06-13T12:00:00.000000+0000'));
    const keys = Array.from({ length: 140 }, (_, i) => ({ workflowId: 'many', stepId: `s${i}` }));
    const found = await catalog.getMany(keys);
    expect(found.map((x) => x.step_id).sort()).toEqual(Array.from({ length: 130 }, (_, i) => `s${i}`).sort());
    expect(found.find((x) => x.step_id === 's7')).toEqual(item('many', 's7', '2024-06-13T12:00:00.000000+0000'));
    expect(await catalog.getMany([])).toEqual([]);
  });

  it('reads an item the Python library wrote without paw-tui’s extra attributes', async () => {
    const catalog = dynamoCatalog(env.client, 'paw_ami_catalog');
    const { build_method: _omit, ...python } = item('py', 'step1', '2024-01-01T00:00:00.000000+0000');
    await catalog.put(python as CatalogItem);
    expect(await catalog.get('py', 'step1')).toEqual(python);
  });
});
