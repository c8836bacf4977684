import { afterEach, describe, expect, it, vi } from 'vitest';
import { realPacker } from './real-packer.js';

describe('tests that need the real packer', () => {
  const saved = { PATH: process.env.PATH, CI: process.env.CI };
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.CI === undefined) delete process.env.CI;
    else process.env.CI = saved.CI;
    vi.restoreAllMocks();
  });

  it('fail in CI when packer is missing', () => {
    process.env.PATH = '/nonexistent';
    process.env.CI = 'true';
    expect(() => realPacker()).toThrow(/packer is not installed, and CI must run the tests that need it/);
  });

  it('are skipped elsewhere, with the reason printed', () => {
    process.env.PATH = '/nonexistent';
    delete process.env.CI;
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(realPacker()).toBeNull();
    expect(write).toHaveBeenCalledWith(expect.stringContaining('skipping tests that need the real packer binary'));
  });
});
