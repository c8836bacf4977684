import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { createImageInput, freeOutputName } from '../../src/manual/image.js';
import { emptyJournal } from '../../src/manual/journal.js';
import { fakeCloud, image, testWorkflow } from '../aws/fake-cloud.js';

const NAME = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/wf1/step2';

describe('the output name of a manual image', () => {
  it('is free when no image holds it', async () => {
    const wf = testWorkflow();
    expect(await freeOutputName(fakeCloud(), wf, wf.steps[1]!)).toEqual({ name: NAME, deregistered: [] });
  });

  it('is freed from a failed image of an earlier attempt, which is deregistered', async () => {
    const wf = testWorkflow();
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-0aaaaaaaaaaaaaaa1', { name: NAME, state: 'failed' }));
    expect(await freeOutputName(cloud, wf, wf.steps[1]!)).toEqual({ name: NAME, deregistered: ['ami-0aaaaaaaaaaaaaaa1'] });
    expect(cloud.deregistered).toEqual(['ami-0aaaaaaaaaaaaaaa1']);
  });

  it('held by a usable image, is refused with the way to free it, and nothing is deregistered', async () => {
    const wf = testWorkflow();
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-0bbbbbbbbbbbbbbb2', { name: NAME, state: 'pending' }));
    const e = await freeOutputName(cloud, wf, wf.steps[1]!).catch((x: unknown) => x);
    expect(errorLine(e)).toBe(
      `output AMI name "${NAME}" is taken by ami-0bbbbbbbbbbbbbbb2 (pending) — delete it (paw-tui amis delete ami-0bbbbbbbbbbbbbbb2), then: paw-tui manual step2 image`,
    );
    expect(cloud.deregistered).toEqual([]);
  });
});

describe("CreateImage's input", () => {
  it('names the instance, the output name and the tags of the image, its source included', () => {
    const wf = testWorkflow({ aws_tags: { team: 'platform' } });
    const journal = { ...emptyJournal('wf1', 'step2'), instanceId: 'i-0abc', sourceAmiId: 'ami-src', sourceAmiName: 'src-name' };
    const input = createImageInput(wf, wf.steps[1]!, journal, NAME);
    expect(input).toMatchObject({ instanceId: 'i-0abc', name: NAME, description: 'paw-tui manual build of wf1/step2 from ami-src' });
    expect(input.tags).toMatchObject({
      Name: NAME,
      'packer:base_ami_id': 'ami-src',
      'packer:base_ami_name': 'src-name',
      'paw:workflow_id': 'wf1',
      'paw:step_id': 'step2',
      team: 'platform',
    });
  });
});
