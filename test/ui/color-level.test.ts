import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/ui/color-level.js';

describe('colour level of the terminal', () => {
  it('is taken from the terminal, whatever CI says', () => {
    expect(colorLevel({ TERM: 'xterm-256color', CI: 'false' }, true)).toBe(2);
    expect(colorLevel({ TERM: 'xterm-256color', CI: 'true', GITHUB_ACTIONS: 'true' }, true)).toBe(2);
    expect(colorLevel({ TERM: 'screen', COLORTERM: 'truecolor', CI: '1' }, true)).toBe(3);
    expect(colorLevel({ TERM: 'xterm' }, true)).toBe(1);
  });

  it('is none without a terminal or on a dumb one', () => {
    expect(colorLevel({ TERM: 'xterm-256color' }, false)).toBe(0);
    expect(colorLevel({ TERM: 'dumb' }, true)).toBe(0);
  });

  it('FORCE_COLOR wins; NO_COLOR keeps styles (the theme drops the colours)', () => {
    expect(colorLevel({ TERM: 'dumb', FORCE_COLOR: '3' }, false)).toBe(3);
    expect(colorLevel({ TERM: 'xterm-256color', FORCE_COLOR: '0' }, true)).toBe(0);
    expect(colorLevel({ FORCE_COLOR: '' }, false)).toBe(1);
    expect(colorLevel({ TERM: 'xterm-256color', NO_COLOR: '1' }, true)).toBe(2);
  });
});
