import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './workflow/atomic.js';

/**
 * paw-tui's state folders (`workflow/.paw/`, `<step>/.paw/`) carry their own `.gitignore` of
 * `*`, so a team's `git status` stays clean whatever their own `.gitignore` says (the Python
 * library's step folders do not ignore `.paw/`).
 */
export const PAW_GITIGNORE = '*\n';

/** The `.paw` folder a path lies in (the nearest one above it), if any. */
function pawRootOf(dir: string): string | undefined {
  const parts = path.resolve(dir).split(path.sep);
  const at = parts.lastIndexOf('.paw');
  return at < 0 ? undefined : parts.slice(0, at + 1).join(path.sep) || path.sep;
}

/** mkdir -p of a folder under `.paw/`, then the `.paw/.gitignore` if it is missing. */
export async function makePawDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const root = pawRootOf(dir);
  if (!root) return;
  const ignore = path.join(root, '.gitignore');
  if (!existsSync(ignore)) await writeFileAtomic(ignore, PAW_GITIGNORE);
}
