// Ink's output compositor keeps a row that was written without overlaps as one string
// (patches/ink+6.8.0.patch). These trees are drawn with that path and with Ink's original
// per-cell path, and both frames are read back through a terminal emulator: they must be the
// same cell for cell (character, width, colours and attributes).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import chalk from 'chalk';
import { Box, Text, Transform, renderToString } from 'ink';
import xterm from '@xterm/headless';
import type { ReactElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StyledLine } from '../../src/packer/types.js';
import { Table, type Column } from '../../src/ui/components/Table.js';
import { TerminalPane, type PaneSource } from '../../src/ui/components/TerminalPane.js';

interface OutputClass {
  keepWholeRows: boolean;
  new (options: { width: number; height: number }): { caches: { styledChars: { get(line: string): unknown } } };
}
const inkEntry = createRequire(import.meta.url).resolve('ink');
const Output = (await import(pathToFileURL(path.join(path.dirname(inkEntry), 'output.js')).href)).default as OutputClass;

const levelBefore = chalk.level;
beforeAll(() => {
  chalk.level = 3;
});
afterAll(() => {
  chalk.level = levelBefore;
  Output.keepWholeRows = true;
});

function draw(tree: ReactElement, columns: number, wholeRows: boolean): string {
  Output.keepWholeRows = wholeRows;
  try {
    return renderToString(tree, { columns });
  } finally {
    Output.keepWholeRows = true;
  }
}

type Cell = string;
/** The frame as a terminal shows it: one description per cell. */
async function cells(frame: string, cols: number): Promise<Cell[][]> {
  const rows = frame.split('\n').length + 1;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  await new Promise<void>((resolve) => term.write(frame, resolve));
  const buffer = term.buffer.active;
  const out: Cell[][] = [];
  const cell = buffer.getNullCell();
  for (let y = 0; y < rows; y++) {
    const line = buffer.getLine(y)!;
    const row: Cell[] = [];
    for (let x = 0; x < cols; x++) {
      line.getCell(x, cell);
      row.push(
        [
          JSON.stringify(cell.getChars() || ' '),
          cell.getWidth(),
          `fg${cell.getFgColorMode()}:${cell.getFgColor()}`,
          `bg${cell.getBgColorMode()}:${cell.getBgColor()}`,
          cell.isBold() ? 'b' : '',
          cell.isDim() ? 'd' : '',
          cell.isItalic() ? 'i' : '',
          cell.isUnderline() ? 'u' : '',
          cell.isInverse() ? 'r' : '',
          cell.isStrikethrough() ? 's' : '',
        ].join(' '),
      );
    }
    out.push(row);
  }
  term.dispose();
  return out;
}

function paneSource(lines: StyledLine[]): PaneSource {
  return {
    length: lines.length,
    view: (fromBottom, height) => lines.slice(Math.max(0, lines.length - fromBottom - height), lines.length - fromBottom),
    lineText: (i) => (lines[i] ?? []).map((s) => s.text).join(''),
    onChange: () => () => {},
  };
}

interface Ami {
  id: string;
  name: string;
  state: string;
}
const amiColumns: Column<Ami>[] = [
  { title: 'ID', width: 21, value: (a) => a.id },
  { title: 'NAME', value: (a) => a.name },
  { title: 'STATE', width: 9, value: (a) => a.state, tone: (a) => (a.state === 'available' ? 'ok' : 'warn') },
];
const amis: Ami[] = Array.from({ length: 12 }, (_, i) => ({
  id: `ami-${String(i).padStart(17, '0')}`,
  name: i % 3 === 0 ? `golden/ubuntu-jammy/hardening-${i}-with-a-name-longer-than-the-column` : i % 3 === 1 ? `名前-${i}` : `web-${i}`,
  state: i % 4 === 0 ? 'pending' : 'available',
}));

const paneLines: StyledLine[] = Array.from({ length: 40 }, (_, i) =>
  i % 7 === 0
    ? [{ text: `==> amazon-ebs.ubuntu: Provisioning with shell script ${i}`, fg: '#00cd00', bold: true }]
    : i % 5 === 0
      ? [
          { text: '    amazon-ebs.ubuntu: ', fg: '#00cd00' },
          { text: `Progress 漢字 ✔ ${i}%`, bg: '#0000ee', underline: true },
          { text: ' done', dim: true, italic: true },
        ]
      : [{ text: `    amazon-ebs.ubuntu: Get:${i} jammy-updates/main libc6 2.35-0ubuntu3.${i} [3235 kB] and a tail past the pane's width`, fg: '#cdcd00' }],
);

