import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { FILE_PROBLEMS, PawError } from '../errors.js';
import { processAlive } from '../locks/process.js';

/** Logs, journals and keys: only the user may read what may name a secret or a resource. */
export const PRIVATE_FILE_MODE = 0o600;

/** writeFileAtomic for a file only the user may read (a journal, a log, a key). */
export function writePrivateFileAtomic(file: string, text: string | Uint8Array): Promise<void> {
  return writeFileAtomic(file, text, PRIVATE_FILE_MODE);
}

/**
 * Writes a file so that a reader (or a crash) sees either the old text or the new one, never a
 * half-written file: the text goes to a temporary file in the same folder (same file system, so
 * rename is atomic), is flushed to disk, then renamed over the target.
 */
export async function writeFileAtomic(file: string, text: string | Uint8Array, mode?: number): Promise<void> {
  const dir = path.dirname(file);
  // Replacing a file keeps its permissions unless told otherwise.
  mode ??= await stat(file).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  await removeLeftoverTemps(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${tempSuffix()}.tmp`);
  const handle = await open(temp, 'wx', mode ?? 0o644);
  try {
    try {
      await handle.writeFile(text);
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    // A failed write (a full disk) names no file by itself: the one line at the edge names it.
    if (e && typeof e === 'object' && !('path' in e)) Object.assign(e, { path: file });
    throw e;
  }
  await syncDir(dir);
}

let tempsMade = 0;

/**
 * Hex digits that no other temporary file of this process has: a count, and 32 random bits for
 * a process that reuses an earlier one's id (`wx` refuses a name taken all the same). Not
 * node:crypto, which is a few milliseconds of the first frame.
 */
function tempSuffix(): string {
  tempsMade++;
  const random = Math.floor(Math.random() * 0x1_0000_0000);
  return `${tempsMade.toString(16)}${random.toString(16).padStart(8, '0')}`;
}

/** Flushes the folder entry so the rename itself survives a power loss (best effort). */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename has still happened.
  } finally {
    await handle?.close();
  }
}

/** Temporary files of earlier writes of `file` whose process died mid-write (killed, power cut). */
async function removeLeftoverTemps(file: string): Promise<void> {
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)(\.[0-9a-f]+)?\.tmp$/.exec(name.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || processAlive({ pid })) continue;
    await rm(path.join(path.dirname(file), name), { force: true }).catch(() => undefined);
  }
}


/**
 * A failed read or write of a file the user owns, as one line naming the file and what to fix,
 * instead of an "unexpected error". Anything else is passed through.
 */
export function fileSystemError(e: unknown, doing: 'read' | 'write', shownAs: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const problem = code ? FILE_PROBLEMS[code] : undefined;
  if (!problem) return e;
  return new PawError(`cannot ${doing} ${shownAs}: ${problem.what} (${code})`, { hint: problem.fix(shownAs), cause: e });
}
