import { describe, expect, it } from 'vitest';
import { executeDeletion, planDeletion, type DeletionEvent } from '../../src/aws/delete.js';
import type { CatalogItem } from '../../src/aws/ports.js';
import { errorLine } from '../../src/errors.js';
import { fakeCloud, image, testWorkflow } from './fake-cloud.js';

function record(stepId: string, amiId: string, baseAmiId: string): CatalogItem {
  return { workflow_id: 'wf1', step_id: stepId, ami_id: amiId, base_ami_id: baseAmiId } as CatalogItem;
}

describe('planDeletion', () => {
  it('lists the AMI, its own snapshots, the shared ones kept, the record and the steps built on it', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    cloud.imageList.push(
      image('ami-1', { snapshotIds: ['snap-a', 'snap-shared'] }),
      image('ami-other', { snapshotIds: ['snap-shared'] }),
      image('ami-2'),
    );
    cloud.items.push(record('step1', 'ami-1', 'ami-root'), record('step2', 'ami-2', 'ami-1'));
    const plan = await planDeletion(cloud, wf, ['ami-1']);
    expect(plan.amis).toHaveLength(1);
    expect(plan.amis[0]).toMatchObject({
      snapshots: ['snap-a'],
      keptSnapshots: [{ id: 'snap-shared', usedBy: ['ami-other'] }],
      catalogItems: [{ workflowId: 'wf1', stepId: 'step1' }],
      downstreamSteps: ['step2', 'step3'],
      instances: [],
      references: [],
    });
  });

  it('fails up front on an unknown AMI id', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1'));
    const err = await planDeletion(cloud, testWorkflow(), ['ami-1', 'ami-nope']).catch((e: unknown) => e);
    expect(errorLine(err)).toBe('AMI ami-nope does not exist in us-east-1 — check the ids (paw-tui amis list); nothing was deleted');
  });

  it('refuses an AMI of another account up front', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1'), image('ami-ubuntu', { ownerId: '099720109477' }));
    const err = await planDeletion(cloud, testWorkflow(), ['ami-1', 'ami-ubuntu']).catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      'AMI ami-ubuntu is owned by account 099720109477, not this account (111122223333) — only AMIs of this account can be deleted; nothing was deleted',
    );
  });

  it('plans with no catalog table at all', async () => {
    const cloud = fakeCloud();
    cloud.table = false;
    cloud.imageList.push(image('ami-1'));
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1']);
    expect(plan.amis[0]!.catalogItems).toEqual([]);
  });
});

