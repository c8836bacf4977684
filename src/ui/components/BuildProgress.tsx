import { Box, Text } from 'ink';
import { memo } from 'react';
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
  /** Stays with its check or phase while older rows scroll off, so a row is drawn again only when it changes. */
  key: string;
  mark: string;
  tone: Tone;
  text: string;
  right?: string;
}

function phaseRow(p: Phase, index: number, now: number, multi: boolean): Row {
  const ended = p.endedAt !== undefined;
  const key = `phase:${index}`;
  if (p.failed) return { key, mark: '✖', tone: 'error', text: multi ? `${p.build}: ${p.message}` : p.message };
  return {
    key,
    mark: ended ? '✔' : '▸',
    tone: ended ? 'muted' : 'accent',
    text: multi ? `${p.build}: ${p.message}` : p.message,
    right: formatDuration(Math.max(0, (p.endedAt ?? now) - p.startedAt)),
  };
}

const printableAscii = /^[\x20-\x7e]*$/;

/**
 * One row; Ink lays out and truncates it again only when one of its strings changed. The mark
 * is a text of its own and a text too long for the row is cut here, with its `…` apart: the
 * text Ink measures is then plain ASCII, which string-width counts at once, where a glyph in
 * it would send the whole row through grapheme segmentation (a millisecond a row, and Packer
 * may start many phases a second).
 */
const ProgressRow = memo(function ProgressRow({ mark, tone: rowTone, text, right, width }: Omit<Row, 'key'> & { width: number }) {
  const plain = oneLine(text);
  // Columns left for the text: the mark and a space before it, the time and a space after it.
  const room = Math.max(0, width - 2 - (right ? right.length + 1 : 0));
  const cut = plain.length > room && printableAscii.test(plain);
  const color = rowTone === 'muted' ? undefined : tone(rowTone);
  return (
    <Box height={1} width={width}>
      <Box flexShrink={0} marginRight={1}>
        <Text color={tone(rowTone)}>{mark}</Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} overflow="hidden">
        <Text wrap="truncate" color={color}>
          {cut ? plain.slice(0, Math.max(0, room - 1)) : plain}
        </Text>
        {cut && room > 0 ? <Text color={color}>…</Text> : null}
      </Box>
      {right ? (
        <Box flexShrink={0} marginLeft={1}>
          <Text color={tone('muted')}>{right}</Text>
        </Box>
      ) : null}
    </Box>
  );
});

/**
 * The checks before the build, then Packer's phases with their durations; the newest at the
 * bottom, older ones scrolled off the top when they do not fit. Only the rows in view are made.
 */
export function BuildProgress({ state, width, height, now }: { state: BuildState; width: number; height: number; now: number }) {
  const { checks, phases } = state;
  const first = Math.max(0, checks.length + phases.length - height);
  const shown: Row[] = [];
  for (let i = first; i < checks.length; i++) {
    const c = checks[i]!;
    shown.push({
      key: `check:${c.id}`,
      mark: checkMark[c.status].mark,
      tone: checkMark[c.status].tone,
      text: c.status === 'failed' ? `${c.label}: ${c.detail ?? 'failed'}` : c.detail ? `${c.label}: ${c.detail}` : c.label,
    });
  }
  const multi = state.builds.length > 1;
  for (let i = Math.max(0, first - checks.length); i < phases.length; i++) shown.push(phaseRow(phases[i]!, i, state.endedAt ?? now, multi));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map(({ key, ...row }) => (
        <ProgressRow key={key} {...row} width={width} />
      ))}
    </Box>
  );
}
