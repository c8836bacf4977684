import { readFileSync } from 'node:fs';

/**
 * A process as it can be told apart from a later one that got the same pid (in a container the
 * next process is often pid 1 again): its pid and when it started.
 */
export interface ProcessIdentity {
  pid: number;
  /**
   * Linux: field 22 of `/proc/<pid>/stat` (clock ticks after boot). Null where there is no
   * /proc: then only the pid is checked.
   */
  start: string | null;
}

/** When the process started, or null when that cannot be read (no /proc, or it is gone). */
export function processStart(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at field 3: field 22 is at index 19.
  return fields[19] ?? null;
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, start: processStart(process.pid) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote a record still runs: its pid is there and, where the start
 * time can be read, it is the same process, not a later one that reused the pid.
 */
export function processAlive(who: { pid: number; pidStart?: string | null }): boolean {
  if (!pidAlive(who.pid)) return false;
  if (!who.pidStart) return true;
  const now = processStart(who.pid);
  return now === null || now === who.pidStart;
}
