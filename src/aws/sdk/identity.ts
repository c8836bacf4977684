import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsCall } from '../errors.js';
import type { Identity } from '../ports.js';

/** For the lazy loader: the client comes from this module, not from a dynamic import of the SDK. */
export { STSClient } from '@aws-sdk/client-sts';

export function stsIdentity(sts: STSClient): Identity {
  return {
    async whoAmI() {
      const out = await awsCall('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    },
  };
}
