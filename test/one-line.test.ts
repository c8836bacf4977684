import { describe, expect, it } from 'vitest';
import { oneLine, wrapRows } from '../src/one-line.js';

describe('oneLine', () => {
  it('expands tabs to the next stop of 8 and drops what would move the cursor', () => {
    expect(oneLine('a\tbc\td')).toBe('a       bc      d');
    expect(oneLine('one\ntwo\r\nthree')).toBe('one two three');
    expect(oneLine('\x1b[1;31mred\x1b[0m\x07 bell')).toBe('red bell');
  });
});

describe('wrapRows', () => {
  it('breaks at spaces, cuts a word longer than a row, and never loses the end', () => {
    expect(wrapRows('ssh -i ~/k.pem ubuntu@host', 40)).toEqual(['ssh -i ~/k.pem ubuntu@host']);
    expect(wrapRows('ssh -i ~/k.pem ubuntu@host', 16)).toEqual(['ssh -i ~/k.pem', 'ubuntu@host']);
    expect(wrapRows('ssh -i /a/very/long/path.pem ubuntu@h', 12)).toEqual(['ssh -i', '/a/very/long', '/path.pem', 'ubuntu@h']);
    const rows = wrapRows(`ssh -i /${'x'.repeat(100)}.pem ubuntu@ec2-3-88-120-181.compute-1.amazonaws.com`, 80);
    expect(rows.every((r) => r.length <= 80)).toBe(true);
    expect(rows.at(-1)).toMatch(/ ubuntu@ec2-3-88-120-181\.compute-1\.amazonaws\.com$/);
    expect(rows.join('')).toBe(`ssh -i /${'x'.repeat(100)}.pem ubuntu@ec2-3-88-120-181.compute-1.amazonaws.com`.replace(/ (?=\/)/, ''));
  });
});
