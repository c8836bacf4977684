import { describe, expect, it } from 'vitest';
import { awsCall, translateAwsError } from '../../src/aws/errors.js';
import { errorLine } from '../../src/errors.js';

function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('translateAwsError', () => {
  it.each([
    ['ExpiredToken', 'AWS credentials have expired — refresh them'],
    ['ExpiredTokenException', 'AWS credentials have expired — refresh them'],
    ['CredentialsProviderError', 'no AWS credentials found — set profile_name'],
    ['AccessDenied', 'access denied: not allowed to call ec2:DescribeImages — grant ec2:DescribeImages'],
    ['UnauthorizedOperation', 'access denied: not allowed to call ec2:DescribeImages — grant ec2:DescribeImages'],
    ['RequestLimitExceeded', 'AWS throttled ec2:DescribeImages after 1 attempt — too many requests'],
    ['Throttling', 'AWS throttled ec2:DescribeImages after 1 attempt — too many requests'],
    ['InvalidAMIID.NotFound', 'not found (ec2:DescribeImages): InvalidAMIID.NotFound — check the id'],
  ])('%s → one actionable line', (name, start) => {
    const line = errorLine(translateAwsError(awsError(name), 'ec2:DescribeImages'));
    expect(line.startsWith(start)).toBe(true);
    expect(line).not.toContain('\n');
  });

  it('recognises the default chain’s “could not load credentials” message', () => {
    const e = new Error('Could not load credentials from any providers');
    expect(translateAwsError(e, 'sts:GetCallerIdentity').message).toBe('no AWS credentials found');
  });

  it('keeps an unknown failure’s own message, naming the action', () => {
    const e = awsError('InvalidParameterValue', 'Value (x) for parameter name is invalid.\nmore');
    expect(errorLine(translateAwsError(e, 'ec2:CreateImage'))).toBe('ec2:CreateImage failed: Value (x) for parameter name is invalid.');
  });
});

describe('awsCall', () => {
  it('retries nothing itself: a throttled answer is reported with the attempts the SDK made', async () => {
    let calls = 0;
    const err = await awsCall('ec2:DeregisterImage', async () => {
      calls++;
      throw Object.assign(awsError('RequestLimitExceeded', 'Request limit exceeded.', 503), { $metadata: { httpStatusCode: 503, attempts: 5 } });
    }).catch((e: unknown) => e);
    expect(errorLine(err)).toBe(
      'AWS throttled ec2:DeregisterImage after 5 attempts — too many requests in this account and region; wait a minute and try again',
    );
    expect(calls).toBe(1);
  });

  it('translates other failures', async () => {
    await expect(
      awsCall('ec2:DescribeImages', async () => {
        throw awsError('UnauthorizedOperation');
      }),
    ).rejects.toThrow('access denied: not allowed to call ec2:DescribeImages');
  });
});
