import { describe, expect, it } from 'vitest';
import { killBuildAt } from './kills-build.js';

describe('kill points of a build (b)', () => {
  it('everything a killed build made is named by runs or doctor, ended by runs terminate, and made once', async () => {
    expect(await killBuildAt({ part: 1, of: 2 })).toBe(3);
  }, 600_000);
});
