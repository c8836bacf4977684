import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeDeletion, planDeletion, type DeletionEvent } from '../../src/aws/delete.js';
import { translateAwsError } from '../../src/aws/errors.js';
import type { CatalogItem } from '../../src/aws/ports.js';
import { errorLine } from '../../src/errors.js';
import { fakeCloud, image, testWorkflow as sharedTestWorkflow } from './fake-cloud.js';

/** The test workflow in a folder of its own: deletions are journaled under its `.paw/`. */
function testWorkflow() {
  return { ...sharedTestWorkflow(), dir: mkdtempSync(path.join(tmpdir(), 'paw-delete-')) };
}

/** What the SDK adapter throws once the SDK's own retries gave up on throttling. */
const throttled = (action: string) =>
  translateAwsError(Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503, attempts: 5 } }), action);

function record(stepId: string, amiId: string, baseAmiId: string): CatalogItem {
  return { workflow_id: 'wf1', step_id: stepId, ami_id: amiId, base_ami_id: baseAmiId } as CatalogItem;
}

describe('planDeletion', () => {
  it('lists the AMI, its own snapshots, the shared ones kept, the record and the steps built on it', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    cloud.imageList.push(image('ami-1', { snapshotIds: ['snap-a', 'snap-shared'] }), image('ami-other', { snapshotIds: ['snap-shared'] }), image('ami-2'));
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
    expect(errorLine(err)).toBe('AMI ami-2 is in use by instance i-live — terminate those instances or change what refers to it first; nothing was deleted');
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

  it('holds at most the given number of AMIs in flight; throttled ones fail in one line and a rerun of the same command finishes them', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    const ids = Array.from({ length: 30 }, (_, i) => `ami-${String(i).padStart(3, '0')}`);
    for (const id of ids) cloud.imageList.push(image(id));
    const plan = await planDeletion(cloud, wf, ids);
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
        throw throttled('ec2:DeregisterImage');
      }
    };
    const first = await executeDeletion(cloud, plan, { concurrency: 4 });
    expect(peak).toBe(4);
    // No second retry layer: each throttled AMI is asked once, and fails with the SDK's answer.
    expect(cloud.calls.filter((c) => c.startsWith('images.deregister'))).toHaveLength(30);
    expect(first.deleted).toHaveLength(25);
    expect(first.failed).toHaveLength(5);
    expect(first.failed[0]!.message).toBe(
      'AWS throttled ec2:DeregisterImage after 5 attempts — too many requests in this account and region; wait a minute and try again',
    );

    // The same command again: the 25 deleted ids are done, not unknown; the 5 are finished.
    const again = await planDeletion(cloud, wf, ids);
    expect(again.alreadyDeleted.sort()).toEqual(ids.filter((id) => first.deleted.includes(id)).sort());
    const second = await executeDeletion(cloud, again, { concurrency: 4 });
    expect(second.failed).toEqual([]);
    expect([...first.deleted, ...second.deleted].sort()).toEqual(ids);
    expect(new Set(cloud.deletedSnapshots).size).toBe(30);
  });

  it('re-checks use right before deregistering: an instance launched after the plan keeps its AMI', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1', { snapshotIds: ['snap-1'] }), image('ami-2'));
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1', 'ami-2']);
    // While the typed confirmation waits, someone launches an instance from ami-1.
    cloud.instanceList.push({ id: 'i-new', imageId: 'ami-1', state: 'pending' } as never);
    const result = await executeDeletion(cloud, plan);
    expect(result.deleted).toEqual(['ami-2']);
    expect(result.failed).toEqual([
      {
        amiId: 'ami-1',
        message:
          'AMI ami-1 came into use after the plan (instance i-new): not deregistered — terminate those instances or change what refers to it, then run the same command again',
      },
    ]);
    expect(cloud.deregistered).toEqual(['ami-2']);
    expect(cloud.deletedSnapshots).toEqual(['snap-2']);
  });

  it('asks about many AMIs in one call, each in a call made after it was asked about, right before its deregistration', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    const ids = Array.from({ length: 24 }, (_, i) => `ami-${String(i).padStart(3, '0')}`);
    // Each tagged as built by a workflow of its own: its record is looked up by its tags.
    for (const id of ids) cloud.imageList.push(image(id, { tags: { 'paw:workflow_id': `wf-of-${id}`, 'paw:step_id': 's' } }));
    cloud.items.push(record('s', ids[1]!, 'ami-base'));
    cloud.items[0]!.workflow_id = `wf-of-${ids[1]}`;
    const plan = await planDeletion(cloud, wf, ids);
    expect(plan.amis[1]!.catalogItems).toEqual([{ workflowId: `wf-of-${ids[1]}`, stepId: 's' }]);
    // One call of each kind for the whole plan, not one per AMI.
    expect(cloud.calls.filter((c) => c.startsWith('images.instancesUsing'))).toEqual(['images.instancesUsingEach ' + ids.join(',')]);
    expect(cloud.calls.filter((c) => c.startsWith('catalog.get'))).toEqual(['catalog.getMany ' + ids.map((id) => `wf-of-${id}/s`).join(',')]);
    cloud.calls.length = 0;
    // Once the first AMI is deregistered, someone launches an instance from the last one.
    cloud.beforeImageCall = (method, arg) => {
      if (method === 'deregister' && arg === ids[0]) cloud.instanceList.push({ id: 'i-late', imageId: ids.at(-1)!, state: 'pending' } as never);
    };
    const result = await executeDeletion(cloud, plan, { concurrency: 4 });
    expect(result.failed).toEqual([{ amiId: ids.at(-1), message: expect.stringMatching(/^AMI ami-023 came into use after the plan \(instance i-late\)/) }]);
    expect(cloud.deregistered.sort()).toEqual(ids.slice(0, -1));
    const checks = cloud.calls.filter((c) => c.startsWith('images.instancesUsingEach'));
    expect(checks.length).toBeGreaterThan(1);
    expect(checks.length).toBeLessThan(ids.length);
    for (const id of ids.slice(0, -1)) {
      const at = cloud.calls.indexOf(`images.deregister ${id}`);
      // Asked about before its deregistration (the late instance above shows it was not asked up front).
      const asksAbout = (c: string) => c.startsWith('images.instancesUsingEach') && c.split(' ')[1]!.split(',').includes(id);
      const checkedAt = cloud.calls.slice(0, at).map(asksAbout).lastIndexOf(true);
      expect(checkedAt, id).toBeGreaterThanOrEqual(0);
    }
  });

  it('an AMI gone from EC2 since the plan fails alone, not the others asked about with it', async () => {
    const cloud = fakeCloud();
    const ids = ['ami-1', 'ami-2', 'ami-3'];
    for (const id of ids) cloud.imageList.push(image(id));
    const plan = await planDeletion(cloud, testWorkflow(), ids);
    cloud.beforeImageCall = (method, arg) => {
      const asked = Array.isArray(arg) ? arg : [arg];
      if ((method === 'referencesEach' || method === 'references') && asked.includes('ami-2')) {
        throw Object.assign(new Error('The image id [ami-2] does not exist'), { name: 'InvalidAMIID.NotFound' });
      }
    };
    const result = await executeDeletion(cloud, plan, { concurrency: 3 });
    expect(result.deleted.sort()).toEqual(['ami-1', 'ami-3']);
    expect(result.failed.map((f) => f.amiId)).toEqual(['ami-2']);
    expect(cloud.deregistered.sort()).toEqual(['ami-1', 'ami-3']);
  });

  it('re-checks image references too (a launch template made after the plan)', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1'));
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1']);
    cloud.referenceMap.set('ami-1', [{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:lt/new' }]);
    const result = await executeDeletion(cloud, plan);
    expect(result.failed[0]!.message).toMatch(/^AMI ami-1 came into use after the plan \(ec2:LaunchTemplate arn:aws:ec2:lt\/new\)/);
    expect(cloud.deregistered).toEqual([]);
  });

  it('never deletes a shared snapshot when a co-owner failed to deregister', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-1', { snapshotIds: ['snap-s'] }), image('ami-2', { snapshotIds: ['snap-s'] }));
    const plan = await planDeletion(cloud, testWorkflow(), ['ami-1', 'ami-2']);
    expect(plan.sharedSnapshots).toEqual([{ id: 'snap-s', usedBy: ['ami-1', 'ami-2'] }]);
    cloud.beforeImageCall = (method, arg) => {
      if (method === 'deregister' && arg === 'ami-1') throw new Error('boom');
    };
    const result = await executeDeletion(cloud, plan);
    expect(result.deleted).toEqual(['ami-2']);
    expect(cloud.deletedSnapshots).toEqual([]);
  });

  it('an AMI with no catalog record, stopped after deregistering: the journal lets a rerun delete its snapshots', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    cloud.imageList.push(image('ami-1', { snapshotIds: ['snap-a', 'snap-b'] }));
    cloud.beforeImageCall = (method) => {
      if (method === 'deleteSnapshot') throw translateAwsError(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }), 'ec2:DeleteSnapshot');
    };
    const first = await executeDeletion(cloud, await planDeletion(cloud, wf, ['ami-1']));
    expect(first.failed[0]!.message).toMatch(/^access denied: not allowed to call ec2:DeleteSnapshot/);
    expect(cloud.imageList).toEqual([]);
    const journal = JSON.parse(await readFile(path.join(wf.dir, '.paw', 'deletions', 'ami-1.json'), 'utf8'));
    expect(journal).toMatchObject({ ami_id: 'ami-1', snapshot_ids: ['snap-a', 'snap-b'], status: 'deleting' });

    cloud.beforeImageCall = undefined;
    const plan = await planDeletion(cloud, wf, ['ami-1']);
    expect(plan.amis[0]).toMatchObject({ alreadyDeregistered: true, snapshots: ['snap-a', 'snap-b'] });
    expect(await executeDeletion(cloud, plan)).toEqual({ deleted: ['ami-1'], failed: [] });
    expect(cloud.deletedSnapshots).toEqual(['snap-a', 'snap-b']);
    expect(cloud.deregistered).toEqual(['ami-1']);
  });

  it('an id never seen (no EC2 image, no record, no journal) is still refused', async () => {
    const cloud = fakeCloud();
    const err = await planDeletion(cloud, testWorkflow(), ['ami-0fff', '../../etc']).catch((e: unknown) => e);
    expect(errorLine(err)).toBe('AMI ami-0fff, ../../etc does not exist in us-east-1 — check the ids (paw-tui amis list); nothing was deleted');
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
