import { describe, expect, it } from 'vitest';
import { oneLine } from '../src/one-line.js';

describe('oneLine', () => {
  it('expands tabs to the next stop of 8 and drops what would move the cursor', () => {
    expect(oneLine('a\tbc\td')).toBe('a       bc      d');
    expect(oneLine('one\ntwo\r\nthree')).toBe('one two three');
    expect(oneLine('\x1b[1;31mred\x1b[0m\x07 bell')).toBe('red bell');
  });
});
