import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCreateAt } from '../../src/aws/create-at.js';
import { pythonJsonDumps, rawImageOfDetails } from '../../src/aws/details.js';
import { toAmiImage } from '../../src/aws/sdk/images.js';
import { catalogItem, ensureCatalogTable, recordAmi } from '../../src/aws/record.js';
import { errorLine } from '../../src/errors.js';
import { fakeCloud, image, testWorkflow } from './fake-cloud.js';

describe('formatCreateAt', () => {
  it('writes %Y-%m-%dT%H:%M:%S.%f+0000 in UTC with six fraction digits', () => {
    expect(formatCreateAt(new Date('2024-06-13T12:00:00Z'))).toBe('2024-06-13T12:00:00.000000+0000');
    expect(formatCreateAt(new Date('2024-01-02T03:04:05.678+02:00'))).toBe('2024-01-02T01:04:05.678000+0000');
  });
});

describe('catalogItem', () => {
  it('matches, attribute for attribute, the item the Python library writes for the same image', async () => {
    const wf = testWorkflow();
    const step = wf.steps[1]!;
    // image.json: a DescribeImages image; item.json: what the library's create_dynamodb_item
    // stores for it (made by make_item.py from the library's dataclass and pynamodb attributes).
    const dir = path.join(import.meta.dirname, '../fixtures/python-lib/catalog');
    const raw: unknown = JSON.parse(await readFile(path.join(dir, 'image.json'), 'utf8'));
    const python = JSON.parse(await readFile(path.join(dir, 'item.json'), 'utf8')) as Record<string, string>;
    const item = catalogItem(wf, step, toAmiImage(raw), {
      region: 'eu-west-1',
      baseAmiId: 'ami-step1',
      baseAmiName: 'ubuntu/images/x/wf1/step1',
      buildMethod: 'manual',
    });
    const { build_method, ...common } = item;
    expect(Object.keys(common).sort()).toEqual(Object.keys(python).sort());
    for (const key of Object.keys(python)) expect([key, common[key as keyof typeof common]]).toEqual([key, python[key]]);
    expect(build_method).toBe('manual');
    expect(item.create_at).toBe('2024-06-13T12:34:56.000000+0000');
    expect(rawImageOfDetails(item.details)).toEqual(raw);
  });

  it('reads the raw EC2 image from details in either shape', () => {
    const raw = { ImageId: 'ami-1', Name: 'n' };
    expect(rawImageOfDetails(JSON.stringify(raw))).toEqual(raw);
    expect(rawImageOfDetails(JSON.stringify({ id: 'ami-1', name: 'n', tags: {}, data: raw }))).toEqual(raw);
    expect(rawImageOfDetails('not json')).toEqual({});
  });

  it('writes details and metadata as Python json.dumps does (separators, ASCII escapes)', () => {
    expect(pythonJsonDumps({ a: 'é—x', b: [1, true, null], c: { d: '"\\' } })).toBe('{"a": "\\u00e9\\u2014x", "b": [1, true, null], "c": {"d": "\\"\\\\"}}');
  });

  it('adds packer_version and duration_s as strings when known', () => {
    const wf = testWorkflow();
    const item = catalogItem(wf, wf.steps[0]!, image('ami-1'), {
      region: 'us-east-1',
      baseAmiId: 'ami-root',
      baseAmiName: 'root',
      buildMethod: 'packer',
      packerVersion: '1.6.6',
      durationS: 312.4,
    });
    expect(item.packer_version).toBe('1.6.6');
    expect(item.duration_s).toBe('312');
  });
});

describe('ensureCatalogTable', () => {
  it('refuses to create a missing table headless without --yes, naming --yes', async () => {
    const cloud = fakeCloud();
    cloud.table = false;
    const err = await ensureCatalogTable(cloud, { yes: false }).catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      'catalog table paw_ami_catalog does not exist in us-east-1 — pass --yes to create it, or create it yourself (hash workflow_id, range step_id, index step_id_index)',
    );
    expect(cloud.table).toBe(false);
  });

  it('creates it after the user agrees, or with --yes', async () => {
    const cloud = fakeCloud();
    cloud.table = false;
    const questions: string[] = [];
    await ensureCatalogTable(cloud, {
      yes: false,
      ask: async (q) => {
        questions.push(q);
        return true;
      },
    });
    expect(questions).toEqual(['The catalog table paw_ami_catalog does not exist in us-east-1. Create it?']);
    expect(cloud.table).toBe(true);
    cloud.table = false;
    await ensureCatalogTable(cloud, { yes: true });
    expect(cloud.table).toBe(true);
  });
});

describe('recordAmi', () => {
  it('records an existing AMI with the base from its packer tags', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    cloud.imageList.push(image('ami-2', { tags: { 'packer:base_ami_id': 'ami-1', 'packer:base_ami_name': 'one' } }));
    const item = await recordAmi(cloud, wf, wf.steps[1]!, 'ami-2', { yes: false });
    expect(cloud.items).toEqual([item]);
    expect(item).toMatchObject({ step_id: 'step2', ami_id: 'ami-2', base_ami_id: 'ami-1', base_ami_name: 'one' });
  });

  it('takes the base of an untagged AMI from the previous step’s record', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    cloud.imageList.push(image('ami-1'), image('ami-2'));
    await recordAmi(cloud, wf, wf.steps[0]!, 'ami-1', { yes: false });
    const item = await recordAmi(cloud, wf, wf.steps[1]!, 'ami-2', { yes: false });
    expect(item).toMatchObject({ base_ami_id: 'ami-1', base_ami_name: 'name-of-ami-1' });
    expect(cloud.items.find((i) => i.step_id === 'step1')).toMatchObject({ base_ami_id: 'ami-root' });
  });

  it('refuses an unknown AMI id before writing anything', async () => {
    const cloud = fakeCloud();
    cloud.table = false;
    const wf = testWorkflow();
    const err = await recordAmi(cloud, wf, wf.steps[0]!, 'ami-nope', { yes: true }).catch((e: unknown) => e);
    expect(errorLine(err)).toBe('AMI ami-nope does not exist in us-east-1 — check the id and the region (--region) or account (--profile) in use');
    expect(cloud.table).toBe(false);
    expect(cloud.items).toEqual([]);
  });

  it('writes nothing when the table is missing headless without --yes', async () => {
    const cloud = fakeCloud();
    cloud.table = false;
    cloud.imageList.push(image('ami-1'));
    const wf = testWorkflow();
    const err = await recordAmi(cloud, wf, wf.steps[0]!, 'ami-1', { yes: false }).catch((e: unknown) => e);
    expect(errorLine(err)).toContain('does not exist in us-east-1 — pass --yes to create it');
    expect(cloud.items).toEqual([]);
  });
});
