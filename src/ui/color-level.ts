/**
 * How many colours the terminal shows: 0 none (no styles at all), 1 basic 16, 2 256, 3 true
 * colour. Decided here, from the terminal itself, because chalk's own detection gives up on
 * any CI variable, and the app sets one while Ink loads (see run.ts).
 *
 * NO_COLOR and `--no-color` keep level 1: they drop colours (theme.ts), not bold or inverse, so
 * the highlighted row stays visible. FORCE_COLOR wins over the terminal, as everywhere.
 */
export type ColorLevel = 0 | 1 | 2 | 3;

export function colorLevel(env: NodeJS.ProcessEnv, isTTY: boolean): ColorLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    if (force === 'false') return 0;
    const n = Number.parseInt(force, 10);
    if (Number.isInteger(n)) return Math.max(0, Math.min(3, n)) as ColorLevel;
    return 1;
  }
  if (!isTTY || env.TERM === 'dumb') return 0;
  const colorterm = (env.COLORTERM ?? '').toLowerCase();
  if (colorterm === 'truecolor' || colorterm === '24bit') return 3;
  const term = (env.TERM ?? '').toLowerCase();
  if (/-direct$|-truecolor$/.test(term)) return 3;
  if (/256/.test(term)) return 2;
  return 1;
}
