import { Box, Text } from 'ink';
import { useEffect, useEffectEvent, useState } from 'react';
import type { DeletionEvent, DeletionPlan, DeletionResult } from '../../aws/delete.js';
import { errorLine } from '../../errors.js';
import { TypedConfirm } from './Confirm.js';
import { SpinnerWithElapsed } from './SpinnerWithElapsed.js';
import type { AppContext } from '../context.js';
import { tone } from '../theme.js';

type Stage =
  | { kind: 'planning'; startedAt: number }
  | { kind: 'plan'; plan: DeletionPlan; refusal: string | null }
  | { kind: 'deleting'; startedAt: number; plan: DeletionPlan; finished: number; events: string[] }
  | { kind: 'done'; result: DeletionResult; events: string[] };

/** The words the user types to confirm: one AMI's id, or `delete <n>` for several. */
export function confirmationFor(amiIds: string[]): string {
  const [only] = amiIds;
  return amiIds.length === 1 && only ? only : `delete ${amiIds.length}`;
}

function eventLine(e: DeletionEvent): string | null {
  switch (e.kind) {
    case 'deregistered':
      return `deregistered ${e.amiId}`;
    case 'snapshot-deleted':
      return `deleted snapshot ${e.snapshotId} of ${e.amiId}`;
    case 'record-deleted':
      return `deleted catalog item ${e.workflowId}/${e.stepId}`;
    case 'failed':
      return `✖ ${e.amiId}: ${e.message}`;
    default:
      return null;
  }
}

/**
 * Deleting AMIs: works out the plan (what goes, what is kept, what refuses), asks for the typed
 * confirmation, then deletes with progress. `onClose` is called when the user leaves it.
 */
export function DeletePanel({ ctx, amiIds, height, onClose }: { ctx: AppContext; amiIds: string[]; height: number; onClose: (changed: boolean) => void }) {
  const [stage, setStage] = useState<Stage>({ kind: 'planning', startedAt: Date.now() });
  const planFailed = useEffectEvent((e: unknown) => {
    ctx.showError(e);
    onClose(false);
  });
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const { planDeletion, assertDeletable } = await import('../../aws/delete.js');
        const plan = await planDeletion(ctx.cloud, ctx.workflow, amiIds);
        let refusal: string | null = null;
        try {
          assertDeletable(plan);
        } catch (e) {
          refusal = errorLine(e);
        }
        if (live) setStage({ kind: 'plan', plan, refusal });
      } catch (e) {
        if (live) planFailed(e);
      }
    })();
    return () => {
      live = false;
    };
  }, [ctx.cloud, ctx.workflow, amiIds]);

  const run = async (plan: DeletionPlan) => {
    const events: string[] = [];
    setStage({ kind: 'deleting', startedAt: Date.now(), plan, finished: 0, events });
    try {
      const { executeDeletion } = await import('../../aws/delete.js');
      const result = await executeDeletion(ctx.cloud, plan, {
        onProgress: (e) => {
          const line = eventLine(e);
          if (line) events.push(line);
          setStage((s) => (s.kind === 'deleting' ? { ...s, finished: 'finished' in e ? e.finished : s.finished, events: [...events] } : s));
        },
      });
      setStage({ kind: 'done', result, events: [...events] });
    } catch (e) {
      ctx.showError(e);
      setStage({ kind: 'done', result: { deleted: [], failed: [{ amiId: amiIds.join(', '), message: errorLine(e) }] }, events: [...events] });
    }
  };

  useEffect(() => {
    ctx.setBackHandler(() => {
      if (stage.kind === 'deleting') return true;
      onClose(stage.kind === 'done');
      return true;
    });
    ctx.setHints(stage.kind === 'deleting' ? [] : ['back']);
  }, [ctx, stage, onClose]);

  if (stage.kind === 'planning')
    return <SpinnerWithElapsed label={`working out what deleting ${amiIds.length} AMI(s) takes with it`} startedAt={stage.startedAt} />;
  if (stage.kind === 'plan') {
    const lines: { text: string; tone?: 'warn' | 'muted' | 'error' }[] = [];
    for (const d of stage.plan.amis) {
      lines.push({ text: `AMI ${d.image.id}  ${d.image.name}` });
      lines.push({ text: `  snapshots deleted: ${d.snapshots.join(', ') || 'none'}`, tone: 'muted' });
      for (const k of d.keptSnapshots) lines.push({ text: `  snapshot kept: ${k.id} (used by ${k.usedBy.join(', ')})`, tone: 'muted' });
      lines.push({ text: `  catalog items deleted: ${d.catalogItems.map((c) => `${c.workflowId}/${c.stepId}`).join(', ') || 'none'}`, tone: 'muted' });
      if (d.downstreamSteps.length) lines.push({ text: `  steps built on it (rebuild them after): ${d.downstreamSteps.join(', ')}`, tone: 'warn' });
      if (d.instances.length) lines.push({ text: `  in use by instances: ${d.instances.join(', ')}`, tone: 'error' });
      if (d.references?.length) lines.push({ text: `  in use by: ${d.references.map((r) => r.arn).join(', ')}`, tone: 'error' });
    }
    for (const s of stage.plan.sharedSnapshots)
      lines.push({ text: `snapshot ${s.id} shared by ${s.usedBy.join(', ')}: deleted after all of them`, tone: 'muted' });
    const room = Math.max(1, height - 4);
    const shown = lines.length > room ? [...lines.slice(0, room - 1), { text: `… and ${lines.length - room + 1} more lines`, tone: 'muted' as const }] : lines;
    return (
      <Box flexDirection="column" height={height}>
        <Text bold>Delete {stage.plan.amis.length === 1 ? 'this AMI' : `these ${stage.plan.amis.length} AMIs`}:</Text>
        {shown.map((l, i) => (
          <Box key={i} height={1}>
            <Text wrap="truncate" color={l.tone ? tone(l.tone) : undefined}>
              {l.text}
            </Text>
          </Box>
        ))}
        {stage.refusal ? (
          <Text color={tone('error')} wrap="truncate">
            ✖ {stage.refusal} — Esc goes back
          </Text>
        ) : (
          <TypedConfirm
            message="This cannot be undone."
            expected={confirmationFor(stage.plan.amis.map((d) => d.image.id))}
            onConfirm={() => void run(stage.plan)}
            onCancel={() => onClose(false)}
          />
        )}
      </Box>
    );
  }
  const events = stage.events.slice(-Math.max(1, height - 2));
  return (
    <Box flexDirection="column" height={height}>
      {stage.kind === 'deleting' ? (
        <SpinnerWithElapsed label={`deleting: ${stage.finished} of ${stage.plan.amis.length} AMIs done`} startedAt={stage.startedAt} />
      ) : (
        <Text bold color={stage.result.failed.length ? tone('error') : tone('ok')}>
          {stage.result.failed.length ? '✖' : '✔'} deleted {stage.result.deleted.length} AMI(s)
          {stage.result.failed.length ? `, ${stage.result.failed.length} failed` : ''} — Esc goes back to the list
        </Text>
      )}
      {events.map((e, i) => (
        <Box key={i} height={1}>
          <Text wrap="truncate" color={e.startsWith('✖') ? tone('error') : tone('muted')}>
            {e}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
