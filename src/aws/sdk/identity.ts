import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsCall, type RetryOptions } from '../errors.js';
import type { Identity } from '../ports.js';

export function stsIdentity(sts: STSClient, retry: RetryOptions = {}): Identity {
  return {
    async whoAmI() {
      const out = await awsCall('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})), retry);
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    },
  };
}
