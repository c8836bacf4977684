import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import { afterEach, describe, expect, it } from 'vitest';
import type { StyledLine } from '../../src/packer/types.js';
import { ansiLine } from '../../src/ui/components/ansi-line.js';
import { TerminalPane, type PaneSource } from '../../src/ui/components/TerminalPane.js';
import { tick } from './fixtures.js';

const ESC = '\x1b';

function source(lines: StyledLine[]): PaneSource {
  return {
    length: lines.length,
    view: (fromBottom, height) => lines.slice(Math.max(0, lines.length - fromBottom - height), lines.length - fromBottom),
    lineText: (i) => (lines[i] ?? []).map((s) => s.text).join(''),
    onChange: () => () => undefined,
  };
}

const noColor = process.env.NO_COLOR;
afterEach(() => {
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
});

describe('ansiLine', () => {
  it('gives system colours their own codes (the user theme), others 256-colour or RGB codes', () => {
    delete process.env.NO_COLOR;
    const line: StyledLine = [
      { text: '==> ', fg: '#00cd00', bold: true },
      { text: 'amazon-ebs: ', fg: '#ff0000' },
      { text: 'orange', fg: '#ffaf00', bg: '#0000ee' },
      { text: ' rgb', fg: '#123456', underline: true },
      { text: ' plain' },
    ];
    expect(ansiLine(line, 80)).toBe(
      `${ESC}[1;32m==> ${ESC}[0m${ESC}[91mamazon-ebs: ${ESC}[0m${ESC}[38;5;214;44morange${ESC}[0m${ESC}[4;38;2;18;52;86m rgb${ESC}[0m plain`,
    );
  });

  it('cuts the line at the width, wide characters counted as two cells', () => {
    const line: StyledLine = [{ text: 'abcdef', fg: '#cd0000' }, { text: 'ghij' }];
    expect(stripAnsi(ansiLine(line, 8))).toBe('abcdefgh');
    expect(stripAnsi(ansiLine([{ text: 'ab日本語' }], 5))).toBe('ab日');
    expect(ansiLine(line, 3)).toBe(`${ESC}[31mabc${ESC}[0m`);
  });

  it('drops colours under NO_COLOR and keeps bold, underline and inverse', () => {
    process.env.NO_COLOR = '1';
    const line: StyledLine = [
      { text: 'error', fg: '#cd0000', bold: true },
      { text: ' here', fg: '#cd0000' },
    ];
    expect(ansiLine(line, 80)).toBe(`${ESC}[1merror${ESC}[0m here`);
    expect(ansiLine(line, 80, true)).toBe(`${ESC}[1;7merror${ESC}[0m${ESC}[7m here${ESC}[0m`);
  });
});

/** Every SGR parameter in the text, in order. */
function sgrParams(text: string): string[] {
  return [...text.matchAll(/\x1b\[([\d;]*)m/g)].flatMap((m) => m[1]!.split(';'));
}

describe('TerminalPane drawing', () => {
  it('draws each line with its colours and cuts long lines to the pane width', async () => {
    delete process.env.NO_COLOR;
    const long = 'x'.repeat(50) + 'END';
    const app = render(
      <TerminalPane
        source={source([[{ text: '==> amazon-ebs.ubuntu: ', fg: '#00cd00', bold: true }, { text: 'Waiting for SSH' }], [{ text: long, fg: '#cd0000' }]])}
        width={30}
        height={3}
        active={false}
      />,
    );
    await tick();
    const frame = app.lastFrame() ?? '';
    const rows = frame.split('\n');
    // The colour reaches the screen as the SGR codes of the process's own colours (one
    // sequence may carry several: 1;32 is bold green).
    expect(sgrParams(rows[0]!)).toContain('32');
    expect(sgrParams(rows[0]!)).toContain('1');
    expect(stripAnsi(rows[0]!)).toBe('==> amazon-ebs.ubuntu: Waiting');
    expect(sgrParams(rows[1]!)).toContain('31');
    expect(stripAnsi(rows[1]!)).toBe('x'.repeat(30));
    expect(frame).not.toContain('END');
    app.unmount();
  });
});
