import { appendFile, open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { redactSecrets } from './redact.js';
import type { DebugLogTail } from './types.js';

/**
 * Follows a file another process appends to (Packer's PACKER_LOG_PATH): reads only the new
 * bytes a few times a second, keeps the last `maxLines` lines, redacted before anyone sees them.
 * With `copyTo`, every redacted line is also appended to that file (the run's `.debug.log`), so
 * the copy paw-tui keeps never held a secret.
 */
export interface FollowedDebugLog extends DebugLogTail {
  /** Reads what is left (once Packer has exited), then stops following. */
  finish(): Promise<void>;
}

export function tailDebugLog(file: string, options: { maxLines?: number; intervalMs?: number; copyTo?: string } = {}): FollowedDebugLog {
  const maxLines = options.maxLines ?? 2_000;
  const listeners = new Set<() => void>();
  let lines: string[] = [];
  let offset = 0;
  let partial = '';
  let reading = false;
  let disposed = false;
  const copy = async (clean: string[]) => {
    if (options.copyTo && clean.length) await appendFile(options.copyTo, clean.join('\n') + '\n', { mode: 0o600 }).catch(() => undefined);
  };

  async function readNew(): Promise<void> {
    if (reading || disposed) return;
    reading = true;
    try {
      const handle = await open(file, 'r').catch(() => null);
      if (!handle) return;
      try {
        const { size } = await handle.stat();
        if (size < offset) offset = 0;
        if (size === offset) return;
        const buffer = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        offset += bytesRead;
        const text = partial + buffer.subarray(0, bytesRead).toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        if (!parts.length) return;
        const clean = parts.map((l) => redactSecrets(l.replace(/\r$/, '')));
        await copy(clean);
        lines = lines.concat(clean);
        if (lines.length > maxLines) lines = lines.slice(-maxLines);
        for (const l of listeners) l();
      } finally {
        await handle.close();
      }
    } finally {
      reading = false;
    }
  }

  const timer = setInterval(() => void readNew(), options.intervalMs ?? 250);
  timer.unref();

  return {
    path: file,
    lines: () => lines,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      disposed = true;
      clearInterval(timer);
      listeners.clear();
    },
    async finish() {
      await readNew();
      while (reading) await sleep(10);
      await readNew();
      if (partial) {
        const clean = redactSecrets(partial);
        partial = '';
        await copy([clean]);
        lines = lines.concat(clean).slice(-maxLines);
      }
      clearInterval(timer);
    },
  };
}
