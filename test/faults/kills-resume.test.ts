import { afterAll, describe, expect, it } from 'vitest';
import { removeCliCopy } from '../manual/cli.js';
import { killEveryCallOf } from './kills.js';

afterAll(removeCliCopy);

describe('kill points of manual resume', () => {
  it('every instance is named or terminated after a kill at any cloud call, and none is made twice', async () => {
    expect(await killEveryCallOf(2)).toBeGreaterThanOrEqual(11);
  }, 600_000);
});
