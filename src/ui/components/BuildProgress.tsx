import chalk, { type ForegroundColorName } from 'chalk';
import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import type { BuildState, CheckStatus, Phase } from '../../packer/types.js';
import { formatDuration } from '../../duration.js';
import { oneLine } from '../../one-line.js';
import { tone, type Tone } from '../theme.js';

const checkMark: Record<CheckStatus, { mark: string; tone: Tone }> = {
  pending: { mark: '·', tone: 'muted' },
  running: { mark: '…', tone: 'accent' },
  ok: { mark: '✔', tone: 'ok' },
  failed: { mark: '✖', tone: 'error' },
  skipped: { mark: '-', tone: 'muted' },
};

interface Row {
  mark: string;
  tone: Tone;
  text: string;
  right?: string;
}

function phaseRow(p: Phase, now: number, multi: boolean): Row {
  const ended = p.endedAt !== undefined;
  if (p.failed) return { mark: '✖', tone: 'error', text: multi ? `${p.build}: ${p.message}` : p.message };
  return {
    mark: ended ? '✔' : '▸',
    tone: ended ? 'muted' : 'accent',
    text: multi ? `${p.build}: ${p.message}` : p.message,
    right: formatDuration(Math.max(0, (p.endedAt ?? now) - p.startedAt)),
  };
}

const printableAscii = /^[\x20-\x7e]*$/;

/** `text` in the colour of `t` (none when colours are off), as Ink's `<Text color>` writes it. */
function paint(text: string, t: Tone | undefined): string {
  const colour = t && tone(t);
  return colour && text ? chalk[colour as ForegroundColorName](text) : text;
}

/** `text` in at most `width` cells, cut at the end with `…` as Ink's `wrap="truncate"` cuts; and its width. */
function cutEnd(text: string, width: number): { text: string; width: number } {
  const ascii = printableAscii.test(text);
  const full = ascii ? text.length : stringWidth(text);
  if (full <= width) return { text, width: full };
  if (width <= 0) return { text: '', width: 0 };
  if (ascii) return { text: `${text.slice(0, width - 1)}…`, width };
  let kept = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    kept += ch;
    used += w;
  }
  return { text: `${kept}…`, width: used + 1 };
}

/** A row without its mark: the text cut to fit, then its time at the right edge of `width`. */
function rowLine({ tone: rowTone, text, right = '' }: Row, width: number): string {
  const cut = cutEnd(oneLine(text), Math.max(0, width - (right ? right.length + 1 : 0)));
  const line = paint(cut.text, rowTone === 'muted' ? undefined : rowTone);
  return right ? line + ' '.repeat(Math.max(1, width - cut.width - right.length)) + paint(right, 'muted') : line;
}

/**
 * The checks before the build, then Packer's phases with their durations; the newest at the
 * bottom, older ones scrolled off the top when they do not fit. Drawn as two texts, the marks
 * and the rest, each row cut to fit here: Packer may start many phases a second, and a box
 * per row and part of a row made Ink lay out and draw a few hundred nodes a frame; the marks
 * (✔ ▸) apart keep the other text plain ASCII, which string-width counts at once where a glyph
 * would send every row through grapheme segmentation.
 */
export function BuildProgress({ state, width, height, now }: { state: BuildState; width: number; height: number; now: number }) {
  const { checks, phases } = state;
  const first = Math.max(0, checks.length + phases.length - height);
  const shown: Row[] = [];
  for (let i = first; i < checks.length; i++) {
    const c = checks[i]!;
    shown.push({
      mark: checkMark[c.status].mark,
      tone: checkMark[c.status].tone,
      text: c.status === 'failed' ? `${c.label}: ${c.detail ?? 'failed'}` : c.detail ? `${c.label}: ${c.detail}` : c.label,
    });
  }
  const multi = state.builds.length > 1;
  for (let i = Math.max(0, first - checks.length); i < phases.length; i++) shown.push(phaseRow(phases[i]!, state.endedAt ?? now, multi));
  const textWidth = Math.max(0, width - 2);
  return (
    <Box width={width} height={height} overflow="hidden">
      <Box width={2} flexShrink={0}>
        <Text>{shown.map((row) => paint(row.mark, row.tone)).join('\n')}</Text>
      </Box>
      <Box width={textWidth} flexShrink={0}>
        <Text>{shown.map((row) => rowLine(row, textWidth)).join('\n')}</Text>
      </Box>
    </Box>
  );
}
