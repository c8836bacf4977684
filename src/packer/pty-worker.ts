import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * A process in a pseudo-terminal whose output is read on a thread of its own.
 *
 * A pseudo-terminal holds little (about 64 KB on Linux): while the main thread draws a frame or
 * parses output, a process writing at full speed soon waits for it to read. Reading there,
 * the writer and the main thread take turns. On a thread of its own, the reading goes on while
 * the main thread works, and what was read waits in a batch: the writer goes on writing, and
 * the main thread takes a whole batch at a time, with less work per piece.
 *
 * The batches are bounded: the thread stops reading once `cap` characters wait, and sends no
 * more than the main thread asks for, so the screen stays as close behind the process as it
 * does when reading on the main thread. Whatever the process wrote is read before the terminal
 * goes: the process runs under a shell that waits, after it, until the thread has read its end
 * mark (holdingShell), and a thread that stopped reading reads on once the process is gone.
 * node-pty lives on that thread whole (spawn, reads, writes, resizes and the exit), so one
 * thread owns the terminal's file descriptor. The pid is the holding shell's, which leads the
 * terminal's process group.
 */

/** What the thread sends: output in order, then the exit (after all of the output). */
type FromThread = { data: string } | { exit: { exitCode: number; signal?: number } };
/** What the main thread sends: ask for the next batch, keys to type, a new size. */
type ToThread = 'more' | { write: string } | { resize: [cols: number, rows: number] };
type Started = { pid: number } | { error: string };

export interface PtyOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}

export interface ThreadPty {
  readonly pid: number;
  /**
   * The next batch of output may come. Each batch asks for none after it on its own: the
   * reader asks once it can take one more, so output waits in the thread, not in the emulator.
   */
  more(): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Output as it comes, in batches; then the exit, once all of it was handed on. */
  onData(listener: (data: string) => void): void;
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void): void;
  /** No more output is handed on; the process is killed if it still runs (its exit still comes). */
  dispose(): void;
}

/**
 * How often a thread that stopped reading looks whether the process is still there: well
 * within the 200 ms node-pty waits for the last output of a process that ended.
 */
const GONE_CHECK_MS = 50;

/** How long a piece that may start the end mark waits for the rest of it. */
const HELD_MS = 50;

/**
 * How long the holding shell waits for the reader to have read everything, in tenths of a
 * second (stty's `time`, at most 255): only a main thread stopped that long loses the end.
 */
const HOLD_TENTHS = 100;

/**
 * The shell the process runs under. On Linux, what a pty still holds when its last writer
 * closes is partly lost: the process's last output (Packer's "AMIs were created" block comes
 * just before its exit) must be read before the terminal goes. After the process, the shell
 * prints an end mark and waits for a key, which the reading thread types once it has read the
 * mark (and so everything before it); if the terminal cannot be set up for that wait, it holds
 * the terminal open a moment instead. Its own INT trap is a no-op, so an interrupt reaches only
 * the process, which handles it.
 */
function holdingShell(endMark: string): string {
  const printed = endMark.replace('\x1b', '\\033').replace('\x07', '\\007');
  return [
    'trap : INT',
    '"$@"',
    'code=$?',
    // Keys typed ahead and never read are let go first: only the thread's key ends the wait.
    `if stty -echo -icanon min 0 time 0 2>/dev/null; then dd bs=4096 count=1 >/dev/null 2>&1; stty time ${HOLD_TENTHS}; printf '${printed}'; dd bs=1 count=1 >/dev/null 2>&1; else sleep 0.2; fi`,
    'exit $code',
  ].join('; ');
}

/** How long starting may take before it counts as failed (a thread and node-pty to load). */
const START_TIMEOUT_MS = 15_000;

