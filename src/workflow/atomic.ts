import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

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
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
    throw e;
  }
  await syncDir(dir);
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
