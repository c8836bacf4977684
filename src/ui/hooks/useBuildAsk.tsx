import { Text } from 'ink';
import { useState, type ReactNode } from 'react';
import { PawError } from '../../errors.js';
import type { Step } from '../../workflow/types.js';
import { Confirm } from '../components/Confirm.js';
import type { AppContext } from '../context.js';
import { tone } from '../theme.js';
import { useKeys } from './useKeys.js';

/**
 * `b` on a step: a build is never started by one key. The question names the step, its source
 * AMI, the instance type and its price; `y` starts the build in the app's registry and shows it.
 * A step already building is shown instead.
 */
export function useBuildAsk(ctx: AppContext | null): { asking: boolean; ask: (step: Step) => void; prompt: ReactNode } {
  const [asking, setAsking] = useState<{ step: Step; question: string | null } | null>(null);
  useKeys((_input, key) => key.escape && setAsking(null), { isActive: asking !== null && asking.question === null });

  const ask = (step: Step) => {
    if (!ctx) return;
    const job = ctx.builds.get(step.id);
    if (job && ctx.builds.running().includes(job)) return ctx.navigate({ screen: 'build', stepId: step.id });
    setAsking({ step, question: null });
    void import('../../packer/plan.js')
      .then(async (m) => {
        const plan = await m.buildPlan(ctx.cloud, ctx.workflow, step);
        // Without a source AMI the build would stop at its first check: say why now instead.
        if ('error' in plan.source) throw new PawError(plan.source.error);
        return m.buildQuestion(plan);
      })
      .then(
        (question) => setAsking((a) => (a?.step === step ? { step, question } : a)),
        (e: unknown) => {
          setAsking(null);
          ctx.showError(e);
        },
      );
  };

  const start = (step: Step) => {
    if (!ctx) return;
    ctx.builds.start({ cloud: ctx.cloud, workflow: ctx.workflow, step, onError: 'ask', cols: ctx.columns, rows: ctx.bodyRows }).catch(ctx.showError);
    ctx.navigate({ screen: 'build', stepId: step.id });
  };

  let prompt: ReactNode = null;
  if (asking?.question) {
    const { step, question } = asking;
    prompt = (
      <Confirm
        message={question}
        onAnswer={(yes) => {
          setAsking(null);
          if (yes) start(step);
        }}
      />
    );
  } else if (asking) {
    prompt = (
      <Text wrap="truncate" color={tone('muted')}>
        finding the source AMI and instance type of {asking.step.id}…
      </Text>
    );
  }
  return { asking: asking !== null, ask, prompt };
}