const trees: Record<string, [ReactElement, number]> = {
  'borders, side by side and nested': [
    <Box>
      <Box borderStyle="round" borderColor="cyan" width={20} flexDirection="column">
        <Text bold>Checks</Text>
        <Text color="green">✔ packer found</Text>
      </Box>
      <Box borderStyle="single" borderDimColor paddingX={1} width={24}>
        <Box borderStyle="double" borderColor="#ff8800">
          <Text>inner</Text>
        </Box>
      </Box>
      <Box borderStyle="bold" borderTop={false} borderLeftColor="red" width={12}>
        <Text underline>open top</Text>
      </Box>
    </Box>,
    70,
  ],
  'backgrounds under text and coloured text': [
    <Box flexDirection="column">
      <Box backgroundColor="blue" width={30} height={3} borderStyle="round">
        <Text color="white">on blue</Text>
      </Box>
      <Box backgroundColor="#303030" paddingLeft={4}>
        <Text backgroundColor="red" inverse>
          red inverse
        </Text>
        <Text> then </Text>
        <Text strikethrough dimColor>
          struck
        </Text>
      </Box>
      <Text>
        <Text color="green">green </Text>
        <Text color="rgb(10,200,30)" bold italic>
          true colour
        </Text>
        <Text color="ansi256(208)"> 256</Text>
      </Text>
    </Box>,
    50,
  ],
  clipping: [
    <Box flexDirection="column">
      <Box width={12} overflow="hidden" borderStyle="single">
        <Text wrap="end">a plain line far longer than the box</Text>
      </Box>
      <Box width={12} overflowX="hidden">
        <Box marginLeft={-3} flexShrink={0} width={30}>
          <Text color="magenta">shifted left, cut on both sides</Text>
        </Box>
      </Box>
      <Box width={9} overflow="hidden">
        <Box flexShrink={0} width={20}>
          <Text>漢字漢字漢字漢字</Text>
        </Box>
      </Box>
      <Box width={20} overflow="hidden" flexDirection="column">
        <Text color="green">✔ fits · as it is…</Text>
        <Text>ends in a zero width{'\u200b'}</Text>
        <Text>{'\u001b[31m✖\u001b[39m wider than the box: cut'}</Text>
      </Box>
      <Box height={2} overflowY="hidden" flexDirection="column">
        <Text>one</Text>
        <Text>two</Text>
        <Text>three (hidden)</Text>
      </Box>
    </Box>,
    40,
  ],
  'wide and combining characters': [
    <Box flexDirection="column">
      <Box>
        <Text>漢字テスト</Text>
        <Text color="yellow">|after wide</Text>
      </Box>
      <Text>
        cafe{'\u0301'} na{'\u0308'}ive and a{'\u200b'}b zero width
      </Text>
      <Box>
        <Box width={7}>
          <Text>한국어</Text>
        </Box>
        <Text>|next</Text>
      </Box>
      <Text wrap="truncate">{'全角文字'.repeat(10)}</Text>
    </Box>,
    30,
  ],
  emoji: [
    <Box flexDirection="column">
      <Text>thumbs 👍🏽 flag 🇯🇵 family 👨‍👩‍👧 heart ❤️ ok</Text>
      <Box>
        <Text color="green">✔</Text>
        <Text> 🚀 launched</Text>
        <Box marginLeft={2}>
          <Text>⚠ warn</Text>
        </Box>
      </Box>
    </Box>,
    50,
  ],
  'transforms and text wider than the screen': [
    <Box flexDirection="column">
      <Transform transform={(line, i) => `${i}> ${line.toUpperCase()}`}>
        <Text>first{'\n'}second</Text>
      </Transform>
      <Box width={60} flexShrink={0}>
        <Text>{'x'.repeat(55)}</Text>
      </Box>
      <Box>
        <Box position="absolute" marginLeft={3}>
          <Text color="red">over</Text>
        </Box>
        <Text>underneath text</Text>
      </Box>
    </Box>,
    40,
  ],
  'raw escapes in text, one left open': [
    <Box flexDirection="column">
      <Box>
        <Text>{'\u001b[44mblue background never closed'}</Text>
        <Box marginLeft={3}>
          <Text>{'\u001b[1mbold \u001b[22mplain \u001b[4;31munder\u001b[0m reset'}</Text>
        </Box>
      </Box>
      <Text>next row</Text>
    </Box>,
    80,
  ],
  'the table': [<Table rows={amis} columns={amiColumns} cursor={2} height={10} width={70} isSelected={(a) => a.state === 'pending'} />, 80],
  'the pane, clipped in a bordered box': [
    <Box flexDirection="column" borderStyle="round" width={60} height={14} overflow="hidden">
      <Text bold>build · step hardening</Text>
      <TerminalPane source={paneSource(paneLines)} width={56} height={11} active={false} />
    </Box>,
    80,
  ],
};

describe('Ink compositor: whole rows are kept as strings', () => {
  for (const [name, [tree, columns]] of Object.entries(trees)) {
    it(`draws ${name} cell for cell as the per-cell path does`, async () => {
      const perCell = draw(tree, columns, false);
      const whole = draw(tree, columns, true);
      expect(perCell.trim()).not.toBe('');
      const a = await cells(perCell, columns);
      const b = await cells(whole, columns);
      for (let y = 0; y < a.length; y++) {
        for (let x = 0; x < columns; x++) {
          if (a[y]![x] !== b[y]![x]) expect(`row ${y} col ${x}: ${b[y]![x]}`).toBe(`row ${y} col ${x}: ${a[y]![x]}`);
        }
      }
    });
  }

  it('keeps SGR colours of text and drops other escapes (cursor moves, clearing)', () => {
    const frame = draw(<Text>{'\u001b[2Ka\u001b[31mb\u001b[39m\u001b[1Ac'}</Text>, 20, true);
    expect(frame).toContain('\u001b[31mb\u001b[39m');
    expect(frame).not.toContain('\u001b[2K');
    expect(frame).not.toContain('\u001b[1A');
  });

  it('keeps a plain row whole: it is never split into styled characters', () => {
    const line = `a row seen once ${Date.now()}`;
    const caches = new Output({ width: 1, height: 1 }).caches;
    draw(<Text color="green">{line}</Text>, 80, true);
    expect(caches.styledChars.get(chalk.green(line))).toBeUndefined();
    draw(<Text color="green">{line}</Text>, 80, false);
    expect(caches.styledChars.get(chalk.green(line))).toBeDefined();
  });

  it('still splits a row when writes overlap (text over a background)', () => {
    const text = `over a background ${Date.now()}`;
    const caches = new Output({ width: 1, height: 1 }).caches;
    draw(
      <Box backgroundColor="blue" width={50}>
        <Text>{text}</Text>
      </Box>,
      60,
      true,
    );
    expect(caches.styledChars.get(chalk.bgBlue(text))).toBeDefined();
  });
});
