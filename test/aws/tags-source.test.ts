import { describe, expect, it } from 'vitest';
import { sourceAmi } from '../../src/aws/source.js';
import { amiTags, tagAmi } from '../../src/aws/tags.js';
import { fakeCloud, image, testWorkflow } from './fake-cloud.js';

describe('amiTags', () => {
  it('gives SPEC §4 tags, with the user’s aws_tags winning', () => {
    const wf = testWorkflow({ aws_tags: { team: 'platform', Name: 'custom-name' } });
    expect(amiTags(wf, wf.steps[1]!, { sourceAmiId: 'ami-1', sourceAmiName: 'one' })).toEqual({
      Name: 'custom-name',
      'packer:base_ami_id': 'ami-1',
      'packer:base_ami_name': 'one',
      'packer:root_base_ami_id': 'ami-root',
      'packer:root_base_ami_name': 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/',
      'paw:workflow_id': 'wf1',
      'paw:step_id': 'step2',
      team: 'platform',
    });
  });

  it('names the AMI <root without trailing slash>/<workflow>/<step> and tags its snapshots too', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    await tagAmi(cloud, wf, wf.steps[0]!, image('ami-9', { snapshotIds: ['snap-a', 'snap-b'] }), {
      sourceAmiId: 'ami-root',
      sourceAmiName: 'root',
    });
    expect(cloud.tagCalls).toHaveLength(1);
    expect(cloud.tagCalls[0]!.ids).toEqual(['ami-9', 'snap-a', 'snap-b']);
    expect(cloud.tagCalls[0]!.tags.Name).toBe('ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240607/wf1/step1');
  });
});

describe('sourceAmi', () => {
  it('is the root base AMI for the first step', async () => {
    const cloud = fakeCloud();
    cloud.imageList.push(image('ami-root'));
    const wf = testWorkflow();
    expect(await sourceAmi(cloud, wf, wf.steps[0]!)).toEqual({ id: 'ami-root', name: wf.param.root_base_ami_name });
  });

  it('is the previous step’s recorded AMI, which must still be available', async () => {
    const cloud = fakeCloud();
    const wf = testWorkflow();
    await expect(sourceAmi(cloud, wf, wf.steps[1]!)).rejects.toThrow('step step1 has no AMI recorded for workflow wf1');
    cloud.items.push({ workflow_id: 'wf1', step_id: 'step1', ami_id: 'ami-1' } as never);
    await expect(sourceAmi(cloud, wf, wf.steps[1]!)).rejects.toThrow('the AMI of step step1 (ami-1) is gone from EC2, not available');
    cloud.imageList.push(image('ami-1', { state: 'pending' }));
    await expect(sourceAmi(cloud, wf, wf.steps[1]!)).rejects.toThrow('is pending, not available');
    cloud.imageList = [image('ami-1')];
    expect(await sourceAmi(cloud, wf, wf.steps[1]!)).toEqual({ id: 'ami-1', name: 'name-of-ami-1' });
  });
});
