import { describe, expect, it } from 'vitest';
import { amiDetails, listAmiRows } from '../../src/aws/amis.js';
import type { CatalogItem } from '../../src/aws/ports.js';
import { fakeCloud, image, testWorkflow } from './fake-cloud.js';

function item(workflowId: string, stepId: string, amiId: string, createAt: string, baseAmiId = 'ami-root'): CatalogItem {
  return {
    workflow_id: workflowId,
    step_id: stepId,
    ami_id: amiId,
    ami_name: `n/${stepId}`,
    create_at: createAt,
    aws_console_url: '',
    base_ami_id: baseAmiId,
    base_ami_name: '',
    root_base_ami_id: 'ami-root',
    root_base_ami_name: 'root',
    details: '{}',
    metadata: '{}',
    build_method: 'packer',
  };
}

function cloudWithCatalog() {
  const cloud = fakeCloud();
  cloud.items.push(
    item('wf1', 'step1', 'ami-1', '2024-06-10T00:00:00.000000+0000'),
    item('wf1', 'step2', 'ami-2', '2024-06-12T00:00:00.000000+0000', 'ami-1'),
    item('wf2', 'step1', 'ami-9', '2024-06-11T00:00:00.000000+0000'),
  );
  cloud.imageList.push(
    image('ami-1', { creationDate: '2024-06-10T00:00:00.000Z', tags: { 'paw:workflow_id': 'wf1', 'paw:step_id': 'step1' } }),
    image('ami-3', { creationDate: '2024-06-13T00:00:00.000Z', tags: { 'paw:workflow_id': 'wf1', 'paw:step_id': 'step3' } }),
    image('ami-9'),
  );
  return cloud;
}

describe('listAmiRows', () => {
  it('joins a workflow’s records with EC2, adds tagged AMIs the catalog lacks, newest first', async () => {
    const rows = await listAmiRows(cloudWithCatalog(), { workflowId: 'wf1' });
    expect(rows.map((r) => [r.stepId, r.amiId, r.state, r.recorded])).toEqual([
      ['step3', 'ami-3', 'available', false],
      ['step2', 'ami-2', 'missing', true],
      ['step1', 'ami-1', 'available', true],
    ]);
  });

  it('lists a step across workflows through the index, one (workflow, step), or everything', async () => {
    const cloud = cloudWithCatalog();
    expect((await listAmiRows(cloud, { stepId: 'step1' })).map((r) => r.amiId)).toEqual(['ami-9', 'ami-1']);
    expect((await listAmiRows(cloud, { workflowId: 'wf2', stepId: 'step1' })).map((r) => r.amiId)).toEqual(['ami-9']);
    expect((await listAmiRows(cloud, { all: true })).map((r) => r.amiId).sort()).toEqual(['ami-1', 'ami-2', 'ami-3', 'ami-9']);
  });

  it('still lists EC2’s tagged AMIs when the table does not exist yet', async () => {
    const cloud = cloudWithCatalog();
    cloud.table = false;
    expect((await listAmiRows(cloud, { workflowId: 'wf1' })).map((r) => r.amiId)).toEqual(['ami-3', 'ami-1']);
  });
});

describe('amiDetails', () => {
  it('gives the records and the lineage up to the root base AMI', async () => {
    const cloud = cloudWithCatalog();
    cloud.imageList.push(image('ami-2', { tags: { 'paw:workflow_id': 'wf1', 'paw:step_id': 'step2' } }));
    const d = await amiDetails(cloud, testWorkflow(), 'ami-2');
    expect(d?.records.map((r) => r.step_id)).toEqual(['step2']);
    expect(d?.lineage).toEqual([
      { amiId: 'ami-2', amiName: 'name-of-ami-2', stepId: 'step2' },
      { amiId: 'ami-1', amiName: 'n/step1', stepId: 'step1' },
      { amiId: 'ami-root', amiName: '', stepId: null },
    ]);
    expect(await amiDetails(cloud, testWorkflow(), 'ami-nope')).toBeNull();
  });
});
