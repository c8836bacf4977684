import { Box, Text } from 'ink';
import { useState, type ReactNode } from 'react';
import type { StaleBuildPlan } from '../../layers/stale-build.js';
import { Confirm } from '../components/Confirm.js';
import type { AppContext } from '../context.js';
import { tone } from '../theme.js';
import { useKeys } from './useKeys.js';

/**
 * `B` on home: the stale steps of the chain, built one after another as build jobs. One
 * question names them, where they start from, what they cost and what they replace; `y` starts
 * them and home's jobs line follows the run. A run already going is not started twice.
 */
export function useStaleBuild(ctx: AppContext | null): { asking: boolean; ask: () => void; prompt: ReactNode; rows: number } {
  const [asking, setAsking] = useState<{ plan: StaleBuildPlan | null; question: { question: string; details: string[] } | null } | null>(null);
  useKeys((_input, key) => key.escape && setAsking(null), { isActive: asking !== null && asking.question === null });

  const ask = () => {
    if (!ctx) return;
    if (ctx.builds.chain?.status === 'running') return ctx.showError('the stale steps are being built already: the jobs line shows how far');
    setAsking({ plan: null, question: null });
    void (async () => {
      const [{ newerBase }, m] = await Promise.all([import('../../layers/newer-base.js'), import('../../layers/stale-build.js')]);
      const newer = await newerBase(ctx.cloud, ctx.workflow).catch(() => null);
      const plan = await m.planStaleBuild(ctx.cloud, ctx.workflow, newer);
      return { plan, question: m.staleBuildQuestion(plan), none: m.nothingToBuild(plan) };
    })().then(
      ({ plan, question, none }) => {
        if (question) return setAsking((a) => (a ? { plan, question } : a));
        setAsking(null);
        ctx.notify(none);
      },
      (e: unknown) => {
        setAsking(null);
        ctx.showError(e);
      },
    );
  };

  const start = async (plan: StaleBuildPlan) => {
    if (!ctx) return;
    const [{ runStaleBuild }, { loadWorkflow }] = await Promise.all([import('../../layers/stale-build.js'), import('../../workflow/load.js')]);
    await runStaleBuild({
      cloud: ctx.cloud,
      workflow: ctx.workflow,
      plan,
      builds: ctx.builds,
      cols: ctx.columns,
      rows: ctx.bodyRows,
      loadWorkflow: async () => {
        await ctx.reload();
        return loadWorkflow(ctx.workflow.dir);
      },
    });
  };

  let prompt: ReactNode = null;
  if (asking?.plan && asking.question) {
    const { plan, question } = asking;
    prompt = (
      <Box flexDirection="column" height={1 + question.details.length}>
        <Confirm
          message={question.question}
          onAnswer={(yes) => {
            setAsking(null);
            if (yes) start(plan).catch((e: unknown) => ctx?.showError(e));
          }}
        />
        {question.details.map((d) => (
          <Text key={d} wrap="truncate" color={tone('muted')}>
            {`  · ${d}`}
          </Text>
        ))}
      </Box>
    );
  } else if (asking) {
    prompt = (
      <Text wrap="truncate" color={tone('muted')}>
        working out which steps are stale…
      </Text>
    );
  }
  return { asking: asking !== null, ask, prompt, rows: asking?.question ? 1 + asking.question.details.length : 1 };
}
