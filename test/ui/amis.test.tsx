import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/aws/ports.js';
import { AmisScreen } from '../../src/ui/screens/AmisScreen.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { fakeCloud, image } from '../aws/fake-cloud.js';
import { keys, makeWorkflow, tick, type, waitFor } from './fixtures.js';
import { renderScreen } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function item(stepId: string, amiId: string, baseAmiId: string): CatalogItem {
  return {
    workflow_id: 'demo',
    step_id: stepId,
    ami_id: amiId,
    ami_name: `ubuntu/demo/${stepId}`,
    create_at: '2024-06-13T12:00:00.000000+0000',
    aws_console_url: '',
    base_ami_id: baseAmiId,
    base_ami_name: 'base',
    root_base_ami_id: 'ami-0000000000000base',
    root_base_ami_name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240101',
    details: '{}',
    metadata: '{}',
    build_method: 'packer',
  };
}

async function setup() {
  const dir = makeWorkflow();
  dirs.push(dir);
  const workflow = await loadWorkflow(dir);
  const cloud = fakeCloud();
  const tags = (step: string) => ({ 'paw:workflow_id': 'demo', 'paw:step_id': step, team: 'platform' });
  cloud.imageList.push(
    image('ami-0000000000000base', { name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240101' }),
    image('ami-1111111111111111', { name: 'ubuntu/demo/step1', tags: tags('step1'), creationDate: '2024-06-13T12:00:00.000Z' }),
    image('ami-2222222222222222', { name: 'ubuntu/demo/step2', tags: tags('step2'), creationDate: '2024-06-14T12:00:00.000Z' }),
    image('ami-3333333333333333', { name: 'ubuntu/demo/step1-old', tags: tags('step1'), creationDate: '2024-06-01T12:00:00.000Z' }),
  );
  cloud.items.push(item('step1', 'ami-1111111111111111', 'ami-0000000000000base'), item('step2', 'ami-2222222222222222', 'ami-1111111111111111'));
  return { workflow, cloud };
}

describe('AMI browser', () => {
  it('lists the workflow AMIs joined with the catalog, filters and sorts', async () => {
    const { workflow, cloud } = await setup();
    const { lastFrame, stdin } = renderScreen('amis', workflow, cloud, (ctx) => <AmisScreen ctx={ctx} />);
    await waitFor(() => expect(lastFrame()).toContain('3 of 3 AMIs'));
    expect(lastFrame()).toMatch(/step1\s+ami-1111111111111111\s+available/);
    expect(lastFrame()).toMatch(/ami-3333333333333333\s+available\s+\S+ ago\s+no/);
    expect(lastFrame()).toContain('/ filter');
    stdin.write('/');
    await waitFor(() => expect(lastFrame()).toContain('Filter:'));
    await tick(50);
    await type(stdin, 'step2');
    await tick(200);
    await waitFor(() => expect(lastFrame()).toContain('Filter: step2'));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('1 of 3 AMIs'));
    expect(lastFrame()).not.toContain('ami-1111111111111111');
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('3 of 3 AMIs'));
    stdin.write('o');
    await waitFor(() => expect(lastFrame()).toContain('sorted by newest'));
    const lines = lastFrame()!.split('\n');
    expect(lines.findIndex((l) => l.includes('ami-2222'))).toBeLessThan(lines.findIndex((l) => l.includes('ami-3333')));
  });

  it('shows details with tags, snapshots and the lineage up to the root base AMI', async () => {
    const { workflow, cloud } = await setup();
    const { lastFrame, stdin, h } = renderScreen('amis', workflow, cloud, (ctx) => <AmisScreen ctx={ctx} />);
    await waitFor(() => expect(lastFrame()).toContain('3 of 3 AMIs'));
    stdin.write(keys.down);
    await tick();
    stdin.write(keys.down);
    await tick();
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('lineage'));
    expect(lastFrame()).toMatch(/ami-2222222222222222\s+step step2/);
    expect(lastFrame()).toMatch(/← ami-1111111111111111\s+step step1/);
    expect(lastFrame()).toMatch(/← ami-0000000000000base\s+root base ubuntu/);
    expect(lastFrame()).toContain('team = platform');
    expect(lastFrame()).toContain('snap-2222222222222222');
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('3 of 3 AMIs'));
    expect(h.backs).toBe(0);
  });

  it('deletes two selected AMIs after the plan and the typed confirmation', async () => {
    const { workflow, cloud } = await setup();
    const { lastFrame, stdin } = renderScreen('amis', workflow, cloud, (ctx) => <AmisScreen ctx={ctx} />);
    await waitFor(() => expect(lastFrame()).toContain('3 of 3 AMIs'));
    stdin.write(keys.down);
    await tick();
    stdin.write(' ');
    await tick();
    stdin.write(keys.down);
    await tick();
    stdin.write(' ');
    await waitFor(() => expect(lastFrame()).toContain('2 selected'));
    stdin.write('d');
    await waitFor(() => expect(lastFrame()).toContain('Delete these 2 AMIs'));
    expect(lastFrame()).toContain('snapshots deleted: snap-3333333333333333');
    expect(lastFrame()).toContain('catalog items deleted: demo/step2');
    expect(lastFrame()).toContain('Type delete 2 to confirm');
    await tick(50);
    await type(stdin, 'delete 1');
    await tick();
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('That is not delete 2'));
    expect(cloud.deregistered).toEqual([]);
    stdin.write(keys.backspace);
    await tick();
    stdin.write('2');
    await tick();
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('deleted 2 AMI(s)'));
    expect(cloud.deregistered.sort()).toEqual(['ami-2222222222222222', 'ami-3333333333333333']);
    expect(cloud.items.map((i) => i.step_id)).toEqual(['step1']);
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('1 of 1 AMIs'));
  });

  it('refuses to delete an AMI an instance still uses, and deletes nothing', async () => {
    const { workflow, cloud } = await setup();
    cloud.instanceList.push({
      id: 'i-0abc',
      state: 'running',
      imageId: 'ami-1111111111111111',
      instanceType: 't3.micro',
      launchTime: '2024-06-13T12:00:00.000Z',
      tags: {},
    });
    const { lastFrame, stdin } = renderScreen('amis', workflow, cloud, (ctx) => <AmisScreen ctx={ctx} />);
    await waitFor(() => expect(lastFrame()).toContain('3 of 3 AMIs'));
    stdin.write('d');
    await waitFor(() => expect(lastFrame()).toContain('in use by'));
    expect(lastFrame()).toContain('i-0abc');
    expect(lastFrame()).not.toContain('Type ami-1111111111111111');
    expect(cloud.deregistered).toEqual([]);
  });
});

describe('AMI filter', () => {
  it('matches every visible column, the catalog column too', async () => {
    const { filterRows } = await import('../../src/ui/screens/AmisScreen.js');
    const row = (amiId: string, item: boolean) =>
      ({
        amiId,
        name: `n-${amiId}`,
        stepId: 'base',
        state: 'available',
        created: new Date().toISOString(),
        image: null,
        item: item ? { build_method: 'packer' } : null,
      }) as never;
    const rows = [row('ami-1', true), row('ami-2', false)];
    expect(filterRows(rows, 'packer').map((r) => r.amiId)).toEqual(['ami-1']);
    expect(filterRows(rows, 'no').map((r) => r.amiId)).toEqual(['ami-2']);
  });
});
