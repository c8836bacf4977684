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
