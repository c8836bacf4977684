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
