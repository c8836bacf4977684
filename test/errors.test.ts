import { describe, expect, it } from 'vitest';
import { errorLine, PawError, UsageError } from '../src/errors.js';

describe('errorLine', () => {
  it('gives the message and the hint of a user error, a line the app wrote as it is, and flags defects', () => {
    expect(errorLine(new PawError('table missing', { hint: 'pass --yes' }))).toBe('table missing — pass --yes');
    expect(errorLine(new UsageError('bad id'))).toBe('bad id');
    expect(errorLine('the build is still running')).toBe('the build is still running');
    expect(errorLine(new TypeError('x is undefined'))).toBe('unexpected error: x is undefined');
  });
});

describe('a full disk, a read-only file system, a refused permission', () => {
  it('is one line naming the file and what to do, not an unexpected error', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    expect(errorLine(Object.assign(full, { path: '/w/.paw/run.json' }))).toBe(
      'cannot write /w/.paw/run.json: the disk is full (ENOSPC) — free some space on that disk and try again; the file is unchanged',
    );
    const readOnly = Object.assign(new Error('EROFS'), { code: 'EROFS', syscall: 'mkdir', path: '/w/.paw' });
    expect(errorLine(readOnly)).toMatch(/^cannot create the folder \/w\/\.paw: the file system is read-only \(EROFS\) — /);
  });
});
