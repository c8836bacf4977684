import { AddTagsToResourceCommand, GetParametersByPathCommand, GetParametersCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { awsCall } from '../errors.js';
import type { ImageParameter, ParameterStore, PublicParameters } from '../ports.js';
import { allPages } from './pages.js';

/** For the lazy loader: the client comes from this module, not from a dynamic import of the SDK. */
export { SSMClient } from '@aws-sdk/client-ssm';

/** SSM parameters under a path (Ubuntu's public AMI parameters), all pages. */
export function ssmParameters(ssm: SSMClient): PublicParameters {
  return {
    byPath(path) {
      return allPages(async (token) => {
        const out = await awsCall('ssm:GetParametersByPath', () =>
          ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: true, MaxResults: 10, NextToken: token })),
        );
        const items = (out.Parameters ?? []).flatMap((p) => (p.Name && p.Value !== undefined ? [{ name: p.Name, value: p.Value }] : []));
        return { items, next: out.NextToken };
      });
    },
  };
}

/** GetParameters takes at most ten names per call. */
const GET_PARAMETERS_MAX = 10;

/** The account's own parameters that hold AMI ids. */
export function ssmParameterStore(ssm: SSMClient): ParameterStore {
  return {
    async putImageId({ name, amiId, description, tags }) {
      const out = await awsCall('ssm:PutParameter', () =>
        ssm.send(new PutParameterCommand({ Name: name, Value: amiId, Type: 'String', DataType: 'aws:ec2:image', Overwrite: true, Description: description })),
      );
      const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      if (tagList.length) {
        await awsCall('ssm:AddTagsToResource', () => ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: name, Tags: tagList })));
      }
      return out.Version ?? 0;
    },
    async get(names) {
      const found: ImageParameter[] = [];
      for (let i = 0; i < names.length; i += GET_PARAMETERS_MAX) {
        const out = await awsCall('ssm:GetParameters', () => ssm.send(new GetParametersCommand({ Names: names.slice(i, i + GET_PARAMETERS_MAX) })));
        for (const p of out.Parameters ?? []) {
          if (p.Name && p.Value !== undefined) found.push({ name: p.Name, value: p.Value, version: p.Version ?? 0 });
        }
      }
      return found;
    },
  };
}
