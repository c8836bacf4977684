import { AddTagsToResourceCommand, GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ssmParameterStore } from '../../../src/aws/sdk/parameters.js';

const ssmMock = mockClient(SSMClient);
const store = ssmParameterStore(new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));

afterEach(() => ssmMock.reset());

describe('ssmParameterStore', () => {
  it('writes an AMI id as aws:ec2:image, overwriting, then tags the parameter in a second call', async () => {
    ssmMock.on(PutParameterCommand).resolves({ Version: 4 });
    ssmMock.on(AddTagsToResourceCommand).resolves({});
    const version = await store.putImageId({
      name: '/golden/app',
      amiId: 'ami-0abc',
      description: 'wf/app (paw-tui, step app)',
      tags: { 'paw:step_id': 'app', team: 'infra' },
    });
    expect(version).toBe(4);
    const put = ssmMock.commandCalls(PutParameterCommand);
    expect(put).toHaveLength(1);
    // PutParameter refuses Tags with Overwrite: the tags go through AddTagsToResource.
    expect(put[0]!.args[0].input).toEqual({
      Name: '/golden/app',
      Value: 'ami-0abc',
      Type: 'String',
      DataType: 'aws:ec2:image',
      Overwrite: true,
      Description: 'wf/app (paw-tui, step app)',
    });
    expect(ssmMock.commandCalls(AddTagsToResourceCommand)[0]!.args[0].input).toEqual({
      ResourceType: 'Parameter',
      ResourceId: '/golden/app',
      Tags: [
        { Key: 'paw:step_id', Value: 'app' },
        { Key: 'team', Value: 'infra' },
      ],
    });
  });

  it('reads parameters ten names per call and leaves out the ones SSM does not know', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `/p/${i}`);
    ssmMock.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.filter((n) => n !== '/p/3').map((n) => ({ Name: n, Value: `ami-${n.slice(3)}`, Version: 2 })),
      InvalidParameters: input.Names.filter((n) => n === '/p/3'),
    }));
    const found = await store.get(names);
    expect(ssmMock.commandCalls(GetParametersCommand).map((c) => c.args[0].input.Names!.length)).toEqual([10, 2]);
    expect(found).toHaveLength(11);
    expect(found[0]).toEqual({ name: '/p/0', value: 'ami-0', version: 2 });
  });
});
