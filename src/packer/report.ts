import { formatDuration } from '../duration.js';
import type { BuildState, Phase, PreflightCheck } from './types.js';

/**
 * The text the headless `build` and `validate` commands print for a build's state: one line
 * per check, one per phase, and the closing summary. Plain text, no colour codes.
 */

const MARK: Record<PreflightCheck['status'], string> = {
  pending: ' ',
  running: '…',
  ok: '✓',
  failed: '✗',
  skipped: '-',
};

export function checkLine(check: PreflightCheck): string {
  return `${MARK[check.status]} ${check.label}${check.detail ? `: ${check.detail}` : ''}`;
}

export function phaseLine(phase: Phase, now = Date.now()): string {
  return `  ${formatDuration((phase.endedAt ?? now) - phase.startedAt).padStart(6)}  ${phase.build}: ${phase.message}`;
}

/** The lines after a build: phases with their durations, ids, the log, the outcome (notes are printed as they come). */
export function summaryLines(state: BuildState): string[] {
  const lines: string[] = [];
  if (state.phases.length) {
    lines.push('phases:');
    for (const p of state.phases) lines.push(phaseLine(p, state.endedAt));
  }
  if (state.instanceId) lines.push(`build instance: ${state.instanceId}`);
  if (state.logPath) lines.push(`log: ${state.logPath}`);
  if (state.debugLogPath) lines.push(`packer debug log: ${state.debugLogPath}`);
  const took = formatDuration((state.endedAt ?? Date.now()) - state.startedAt);
  if (state.status === 'succeeded' && state.amiId) lines.push(`built ${state.amiId} for step ${state.stepId} in ${took}`);
  return lines;
}
