/**
 * SIGINT (Ctrl-C), SIGTERM (CI cancel, `docker stop`) and SIGHUP (a closed ssh session) all
 * mean "interrupt": the work in hand is asked to stop cleanly (Packer cleans up, a cloud call in
 * flight is awaited and journaled); the same signal again forces. The exit code says which
 * signal it was: 130, 143, 129.
 */

export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export const SIGNAL_EXIT_CODE: Record<InterruptSignal, 130 | 143 | 129> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Calls `handler` on each interrupting signal with how many have come (1: interrupt, 2 and
 * more: force), instead of the process's other listeners. Returns the function that puts
 * them back. Core code with no screen of its own: the app and the headless commands both use it.
 */
export function onInterruptSignals(handler: (signal: InterruptSignal, count: number) => void): () => void {
  const saved = INTERRUPT_SIGNALS.map((s) => [s, process.listeners(s)] as const);
  let count = 0;
  const listeners = INTERRUPT_SIGNALS.map((s) => {
    const listener = () => handler(s, ++count);
    process.removeAllListeners(s);
    process.on(s, listener);
    return [s, listener] as const;
  });
  return () => {
    for (const [s, l] of listeners) process.removeListener(s, l);
    for (const [s, ls] of saved) for (const l of ls) process.on(s, l as () => void);
  };
}

let blockingWorkDiesOnSignal = true;

/**
 * The full-screen app restores the terminal before it ends on a signal: long synchronous work
 * there keeps the handlers (the signal is handled once the work returns).
 */
export function keepSignalHandlersDuringBlockingWork(): void {
  blockingWorkDiesOnSignal = false;
}

/**
 * Runs synchronous work that may hold the thread a long time (a template render). No JavaScript
 * handler can run meanwhile, so the interrupting signals get their default action until it
 * returns: Ctrl-C ends the process at once, as the signal (a shell shows 130; 143, 129), with
 * nothing written, since everything a render produces is written after it, atomically.
 */
export function interruptibleBlocking<T>(work: () => T): T {
  if (!blockingWorkDiesOnSignal) return work();
  const saved = INTERRUPT_SIGNALS.map((s) => [s, process.listeners(s)] as const);
  for (const s of INTERRUPT_SIGNALS) process.removeAllListeners(s);
  try {
    return work();
  } finally {
    for (const [s, ls] of saved) for (const l of ls) process.on(s, l as () => void);
  }
}
