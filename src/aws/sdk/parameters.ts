import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { awsCall, type RetryOptions } from '../errors.js';
import type { PublicParameters } from '../ports.js';
import { allPages } from './pages.js';

/** For the lazy loader: the client comes from this module, not from a dynamic import of the SDK. */
export { SSMClient } from '@aws-sdk/client-ssm';

/** SSM parameters under a path (Ubuntu's public AMI parameters), all pages. */
export function ssmParameters(ssm: SSMClient, retry: RetryOptions = {}): PublicParameters {
  return {
    byPath(path) {
      return allPages(async (token) => {
        const out = await awsCall(
          'ssm:GetParametersByPath',
          () => ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: true, MaxResults: 10, NextToken: token })),
          retry,
        );
        const items = (out.Parameters ?? []).flatMap((p) => (p.Name && p.Value !== undefined ? [{ name: p.Name, value: p.Value }] : []));
        return { items, next: out.NextToken };
      });
    },
  };
}
