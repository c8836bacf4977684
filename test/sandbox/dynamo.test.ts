import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/aws/ports.js';
import { openCloud, workflowDir } from './helpers.js';

function item(stepId: string, amiId: string, createAt: string): CatalogItem {
  return {
    workflow_id: 'paw-test',
    step_id: stepId,
    ami_id: amiId,
    ami_name: `ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/paw-test/${stepId}`,
    create_at: createAt,
    aws_console_url: `https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ImageDetails:imageId=${amiId}`,
    base_ami_id: 'ami-0975ad60e5054592a',
    base_ami_name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607',
    root_base_ami_id: 'ami-0975ad60e5054592a',
    root_base_ami_name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607',
    details: '{}',
    metadata: '{}',
    build_method: 'packer',
  };
}

describe('sandbox catalog (dynalite)', () => {
  it('starts only when first used, with its table, and keeps items on disk across restarts', async () => {
    const dir = await workflowDir();
    const dataDir = path.join(dir, '.paw', 'sandbox', 'dynamodb');
    let cloud = await openCloud(dir);
    expect(existsSync(dataDir)).toBe(false);
    expect(await cloud.catalog.tableExists()).toBe(true);
    await cloud.catalog.put(item('step1', 'ami-0aaaaaaaaaaaaaaa1', '2024-06-13T12:00:00.000000+0000'));
    await cloud.catalog.put(item('step2', 'ami-0aaaaaaaaaaaaaaa2', '2024-06-13T13:00:00.000000+0000'));
    await cloud.close();
    expect((await readdir(dataDir)).length).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, '.paw', 'sandbox', 'dynamodb.json'))).toBe(false);

    cloud = await openCloud(dir);
    expect(await cloud.catalog.get('paw-test', 'step1')).toEqual(item('step1', 'ami-0aaaaaaaaaaaaaaa1', '2024-06-13T12:00:00.000000+0000'));
    expect((await cloud.catalog.listWorkflow('paw-test')).map((i) => i.step_id)).toEqual(['step1', 'step2']);
    expect((await cloud.catalog.listStepVersions('step2')).map((i) => i.ami_id)).toEqual(['ami-0aaaaaaaaaaaaaaa2']);
    await cloud.catalog.delete('paw-test', 'step1');
    expect(await cloud.catalog.get('paw-test', 'step1')).toBeNull();
    await cloud.close();
  });

  it('lets two clouds of one process share the local server', async () => {
    const dir = await workflowDir();
    const a = await openCloud(dir);
    const b = await openCloud(dir);
    await a.catalog.put(item('step1', 'ami-0bbbbbbbbbbbbbbb1', '2024-06-13T12:00:00.000000+0000'));
    expect((await b.catalog.get('paw-test', 'step1'))?.ami_id).toBe('ami-0bbbbbbbbbbbbbbb1');
    await a.close();
    expect((await b.catalog.listAll()).length).toBe(1);
    await b.close();
  });

  it('uses the server another paw-tui process of the same workflow started (LevelDB allows one)', async () => {
    const dir = await workflowDir();
    const sandboxDir = path.join(dir, '.paw', 'sandbox');
    await mkdir(path.join(sandboxDir, 'dynamodb'), { recursive: true });
    const script = `
      const fs = require('node:fs');
      const server = require('dynalite')({ path: process.argv[1] + '/dynamodb', createTableMs: 0 });
      server.listen(0, '127.0.0.1', () => {
        fs.writeFileSync(process.argv[1] + '/dynamodb.json', JSON.stringify({ pid: process.pid, port: server.address().port }));
        console.log('ready');
      });`;
    const other = spawn(process.execPath, ['-e', script, sandboxDir], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => other.stdout.once('data', resolve));
      const cloud = await openCloud(dir);
      await cloud.catalog.put(item('step1', 'ami-0ccccccccccccccc1', '2024-06-13T12:00:00.000000+0000'));
      expect((await cloud.catalog.get('paw-test', 'step1'))?.ami_id).toBe('ami-0ccccccccccccccc1');
      await cloud.close();
      expect(JSON.parse(await readFile(path.join(sandboxDir, 'dynamodb.json'), 'utf8')).pid).toBe(other.pid);
    } finally {
      other.kill();
    }
  });

  it('closes only once the scans and queries still running have finished, with no stray error', async () => {
    const dir = await workflowDir();
    const seeded = await openCloud(dir);
    for (let n = 1; n <= 20; n += 1)
      await seeded.catalog.put(item(`step${n}`, `ami-0ddddddddddddd${String(n).padStart(3, '0')}`, '2024-06-13T12:00:00.000000+0000'));
    await seeded.close();

    const strays: unknown[] = [];
    const onStray = (e: unknown) => strays.push(e);
    process.on('unhandledRejection', onStray);
    process.on('uncaughtException', onStray);
    try {
      const cloud = await openCloud(dir);
      // Started and not awaited, as a screen's load is when the user quits.
      const scans = [cloud.catalog.listAll(), cloud.catalog.listWorkflow('paw-test'), cloud.catalog.listStepVersions('step3')];
      await cloud.close();
      const results = await Promise.allSettled(scans);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect((results[0] as PromiseFulfilledResult<CatalogItem[]>).value).toHaveLength(20);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(strays).toEqual([]);
      expect(existsSync(path.join(dir, '.paw', 'sandbox', 'dynamodb.json'))).toBe(false);
    } finally {
      process.off('unhandledRejection', onStray);
      process.off('uncaughtException', onStray);
    }
  });
});
