import chalk from 'chalk';
import { createElement } from 'react';
import type { Cloud } from '../aws/ports.js';
import { BuildJobs } from '../packer/build-jobs.js';
import { colorLevel } from './color-level.js';
import type { AppOptions } from './context.js';

export type { AppOptions } from './context.js';

/*
 * The mouse wheel: alternate scroll mode (1007) asks the terminal to send ↑/↓ for the wheel
 * while the alternate screen shows, so the wheel moves lists and scrolls panes through the same
 * keys. Full mouse reporting (1000/1006) is left off on purpose: it would take the mouse from the
 * terminal, and selecting text to copy (an AMI id, a log line) would need Shift in most terminals.
 */
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[?1007h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1007l\x1b[?1049l';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_EXIT: Record<(typeof STOP_SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function lastLines(terminal: { length: number; lineText(i: number): string }, count: number): string[] {
  const lines: string[] = [];
  for (let i = terminal.length - 1; i >= 0 && lines.length < count; i--) {
    const text = terminal.lineText(i).trimEnd();
    if (text) lines.unshift(text);
  }
  return lines;
}

const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * The app runs only on a terminal, where a person watches it. Ink decides once, when it loads,
 * to draw only the last frame if the environment says CI; a terminal inside a CI job (or a test
 * driving the app in tmux) must still see every frame.
 */
async function asAtTerminal<T>(load: () => Promise<T>): Promise<T> {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of CI_VARIABLES) process.env[name] = 'false';
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/**
 * Opens the full-screen app and resolves with the exit code when the user leaves it. The home
 * screen draws at once; the workflow and the cloud load after the first frame.
 */
export async function runApp(opts: AppOptions): Promise<number> {
  // Chalk (Ink's styles) first, with the level of this terminal: the CI trick below must not
  // decide the colours.
  chalk.level = colorLevel(process.env, process.stdout.isTTY === true);
  // One module for the rest of the first frame: each module loaded is a step of its own.
  const { render, App, KeyDispatch } = await asAtTerminal(() => import('./first-frame.js'));
  let cloud: Cloud | null = null;
  let code = 0;
  // Work that fails outside any screen (a stray promise) is shown in the app like any error,
  // instead of ending it with a stack trace.
  const report: { show: (e: unknown) => void; stopping: (why: string) => void } = { show: () => undefined, stopping: () => undefined };
  const onStray = (e: unknown) => report.show(e);
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  const builds = new BuildJobs();
  // A terminal that closed under the app (a dropped ssh session, a killed tmux) fails every write
  // with EIO: from then on there is nothing to draw on, and nothing to restore.
  let terminalGone = false;
  const onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EIO' || e.code === 'EPIPE') terminalGone = true;
    else report.show(e);
  };
  process.stdout.on('error', onStdoutError);
  const write = (text: string) => {
    if (terminalGone) return;
    try {
      process.stdout.write(text);
    } catch {
      terminalGone = true;
    }
  };
  write(ENTER_ALT_SCREEN);
  // Ctrl-C is an action inside the app (raw mode). A signal from outside ends it as a confirmed
  // Ctrl-C would: running builds are interrupted and cleaned up, then the terminal is restored.
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: (typeof STOP_SIGNALS)[number]) => {
    if (signalled) return;
    signalled = signal;
    code = SIGNAL_EXIT[signal];
    const running = builds.running().map((j) => j.stepId);
    if (running.length) report.stopping(`${signal}: interrupting ${running.join(', ')} — Packer is cleaning up…`);
    void builds.interruptAll().then(() => instance.unmount());
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  const instance = render(
    createElement(
      KeyDispatch,
      null,
      createElement(App, {
        options: opts,
        onCloud: (c: Cloud | null) => (cloud = c),
        onQuit: (c: number) => (code = c),
        onErrorReporter: (show: (e: unknown) => void) => (report.show = show),
        onStopReporter: (stopping: (why: string) => void) => (report.stopping = stopping),
        builds,
      }),
    ),
    { exitOnCtrlC: false, patchConsole: true, maxFps: 30 },
  );
  try {
    await instance.waitUntilExit();
  } catch {
    code = 1;
  } finally {
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
    instance.cleanup();
    write(LEAVE_ALT_SCREEN);
    // What became of each build, with the last lines of Packer (its clean-up), on the main screen.
    for (const job of builds.list()) {
      const state = job.session?.state;
      if (!state || !(signalled || state.status === 'interrupted')) continue;
      const tail = job.session?.terminal ? lastLines(job.session.terminal, 10) : [];
      write(`paw-tui: build of ${job.stepId}: ${state.error ?? state.status}\n${tail.map((l) => `  ${l}\n`).join('')}`);
    }
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
    builds.dispose();
    // Work the closing screens interrupted lets go of its step locks (and their leases, through
    // the cloud) a moment later: wait for that before the cloud closes and the process ends.
    await import('../locks/step-lock.js').then((m) => m.locksReleased(5000)).catch(() => undefined);
    await (cloud as Cloud | null)?.close().catch(() => undefined);
    process.stdout.off('error', onStdoutError);
  }
  // Hung up: end as the signal would, once everything above is cleaned up. An exit by code would
  // have Node put a terminal that is gone back into its first mode, which aborts the process.
  if (signalled === 'SIGHUP') {
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  }
  return code;
}
