import { describe, expect, it } from 'vitest';
import { killBuildAt } from './kills-build.js';

describe('kill points of a build (a)', () => {
  it('everything a killed build made is named by runs or doctor, ended by runs terminate, and made once', async () => {
    expect(await killBuildAt({ part: 0, of: 2 })).toBe(4);
  }, 600_000);
});
