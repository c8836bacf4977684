import { useEffect, useState } from 'react';
import type { StepStatus } from '../../layers/states.js';
import type { Step } from '../../workflow/types.js';
import type { AppContext } from '../context.js';

/**
 * The step's layer state as home and `steps` say it (a newer Ubuntu makes a built step stale), with what
 * changed; null while it loads or when it cannot be known (the view shows the rest anyway).
 */
export function useStepLayer(ctx: AppContext, step: Step, generation: unknown): StepStatus | null {
  const [status, setStatus] = useState<StepStatus | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      const { chainStates } = await import('../../layers/states.js');
      const { states } = await chainStates(ctx.cloud, ctx.workflow);
      return states.find((s) => s.step === step.id) ?? null;
    })().then(
      (s) => live && setStatus(s),
      () => live && setStatus(null),
    );
    return () => {
      live = false;
    };
  }, [ctx.cloud, ctx.workflow, step, generation]);
  return status;
}
