import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The disk fills while the text is written: the write of the data fails, as it does on a full disk.
vi.mock('node:fs/promises', async (original) => {
  const real = await original<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (String(args[0]).endsWith('.tmp')) {
        handle.writeFile = () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 }));
      }
      return handle;
    },
  };
});

describe('a write on a full disk', () => {
  it('leaves the file as it was, no temporary file, and one line naming the file', async () => {
    const { writeFileAtomic } = await import('../../src/workflow/atomic.js');
    const { errorLine } = await import('../../src/errors.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'paw-full-'));
    const file = path.join(dir, 'state.json');
    writeFileSync(file, 'old\n');
    const e = await writeFileAtomic(file, 'new\n').then(() => null, (x: unknown) => x);
    expect(errorLine(e)).toBe(`cannot write ${file}: the disk is full (ENOSPC) — free some space on that disk and try again; the file is unchanged`);
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
