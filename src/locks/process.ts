import { readdirSync, readFileSync } from 'node:fs';

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

/** The fields of `/proc/<pid>/stat` from field 3 on, or null where they cannot be read. */
function statFields(pid: number): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** When the process started, or null when that cannot be read (no /proc, or it is gone). */
export function processStart(pid: number): string | null {
  // Fields after the name start at field 3: field 22 is at index 19.
  return statFields(pid)?.[19] ?? null;
}

/**
 * A process that has ended but was not reaped yet (its parent died too, and nothing reaps
 * orphans in the container): it still answers signals, yet it runs no more.
 */
function ended(fields: string[] | null): boolean {
  return fields?.[0] === 'Z' || fields?.[0] === 'X';
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, start: processStart(process.pid) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !ended(statFields(pid));
}

/**
 * Whether a process of the group `leader` leads still runs (a Packer left by a paw-tui that
 * died, with its plugins). Members that ended but were not reaped do not count; where there is
 * no /proc to tell, a group that answers signals runs.
 */
export function groupAlive(leader: number | undefined): boolean {
  if (leader === undefined) return false;
  try {
    process.kill(-leader, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    const fields = statFields(Number(pid));
    // Field 5, the process group, is at index 2.
    return fields !== null && fields[2] === String(leader) && !ended(fields);
  });
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
