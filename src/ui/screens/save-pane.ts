import path from 'node:path';
import { writeFileAtomic } from '../../workflow/atomic.js';
import type { Step } from '../../workflow/types.js';
import type { PaneSource } from '../components/TerminalPane.js';
import { makePawDir } from '../../paw-dir.js';

/** Writes every line a pane holds to `.paw/logs/<step>-<time>-<pane>.txt`; returns the path. */
export async function savePaneText(step: Step, paneId: string, source: PaneSource): Promise<string> {
  const dir = path.join(step.dir, '.paw', 'logs');
  await makePawDir(dir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${step.id}-${stamp}-${paneId.replace(/[^\w-]/g, '_')}.txt`);
  const lines: string[] = [];
  for (let i = 0; i < source.length; i++) lines.push(source.lineText(i).trimEnd());
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  await writeFileAtomic(file, lines.join('\n') + '\n');
  return file;
}
