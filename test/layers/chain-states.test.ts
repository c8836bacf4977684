// The chain as every face shows it: a look for a newer Ubuntu that fails is said, never taken
// silently for "there is none".
import { afterAll, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { PawError } from '../../src/errors.js';
import { chainStates, newerBaseUnknown } from '../../src/layers/states.js';
import { manualWorkflow } from '../manual/fixture.js';

const opened: Cloud[] = [];
afterAll(async () => {
  for (const c of opened) await c.close();
});

describe('chainStates', () => {
  it('finds the newer jammy the sandbox holds', async () => {
    const { workflow, cloud } = await manualWorkflow();
    opened.push(cloud);
    const chain = await chainStates(cloud, workflow);
    expect(chain.newerBase?.name).toMatch(/ubuntu-jammy-22\.04-amd64-server-20240720$/);
    expect(chain.newerBaseError).toBeNull();
  });

  it('says why when the look for a newer Ubuntu fails, and judges the steps without it', async () => {
    const { workflow, cloud } = await manualWorkflow();
    opened.push(cloud);
    const refusing: Cloud = Object.assign(Object.create(cloud) as Cloud, {
      images: {
        ...cloud.images,
        findByNamePattern: () => Promise.reject(new PawError('not allowed to call ec2:DescribeImages')),
      },
    });
    const chain = await chainStates(refusing, workflow);
    expect(chain.newerBase).toBeNull();
    expect(chain.newerBaseError).toContain('not allowed to call ec2:DescribeImages');
    expect(newerBaseUnknown(chain.newerBaseError!)).toMatch(/^whether a newer Ubuntu is out could not be checked: not allowed/);
    // app is recorded on the root AMI; no newer_base reason is made up for it.
    const app = chain.states.find((s) => s.step === 'app');
    expect(app?.stale_reasons.some((r) => r.kind === 'newer_base')).toBe(false);
  });
});
