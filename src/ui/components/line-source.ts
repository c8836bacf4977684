import type { StyledLine } from '../../packer/types.js';
import type { PaneSource } from './TerminalPane.js';

/**
 * A pane source over plain lines (one build's lines, Packer's debug log): the same view the
 * terminal pane draws, without colours.
 */
export function linesSource(lines: () => readonly string[], onChange: (listener: () => void) => () => void): PaneSource {
  return {
    get length() {
      return lines().length;
    },
    view(fromBottom: number, height: number): StyledLine[] {
      const all = lines();
      const end = Math.max(0, all.length - fromBottom);
      return all.slice(Math.max(0, end - height), end).map((text) => (text ? [{ text }] : []));
    },
    lineText: (index: number) => lines()[index] ?? '',
    onChange,
  };
}
