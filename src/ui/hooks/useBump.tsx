import { Text } from 'ink';
import { useState, type ReactNode } from 'react';
import { Confirm } from '../components/Confirm.js';
import type { AppContext } from '../context.js';
import { tone } from '../theme.js';
import { useKeys } from './useKeys.js';

interface BumpQuestion {
  now: Date;
  text: string;
}

/**
 * `W` on home: a new workflow version (`workflow bump`). The question names the new id and the
 * steps carried over (their AMIs recorded under it) and those left to build; `y` does it and
 * reads the workflow again.
 */
export function useBump(ctx: AppContext | null): { asking: boolean; ask: () => void; prompt: ReactNode } {
  const [asking, setAsking] = useState<BumpQuestion | 'working' | null>(null);
  useKeys((_input, key) => key.escape && setAsking(null), { isActive: asking === 'working' });

  const ask = () => {
    if (!ctx) return;
    if (ctx.builds.running().length) return ctx.showError('a build is running: start a new workflow version once it ends');
    setAsking('working');
    const now = new Date();
    void (async () => {
      const [{ carriedSteps, nextWorkflowId }, { stepStates }] = await Promise.all([import('../../layers/bump.js'), import('../../layers/states.js')]);
      const to = nextWorkflowId(ctx.workflow.param.workflow_id, now);
      const kept = carriedSteps(await stepStates({ cloud: ctx.cloud, workflow: ctx.workflow }));
      const left = ctx.workflow.steps.map((s) => s.id).filter((s) => !kept.includes(s));
      return `Bump to ${to}? carries over ${kept.join(', ') || 'nothing'}${left.length ? `; left to build: ${left.join(', ')}` : ''}`;
    })().then(
      (text) => setAsking((a) => (a ? { now, text } : a)),
      (e: unknown) => {
        setAsking(null);
        ctx.showError(e);
      },
    );
  };

  const bump = async (now: Date) => {
    if (!ctx) return;
    const { bumpWorkflow } = await import('../../layers/bump.js');
    const result = await bumpWorkflow(ctx.cloud, ctx.workflow, { now });
    await ctx.reload();
    const carried = result.carried.map((c) => c.step).join(', ') || 'nothing';
    ctx.notify(
      `✔ workflow_id ${result.from} → ${result.to}: carried over ${carried}${result.to_build.length ? `; B builds ${result.to_build.map((b) => b.step).join(', ')}` : ''}`,
    );
  };

  let prompt: ReactNode = null;
  if (asking && asking !== 'working') {
    prompt = (
      <Confirm
        message={asking.text}
        onAnswer={(yes) => {
          setAsking(null);
          if (yes) bump(asking.now).catch((e: unknown) => ctx?.showError(e));
        }}
      />
    );
  } else if (asking) {
    prompt = (
      <Text wrap="truncate" color={tone('muted')}>
        working out which steps carry over…
      </Text>
    );
  }
  return { asking: asking !== null, ask, prompt };
}