// CommonJS, run as the thread's whole program (Worker `eval`), in a function so it can return.
const THREAD_SOURCE = `(() => {
  const { workerData, parentPort } = require('node:worker_threads');
  const { ptyModule, file, args, options, cap, endMark, replies, started } = workerData;
  const flag = new Int32Array(started);
  // A thread that ends before it answered (node-pty ending it as it loads) says so at once.
  process.on('exit', () => {
    if (Atomics.load(flag, 0) !== 0) return;
    Atomics.store(flag, 0, 2);
    Atomics.notify(flag, 0);
  });
  const tell = (message) => {
    replies.postMessage(message);
    replies.close();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  let child;
  try {
    child = require(ptyModule).spawn(file, args, options);
  } catch (e) {
    tell({ error: String(e && e.message ? e.message : e) });
    return;
  }
  tell({ pid: child.pid });
  let pending = [];
  let size = 0;
  let wanted = true;
  let paused = false;
  let ended = false;
  // Once the process is gone, node-pty waits only a moment for the output left in the pty:
  // the reading stops only while the process lives, and it is looked for while stopped.
  let gone = false;
  let watch = null;
  const resume = () => {
    if (!paused || ended) return;
    paused = false;
    clearInterval(watch);
    child.resume();
  };
  const pause = () => {
    paused = true;
    child.pause();
    watch = setInterval(() => {
      try {
        process.kill(child.pid, 0);
      } catch {
        gone = true;
        resume();
      }
    }, ${GONE_CHECK_MS});
  };
  const send = () => {
    wanted = false;
    const data = pending.length === 1 ? pending[0] : pending.join('');
    pending = [];
    size = 0;
    resume();
    parentPort.postMessage({ data });
  };
  const take = (text) => {
    if (!text) return;
    pending.push(text);
    size += text.length;
    if (wanted) send();
    else if (size >= cap && !paused && !gone) pause();
  };
  // The holding shell's end mark: everything before it was read, so the shell may let the
  // terminal go (it waits for a key). The mark itself is no output. A piece at the end of a
  // read that may be the start of the mark waits for the next read (a moment at most).
  let held = '';
  let heldTimer = null;
  child.onData((chunk) => {
    let text = held + chunk;
    held = '';
    clearTimeout(heldTimer);
    const at = text.indexOf(endMark);
    if (at !== -1) {
      text = text.slice(0, at) + text.slice(at + endMark.length);
      child.write('\\r');
    } else {
      const esc = text.lastIndexOf('\\x1b');
      if (esc !== -1 && endMark.startsWith(text.slice(esc))) {
        held = text.slice(esc);
        text = text.slice(0, esc);
        heldTimer = setTimeout(() => {
          const rest = held;
          held = '';
          take(rest);
        }, ${HELD_MS});
      }
    }
    take(text);
  });
  // node-pty may tell the exit from inside its native callback, where anything thrown (the
  // thread being ended included) aborts the whole process: the rest waits until it returned.
  // The thread then ends on its own, once nothing is left for it to do.
  child.onExit(({ exitCode, signal }) => {
    ended = true;
    setImmediate(() => {
      clearInterval(watch);
      clearTimeout(heldTimer);
      if (held) pending.push(held);
      size += held.length;
      held = '';
      if (size) send();
      parentPort.postMessage({ exit: signal ? { exitCode, signal } : { exitCode } });
      parentPort.close();
    });
  });
  parentPort.on('message', (m) => {
    if (m === 'more') {
      if (size) send();
      else wanted = true;
    } else if (ended) return;
    else if (typeof m.write === 'string') child.write(m.write);
    else if (m.resize) {
      try {
        child.resize(m.resize[0], m.resize[1]);
      } catch {}
    }
  });
})();`;

const requireCjs = createRequire(import.meta.url);

/**
 * Starts `file` in a pseudo-terminal on a thread of its own. Returns once the process runs
 * (its pid is known at once, as with node-pty on the main thread); throws what node-pty threw.
 * `ptyModule`: where node-pty is (tests give a broken one).
 */
export function spawnOnThread(file: string, args: string[], options: PtyOptions, cap = 64 * 1024, ptyModule = requireCjs.resolve('node-pty')): ThreadPty {
  // An OSC sequence no terminal acts on, with a token of its own: output that happens to hold
  // the same text cannot end the wait early.
  const token = Array.from({ length: 4 }, () =>
    Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  const endMark = `\x1b]6973;paw-end-${token}\x07`;
  const started = new SharedArrayBuffer(4);
  const { port1: replies, port2: theirReplies } = new MessageChannel();
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: {
      ptyModule,
      file: '/bin/sh',
      args: ['-c', holdingShell(endMark), 'paw-tui', file, ...args],
      options,
      cap,
      endMark,
      replies: theirReplies,
      started,
    },
    transferList: [theirReplies],
    // The thread reads output and hands it on: it needs no more than a small heap.
    resourceLimits: { maxOldGenerationSizeMb: 64 },
    // Nothing the thread might print (a warning) may reach the screen Ink draws.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  const flag = new Int32Array(started);
  // The thread answers once node-pty has spawned (tens of milliseconds): the caller gets the
  // pid at once, as it would from node-pty here.
  const waited = Atomics.wait(flag, 0, 0, START_TIMEOUT_MS);
  const reply = receiveMessageOnPort(replies)?.message as Started | undefined;
  replies.close();
  if (waited === 'timed-out' || !reply || 'error' in reply) {
    void worker.terminate();
    if (reply && 'error' in reply) throw new Error(reply.error);
    throw new Error(`the terminal for ${file} did not start${waited === 'timed-out' ? ` within ${START_TIMEOUT_MS / 1000} s` : ': its reading thread ended'}`);
  }
  const pid = reply.pid;
  const dataListeners: ((data: string) => void)[] = [];
  const exitListeners: ((exit: { exitCode: number; signal?: number }) => void)[] = [];
  let running = true;
  const post = (message: ToThread) => {
    if (running) worker.postMessage(message);
  };
  worker.on('message', (message: FromThread) => {
    if ('data' in message) {
      for (const l of dataListeners) l(message.data);
      return;
    }
    running = false;
    for (const l of exitListeners) l(message.exit);
    // The thread ends on its own (ending it from here could cut into node-pty's native exit
    // callback, which aborts the process); it no longer keeps the process alive meanwhile.
    worker.unref();
  });
  worker.on('error', () => {
    if (!running) return;
    running = false;
    // The thread failed (out of memory...): the process is stopped, as it can no longer be read.
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    for (const l of exitListeners) l({ exitCode: 1 });
  });
  return {
    pid,
    more: () => post('more'),
    write: (data) => post({ write: data }),
    resize: (cols, rows) => post({ resize: [cols, rows] }),
    onData: (listener) => void dataListeners.push(listener),
    onExit: (listener) => void exitListeners.push(listener),
    dispose() {
      dataListeners.length = 0;
      if (!running) return;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}
