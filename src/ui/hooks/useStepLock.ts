import { useCallback, useEffect, useState } from 'react';
import { PawError } from '../../errors.js';
import { holderWhere, lockFileHolder, StepLockedError } from '../../locks/step-lock.js';
import type { Step } from '../../workflow/types.js';
import type { AppContext } from '../context.js';
import { keysLabel } from '../keys.js';
import { formatDuration } from '../../duration.js';

/** How often a screen looks again at a lock held by a live run of this machine. */
export const LOCK_RETRY_MS = 2000;

export interface StepLockWait {
  /** The lock error the screen met last, until the lock is free or taken. */
  locked: StepLockedError | null;
  /** The holder runs here: the screen waits for it by itself. */
  waiting: boolean;
  /** Shows a lock error in the app's words; false for any other error (the screen reports it). */
  caught: (e: unknown) => boolean;
  /** Asks (naming the holder), then calls `take` to go on with the lock taken. */
  offerTake: (ask: (text: string) => Promise<boolean>) => Promise<void>;
}

/**
 * A step locked by another run, as a screen shows it: the holder, and the way on. When the
 * holder is a live process of this machine, it only has to end: the lock file is looked at
 * every LOCK_RETRY_MS and `retry` is called once it is free. Otherwise (gone, or on another
 * machine) the person may take the lock, after a question naming the holder.
 */
export function useStepLock(ctx: AppContext, step: Step, retry: (steal: boolean) => void): StepLockWait {
  const [locked, setLocked] = useState<StepLockedError | null>(null);
  const waiting = locked !== null && holderWhere(locked.holder) === 'alive-here';

  const caught = useCallback(
    (e: unknown) => {
      if (!(e instanceof StepLockedError)) return false;
      setLocked(e);
      const take = `${keysLabel('takeLock')} takes the lock`;
      const hint =
        holderWhere(e.holder) === 'alive-here'
          ? `it runs here: retried every ${formatDuration(LOCK_RETRY_MS)} · ${take}`
          : `${take} (asks first) if that run is gone`;
      const h = e.holder;
      ctx.showError(new PawError(`${step.id} is locked by ${h.user}@${h.host} (pid ${h.pid}, ${h.command})`, { hint }));
      return true;
    },
    [ctx, step],
  );

  useEffect(() => {
    if (!waiting) return;
    let live = true;
    const timer = setInterval(() => {
      void lockFileHolder(step).then(
        (holder) => {
          if (!live || holder) return;
          live = false;
          setLocked(null);
          ctx.notify(`the lock of ${step.id} is free: going on`);
          retry(false);
        },
        () => undefined,
      );
    }, LOCK_RETRY_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [waiting, step, ctx, retry]);

  const offerTake = useCallback(
    async (ask: (text: string) => Promise<boolean>) => {
      if (!locked) return ctx.showError(new PawError(`step ${step.id} is not locked by another run`, { hint: 'nothing to take' }));
      const h = locked.holder;
      const agreed = await ask(`Take the lock of ${step.id} from ${h.user}@${h.host} (pid ${h.pid}, ${h.command})? Only if it is gone.`);
      if (!agreed) return;
      setLocked(null);
      ctx.clearError();
      retry(true);
    },
    [ctx, locked, step, retry],
  );

  return { locked, waiting, caught, offerTake };
}
