import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/aws/ports.js';
import { errorLine } from '../../src/errors.js';
import { deprecatePruned, deprecationTime, parseAge, planPrune, pruneText } from '../../src/layers/prune.js';
import { executeDeletion } from '../../src/aws/delete.js';
import { fakeCloud, image, testWorkflow } from '../aws/fake-cloud.js';

const NOW = new Date('2026-12-01T00:00:00Z');

function version(workflowId: string, stepId: string, amiId: string, daysAgo: number): CatalogItem {
  const at = new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString().replace('Z', '000+0000');
  return {
    workflow_id: workflowId,
    step_id: stepId,
    ami_id: amiId,
    ami_name: `${workflowId}/${stepId}`,
    create_at: at,
    base_ami_id: 'ami-root',
  } as CatalogItem;
}

/**
 * step1 has five AMIs across six workflow versions (wf-c carried wf-b's AMI over); the current
 * workflow (wf1) records the newest one.
 */
function setup() {
  const cloud = fakeCloud();
  const wf = { ...testWorkflow(), dir: mkdtempSync(path.join(tmpdir(), 'paw-prune-')) };
  cloud.items.push(
    version('wf1', 'step1', 'ami-5', 1),
    version('wf-d', 'step1', 'ami-4', 10),
    version('wf-c', 'step1', 'ami-3', 40),
    version('wf-c2', 'step1', 'ami-3', 35),
    version('wf-b', 'step1', 'ami-2', 60),
    version('wf-a', 'step1', 'ami-1', 90),
  );
  for (const n of [1, 2, 3, 4, 5]) cloud.imageList.push(image(`ami-${n}`));
  return { cloud, wf };
}

const actions = (plan: Awaited<ReturnType<typeof planPrune>>) =>
  plan.steps.find((s) => s.step === 'step1')!.versions.map((v) => [v.ami_id, v.action === 'prune' ? 'prune' : v.reason]);

describe('planPrune', () => {
  it('keeps the newest N distinct AMIs; an AMI carried over to several workflows counts once', async () => {
    const { cloud, wf } = setup();
    const plan = await planPrune(cloud, wf, { keep: 2, now: NOW });
    expect(actions(plan)).toEqual([
      ['ami-5', 'newest'],
      ['ami-4', 'within_keep'],
      ['ami-3', 'prune'],
      ['ami-2', 'prune'],
      ['ami-1', 'prune'],
    ]);
    expect(plan.steps.find((s) => s.step === 'step1')!.versions[2]!.workflow_ids).toEqual(['wf-c2', 'wf-c']);
    // Every workflow version recording ami-3 loses its record with it.
    expect(plan.deletion!.amis.find((d) => d.image.id === 'ami-3')!.catalogItems).toEqual(
      expect.arrayContaining([
        { workflowId: 'wf-c2', stepId: 'step1' },
        { workflowId: 'wf-c', stepId: 'step1' },
      ]),
    );
  });

  it('never the newest, even with --keep 1 and --older-than 0d; never one this workflow records', async () => {
    const { cloud, wf } = setup();
    cloud.items.push(version('wf1', 'step2', 'ami-s2', 400));
    cloud.imageList.push(image('ami-s2'));
    const plan = await planPrune(cloud, wf, { keep: 1, olderThanDays: 0, now: NOW });
    expect(actions(plan)[0]).toEqual(['ami-5', 'newest']);
    expect(plan.steps.find((s) => s.step === 'step2')!.versions.map((v) => v.action)).toEqual(['keep']);
    expect(plan.amiIds).toEqual(['ami-4', 'ami-3', 'ami-2', 'ami-1']);
    const zero = await planPrune(cloud, wf, { keep: 0, now: NOW }).catch((e: unknown) => e);
    expect(errorLine(zero)).toBe('--keep must be 1 or more (the newest AMI of a step is always kept), not 0');
  });

  it('keeps what is in use (instances, launch templates) and what a published parameter holds', async () => {
    const { cloud, wf } = setup();
    cloud.instanceList.push({ id: 'i-live', imageId: 'ami-2', state: 'running' } as never);
    cloud.referenceMap.set('ami-3', [{ resourceType: 'ec2:LaunchTemplate', arn: 'arn:aws:ec2:us-east-1:111122223333:launch-template/lt-1' }]);
    wf.steps[1]!.param.metadata.paw_publish_ssm_parameter = '/golden/pinned';
    cloud.ownParameters.set('/golden/pinned', { name: '/golden/pinned', value: 'ami-1', version: 3, tags: {} });
    const plan = await planPrune(cloud, wf, { keep: 1, now: NOW });
    expect(actions(plan)).toEqual([
      ['ami-5', 'newest'],
      ['ami-4', 'prune'],
      ['ami-3', 'in_use'],
      ['ami-2', 'in_use'],
      ['ami-1', 'published'],
    ]);
    expect(plan.amiIds).toEqual(['ami-4']);
    expect(plan.deletion!.amis.map((d) => d.image.id)).toEqual(['ami-4']);
    const text = pruneText(plan, 'delete');
    expect(text).toContain('  keep      ami-2  wf-b  in use by instance i-live');
    expect(text).toContain('  keep      ami-1  wf-a  published in /golden/pinned');
    expect(text).toContain('  delete    ami-4  wf-d  10 days old');

    await executeDeletion(cloud, plan.deletion!);
    expect(cloud.deregistered).toEqual(['ami-4']);
    expect(cloud.items.map((i) => i.ami_id)).not.toContain('ami-4');
    expect(cloud.items.filter((i) => i.step_id === 'step1')).toHaveLength(5);
  });

  it('--older-than keeps the recent ones; a record whose AMI is gone is left alone', async () => {
    const { cloud, wf } = setup();
    cloud.imageList = cloud.imageList.filter((i) => i.id !== 'ami-1');
    const plan = await planPrune(cloud, wf, { keep: 1, olderThanDays: parseAge('5w'), now: NOW });
    expect(actions(plan)).toEqual([
      ['ami-5', 'newest'],
      ['ami-4', 'recent'],
      ['ami-3', 'prune'],
      ['ami-2', 'prune'],
      ['ami-1', 'ami_gone'],
    ]);
  });

  it('--deprecate sets deprecation on the pruned AMIs at the next whole minute and deletes nothing', async () => {
    const { cloud, wf } = setup();
    const plan = await planPrune(cloud, wf, { keep: 3, now: NOW });
    const done = await deprecatePruned(cloud, plan);
    expect(done).toEqual(['ami-2', 'ami-1']);
    expect(cloud.deprecated.map((d) => d.id)).toEqual(['ami-2', 'ami-1']);
    expect(cloud.deprecated[0]!.at.getUTCSeconds()).toBe(0);
    expect(cloud.deprecated[0]!.at.getTime()).toBeGreaterThan(Date.now());
    expect(cloud.deregistered).toEqual([]);
    expect(deprecationTime(new Date('2026-12-01T10:00:00.000Z')).toISOString()).toBe('2026-12-01T10:01:00.000Z');
  });

  it('reads ages as days or weeks and refuses anything else', () => {
    expect(parseAge('30d')).toBe(30);
    expect(parseAge('4w')).toBe(28);
    expect(parseAge('7')).toBe(7);
    expect(
      errorLine(
        (() => {
          try {
            parseAge('1y');
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).toContain('--older-than must be a number of days like 30d');
  });
});