describe('executeDeletion', () => {
  it('refuses an AMI in use and deletes nothing, not even the AMIs that are free', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1'), image('ami-2'));
    cloud.instanceList.push({ id: 'i-live', imageId: 'ami-2', state: 'stopped' } as never);
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1', 'ami-2']);
    const err = await executeDeletion(cloud, plan).catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      'AMI ami-2 is in use by instance i-live — terminate those instances or change what refers to it first; nothing was deleted',
    );
    expect(cloud.deregistered).toEqual([]);
    expect(cloud.deletedSnapshots).toEqual([]);
  });

  it('refuses an AMI a launch template refers to', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1'));
    cloud.referenceMap.set('ami-1', [{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:lt/web' }]);
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1']);
    await expect(executeDeletion(cloud, plan)).rejects.toThrow('in use by ec2:LaunchTemplate arn:aws:ec2:lt/web');
    expect(cloud.deregistered).toEqual([]);
  });

  it('deregisters, deletes each snapshot, then the catalog item, and reports progress', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    cloud.imageList.push(image('ami-1', { snapshotIds: ['snap-a', 'snap-b'] }));
    cloud.items.push(record('step1', 'ami-1', 'ami-root'));
    const plan = await planDeletion(cloud, wf, ['ami-1']);
    const events: DeletionEvent[] = [];
    const result = await executeDeletion(cloud, plan, { onProgress: (e) => events.push(e) });
    expect(result).toEqual({ deleted: ['ami-1'], failed: [] });
    expect(cloud.calls.filter((c) => /deregister|deleteSnapshot|catalog.delete/.test(c))).toEqual([
      'images.deregister ami-1',
      'images.deleteSnapshot snap-a',
      'images.deleteSnapshot snap-b',
      'catalog.delete wf1/step1',
    ]);
    expect(cloud.items).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['deregistered', 'snapshot-deleted', 'snapshot-deleted', 'record-deleted', 'done']);
  });

  it('deletes a snapshot shared only by AMIs being deleted once, after both are deregistered', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1', { snapshotIds: ['snap-s'] }), image('ami-2', { snapshotIds: ['snap-s'] }));
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1', 'ami-2']);
    await executeDeletion(cloud, plan);
    expect(cloud.deletedSnapshots).toEqual(['snap-s']);
    const order = cloud.calls.filter((c) => /deregister|deleteSnapshot/.test(c));
    expect(order.at(-1)).toBe('images.deleteSnapshot snap-s');
  });

  it('holds at most the given number of AMIs in flight, backs off on throttling, and finishes them all', async () => {
    const cloud = fakeCloud();
    const ids = Array.from({ length: 30 }, (_, i) => `ami-${String(i).padStart(3, '0')}`);
    for (const id of ids) cloud.imageList.push(image(id));
    const plan = await planDeletion(cloud, testWorkflow(), ids);
    let inFlight = 0;
    let peak = 0;
    let throttles = 0;
    cloud.beforeImageCall = async (method) => {
      if (method !== 'deregister') return;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (throttles < 5) {
        throttles++;
        throw Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded' });
      }
    };
    const result = await executeDeletion(cloud, plan, { concurrency: 4 });
    expect(peak).toBe(4);
    expect(throttles).toBe(5);
    expect(result.deleted.sort()).toEqual(ids);
    expect(cloud.deletedSnapshots).toHaveLength(30);
  });

  it('keeps going when one AMI fails and leaves that AMI’s snapshots alone', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1'), image('ami-2'));
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1', 'ami-2']);
    cloud.beforeImageCall = (method, arg) => {
      if (method === 'deregister' && arg === 'ami-1') throw new Error('boom');
    };
    const result = await executeDeletion(cloud, plan);
    expect(result.deleted).toEqual(['ami-2']);
    expect(result.failed).toEqual([{ amiId: 'ami-1', message: 'unexpected error: boom' }]);
    expect(cloud.deletedSnapshots).toEqual(['snap-2']);
  });

  it('a deletion stopped after deregistering is finished by running it again', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    const ami = image('ami-1', { snapshotIds: ['snap-a'] });
    ami.raw = { ImageId: 'ami-1', BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-a' } }] };
    cloud.imageList.push(ami);
    cloud.items.push({ ...record('step1', 'ami-1', 'ami-root'), ami_name: 'one', details: JSON.stringify(ami.raw) });
    cloud.beforeImageCall = (method) => {
      if (method === 'deleteSnapshot') throw Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' });
    };
    const first = await executeDeletion(cloud, await planDeletion(cloud, wf, ['ami-1']));
    expect(first.deleted).toEqual([]);
    expect(cloud.deregistered).toEqual(['ami-1']);
    expect(cloud.items).toHaveLength(1);

    cloud.beforeImageCall = undefined;
    const plan = await planDeletion(cloud, wf, ['ami-1']);
    expect(plan.amis[0]).toMatchObject({ alreadyDeregistered: true, snapshots: ['snap-a'], catalogItems: [{ workflowId: 'wf1', stepId: 'step1' }] });
    const second = await executeDeletion(cloud, plan);
    expect(second).toEqual({ deleted: ['ami-1'], failed: [] });
    expect(cloud.deregistered).toEqual(['ami-1']);
    expect(cloud.deletedSnapshots).toEqual(['snap-a']);
    expect(cloud.items).toEqual([]);
  });

  it('counts a snapshot that is already gone as deleted', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1', { snapshotIds: ['snap-a'] }));
    cloud.beforeImageCall = (method) => {
      if (method === 'deleteSnapshot') throw Object.assign(new Error('The snapshot does not exist'), { name: 'InvalidSnapshot.NotFound' });
    };
    const result = await executeDeletion(cloud, await planDeletion(cloud, testWorkflow(), ['ami-1']));
    expect(result).toEqual({ deleted: ['ami-1'], failed: [] });
  });
});
