import { describe, expect, it } from 'vitest';
import { awsCall, translateAwsError, withRetry } from '../../src/aws/errors.js';
import { errorLine, PawError } from '../../src/errors.js';

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
    ['RequestLimitExceeded', 'AWS kept throttling ec2:DescribeImages — too many requests'],
    ['Throttling', 'AWS kept throttling ec2:DescribeImages — too many requests'],
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
    expect(errorLine(translateAwsError(e, 'ec2:CreateImage'))).toBe(
      'ec2:CreateImage failed: Value (x) for parameter name is invalid.',
    );
  });
});

describe('withRetry', () => {
  it('retries throttled calls and returns the first success', async () => {
    let calls = 0;
    const out = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw awsError('ThrottlingException', 'Rate exceeded');
        return 'ok';
      },
      { baseMs: 1 },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after the retries with the throttling error', async () => {
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        throw awsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      },
      { retries: 3, baseMs: 1, action: 'ec2:DeregisterImage' },
    );
    await expect(run).rejects.toThrow(PawError);
    await expect(run).rejects.toThrow('AWS kept throttling ec2:DeregisterImage');
    expect(calls).toBe(4);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    await expect(
      awsCall('ec2:DescribeImages', async () => {
        calls++;
        throw awsError('UnauthorizedOperation');
      }),
    ).rejects.toThrow('access denied: not allowed to call ec2:DescribeImages');
    expect(calls).toBe(1);
  });
});
