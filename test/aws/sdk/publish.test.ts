import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AddTagsToResourceCommand, GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../../src/aws/ports.js';
import { ec2Images } from '../../../src/aws/sdk/images.js';
import { ssmParameterStore } from '../../../src/aws/sdk/parameters.js';
import { executePublish, planPublish } from '../../../src/layers/publish.js';
import { fakeCloud, testWorkflow } from '../fake-cloud.js';

/** `publish` over the SDK adapters: the step's recorded AMI goes to PutParameter as an aws:ec2:image, overwriting, tagged. */

const config = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const ec2Mock = mockClient(EC2Client);
const ssmMock = mockClient(SSMClient);
afterEach(() => {
  ec2Mock.reset();
  ssmMock.reset();
});

function setup(holds: string | null) {
  const cloud = Object.assign(fakeCloud(), { images: ec2Images(new EC2Client(config)), parameterStore: ssmParameterStore(new SSMClient(config)) });
  const wf = testWorkflow({ aws_tags: { team: 'infra' } });
  cloud.items.push({ workflow_id: 'wf1', step_id: 'step2', ami_id: 'ami-2', ami_name: 'base/wf1/step2' } as CatalogItem);
  ec2Mock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-2', Name: 'base/wf1/step2', State: 'available', OwnerId: '111122223333' }] });
  ssmMock
    .on(GetParametersCommand)
    .resolves(holds ? { Parameters: [{ Name: '/golden/step2', Value: holds, Version: 3 }] } : { InvalidParameters: ['/golden/step2'] });
  ssmMock.on(PutParameterCommand).resolves({ Version: holds ? 4 : 1 });
  ssmMock.on(AddTagsToResourceCommand).resolves({});
  return { cloud, wf, step: wf.steps[1]! };
}

describe('publish over the SDK', () => {
  it("writes the step's AMI id as aws:ec2:image, overwriting what the parameter held, tagged with the workflow, the step and aws_tags", async () => {
    const { cloud, wf, step } = setup('ami-old');
    const plan = await planPublish(cloud, wf, step, '/golden/step2');
    expect(plan).toMatchObject({ ami_id: 'ami-2', previous: 'ami-old' });
    const result = await executePublish(cloud, wf, step, plan);
    expect(result.version).toBe(4);
    expect(ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: '/golden/step2',
        Value: 'ami-2',
        Type: 'String',
        DataType: 'aws:ec2:image',
        Overwrite: true,
        Description: 'base/wf1/step2 (paw-tui, step step2)',
      },
    ]);
    expect(ssmMock.commandCalls(AddTagsToResourceCommand).map((c) => c.args[0].input)).toEqual([
      {
        ResourceType: 'Parameter',
        ResourceId: '/golden/step2',
        Tags: [
          { Key: 'paw:workflow_id', Value: 'wf1' },
          { Key: 'paw:step_id', Value: 'step2' },
          { Key: 'team', Value: 'infra' },
        ],
      },
    ]);
    expect(JSON.parse(cloud.items[0]!.published_to!)).toEqual(['/golden/step2']);
  });

  it('sends nothing to write when the parameter already holds the AMI', async () => {
    const { cloud, wf, step } = setup('ami-2');
    const result = await executePublish(cloud, wf, step, await planPublish(cloud, wf, step, '/golden/step2'));
    expect(result.version).toBeNull();
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });
});
