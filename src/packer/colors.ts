/**
 * xterm's 256-colour palette as `#rrggbb`: the 16 system colours, the 6×6×6 cube, then 24
 * greys. A palette cell in the headless terminal holds only the index; the pane needs a colour.
 */
const SYSTEM = [
  '#000000',
  '#cd0000',
  '#00cd00',
  '#cdcd00',
  '#0000ee',
  '#cd00cd',
  '#00cdcd',
  '#e5e5e5',
  '#7f7f7f',
  '#ff0000',
  '#00ff00',
  '#ffff00',
  '#5c5cff',
  '#ff00ff',
  '#00ffff',
  '#ffffff',
];

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function buildPalette(): string[] {
  const table = [...SYSTEM];
  const steps = [0, 95, 135, 175, 215, 255];
  for (let r = 0; r < 6; r++) for (let g = 0; g < 6; g++) for (let b = 0; b < 6; b++) table.push(`#${hex2(steps[r]!)}${hex2(steps[g]!)}${hex2(steps[b]!)}`);
  for (let i = 0; i < 24; i++) {
    const v = 8 + i * 10;
    table.push(`#${hex2(v)}${hex2(v)}${hex2(v)}`);
  }
  return table;
}

export const PALETTE_256: readonly string[] = buildPalette();

export function rgbHex(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}
