import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { PawError } from '../../errors.js';
import { awsCall, isNotFound } from '../errors.js';

/** For the lazy loader: the client comes from this module, not from a dynamic import of the SDK. */
export { IAMClient };

/** Whether an instance profile of this name exists (EC2 cannot tell; IAM can). */
export async function instanceProfileExists(iam: IAMClient, name: string): Promise<boolean> {
  try {
    await awsCall('iam:GetInstanceProfile', () => iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name })));
    return true;
  } catch (e) {
    if (e instanceof PawError && isNotFound(e.cause)) return false;
    throw e;
  }
}
