import { Box, Text } from 'ink';
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

/**
 * The checks before the build, then Packer's phases with their durations; the newest at the
 * bottom, older ones scrolled off the top when they do not fit.
 */
export function BuildProgress({ state, width, height, now }: { state: BuildState; width: number; height: number; now: number }) {
  const rows: Row[] = state.checks.map((c) => ({
    mark: checkMark[c.status].mark,
    tone: checkMark[c.status].tone,
    text: c.status === 'failed' ? `${c.label}: ${c.detail ?? 'failed'}` : c.detail ? `${c.label}: ${c.detail}` : c.label,
  }));
  const multi = state.builds.length > 1;
  for (const p of state.phases) rows.push(phaseRow(p, state.endedAt ?? now, multi));
  const shown = rows.slice(Math.max(0, rows.length - height));
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((r, i) => (
        <Box key={i} height={1} width={width}>
          <Box flexGrow={1} flexShrink={1} overflow="hidden">
            <Text wrap="truncate" color={r.tone === 'muted' ? undefined : tone(r.tone)}>
              <Text color={tone(r.tone)}>{r.mark}</Text> {oneLine(r.text)}
            </Text>
          </Box>
          {r.right ? (
            <Box flexShrink={0} marginLeft={1}>
              <Text color={tone('muted')}>{r.right}</Text>
            </Box>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
