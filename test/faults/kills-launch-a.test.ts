import { afterAll, describe, expect, it } from 'vitest';
import { removeCliCopy } from '../manual/cli.js';
import { killEveryCallOf } from './kills.js';

afterAll(removeCliCopy);

// manual launch makes the most calls: its kill points are shared with kills-launch-b.
describe('kill points of manual launch (first half)', () => {
  it('every instance is named or terminated after a kill at any cloud call, and none is made twice', async () => {
    expect(await killEveryCallOf(0, { part: 0, of: 2 })).toBeGreaterThanOrEqual(8);
  }, 600_000);
});
