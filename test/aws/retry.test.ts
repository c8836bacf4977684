import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, retryConfig } from '../../src/aws/retry.js';
import { openAwsCloud } from '../../src/aws/sdk/cloud.js';
import { errorLine } from '../../src/errors.js';
import { ec2Error, ec2Images, fakeEndpoint, type Reply } from './endpoint.js';

/**
 * The one retry layer is the SDK's: the clients of openAwsCloud retry a throttled call
 * themselves (the stand-in endpoint counts the attempts), and what they give up on is
 * reported once, with the attempts made.
 */

const saved = { ...process.env };
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
  for (const k of ['AWS_ENDPOINT_URL', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

async function cloudAnswering(answer: (action: string, n: number) => Reply) {
  let n = 0;
  const e = await fakeEndpoint((action) => answer(action, ++n));
  close = e.close;
  process.env.AWS_ENDPOINT_URL = e.url;
  const cloud = await openAwsCloud({
    sandbox: false,
    workflowDir: process.cwd(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    table: { name: 't', source: 'test' },
  });
  return { cloud, calls: e.calls };
}

const throttled = () => ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503);

describe('retry policy', () => {
  it('is the SDK’s adaptive mode with our attempts, unless the user set theirs', () => {
    expect(retryConfig({})).toEqual({ maxAttempts: MAX_ATTEMPTS, retryMode: 'adaptive' });
    expect(retryConfig({ AWS_MAX_ATTEMPTS: '2', AWS_RETRY_MODE: 'standard' })).toEqual({});
  });

  it('a throttled call is retried by the SDK client and then succeeds', async () => {
    delete process.env.AWS_MAX_ATTEMPTS;
    delete process.env.AWS_RETRY_MODE;
    const { cloud, calls } = await cloudAnswering((_action, n) => (n <= 2 ? throttled() : ec2Images([{ id: 'ami-0123456789abcdef0', name: 'x' }])));
    const found = await cloud.images.describe(['ami-0123456789abcdef0']);
    await cloud.close();
    expect(found.map((i) => i.id)).toEqual(['ami-0123456789abcdef0']);
    expect(calls.map((c) => c.action)).toEqual(Array(3).fill('ec2:DescribeImages'));
  }, 20_000);

  it('throttling that outlasts the attempts is one line naming them', async () => {
    process.env.AWS_MAX_ATTEMPTS = '2';
    const { cloud, calls } = await cloudAnswering(() => throttled());
    const err = await cloud.images.describe(['ami-0123456789abcdef0']).catch((e: unknown) => e);
    await cloud.close();
    expect(errorLine(err)).toBe(
      'AWS throttled ec2:DescribeImages after 2 attempts — too many requests in this account and region; wait a minute and try again',
    );
    expect(calls).toHaveLength(2);
  }, 20_000);
});
