import { createElement } from 'react';
import type { Cloud } from '../aws/ports.js';
import type { AppOptions } from './context.js';

export type { AppOptions } from './context.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

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
  const [{ render }, { App }, { KeyDispatch }] = await asAtTerminal(() =>
    Promise.all([import('ink'), import('./app.js'), import('./hooks/useKeys.js')]),
  );
  let cloud: Cloud | null = null;
  let code = 0;
  // Work that fails outside any screen (a stray promise) is shown in the app like any error,
  // instead of ending it with a stack trace.
  const report: { show: (e: unknown) => void } = { show: () => undefined };
  const onStray = (e: unknown) => report.show(e);
  process.on('unhandledRejection', onStray);
  process.on('uncaughtException', onStray);
  process.stdout.write(ENTER_ALT_SCREEN);
  // Ctrl-C is an action inside the app (raw mode); a signal from outside still ends it cleanly.
  const instance = render(
    createElement(
      KeyDispatch,
      null,
      createElement(App, {
        options: opts,
        onCloud: (c: Cloud | null) => (cloud = c),
        onQuit: (c: number) => (code = c),
        onErrorReporter: (show: (e: unknown) => void) => (report.show = show),
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
    process.stdout.write(LEAVE_ALT_SCREEN);
    await (cloud as Cloud | null)?.close().catch(() => undefined);
  }
  return code;
}
