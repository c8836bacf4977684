import { readFile } from 'node:fs/promises';
import { Box, Text } from 'ink';
import { useEffect, useEffectEvent, useMemo, useState, type ReactNode } from 'react';
import { whyLines } from '../../layers/why.js';
import { STATE_SIGN, type StepState } from '../../layers/words.js';
import type { RunRecord } from '../../packer/runs.js';
import { runDurationMs, stepFacts, type StepFacts } from '../../packer/step-facts.js';
import { findStep } from '../../workflow/load.js';
import { linesSource } from '../components/line-source.js';
import { SpinnerWithElapsed } from '../components/SpinnerWithElapsed.js';
import { TerminalPane } from '../components/TerminalPane.js';
import type { AppContext } from '../context.js';
import { useBuildAsk } from '../hooks/useBuildAsk.js';
import { useBuildJobs } from '../hooks/useBuildSession.js';
import { formatDuration } from '../../duration.js';
import { formatAge, useNow } from '../hooks/useElapsed.js';
import { useKeys } from '../hooks/useKeys.js';
import { useListCursor } from '../hooks/useListCursor.js';
import { useStepLayer } from '../hooks/useStepLayer.js';
import { isKey, keysLabel } from '../keys.js';
import { tone, type Tone } from '../theme.js';
import { jobDoing } from './HomeScreen.js';

const RUN_TONE: Record<RunRecord['status'], Tone> = {
  running: 'accent',
  interrupting: 'warn',
  succeeded: 'ok',
  failed: 'error',
  interrupted: 'warn',
  resolved: 'muted',
};

/** Lines of why shown in the step view itself; the rest are a key away. */
const WHY_INLINE = 4;

const LAYER_TONE: Record<StepState, Tone> = { up_to_date: 'ok', stale: 'warn', not_built: 'muted', building: 'accent', manual_in_progress: 'warn' };

function Fact({ label, children, width }: { label: string; children: ReactNode; width: number }) {
  return (
    <Box height={1} width={width}>
      <Box width={10} flexShrink={0}>
        <Text color={tone('muted')}>{label}</Text>
      </Box>
      <Text wrap="truncate">{children}</Text>
    </Box>
  );
}

function runLine(run: RunRecord, now: number): string {
  const when = new Date(run.startedAt).toISOString().slice(0, 16).replace('T', ' ');
  const parts = [when, run.status.padEnd(11), formatDuration(runDurationMs(run)).padStart(7), run.instanceId ?? '', run.amiId ?? ''];
  return `${parts.join('  ')}  ${formatAge(run.startedAt, now)}`;
}

/**
 * One step: where it starts from, what it built, its runs with their logs, manual progress.
 * Opening it starts nothing; `b` asks before a build, naming the source AMI and the instance.
 */
export function StepScreen({ ctx, stepId }: { ctx: AppContext; stepId: string }) {
  const step = useMemo(() => findStep(ctx.workflow, stepId), [ctx.workflow, stepId]);
  const [facts, setFacts] = useState<StepFacts | null>(null);
  const [openedAt] = useState(() => Date.now());
  const [log, setLog] = useState<{ title: string; lines: string[] } | null>(null);
  useBuildJobs(ctx.builds);
  const job = ctx.builds.running().find((j) => j.stepId === step.id);
  const now = useNow(1000, Boolean(job));
  const buildAsk = useBuildAsk(ctx);
  const runs = facts?.runs ?? [];
  const endedAt = ctx.builds.get(step.id)?.session?.state.endedAt;
  const layer = useStepLayer(ctx, step, endedAt);
  const why = layer?.state === 'stale' ? whyLines(layer.stale_reasons, layer.stale_detail) : [];
  // The first lines of why show in place; `v` shows them all in a pane that scrolls.
  const whyRows = why.length ? Math.min(why.length, WHY_INLINE) + 1 : 0;
  const listRows = Math.max(1, ctx.bodyRows - 14 - whyRows);
  const { cursor, handle } = useListCursor(runs.length, listRows);

  const reportError = useEffectEvent((e: unknown) => ctx.showError(e));
  useEffect(() => {
    let live = true;
    stepFacts(ctx.cloud, ctx.workflow, step).then(
      (f) => live && setFacts(f),
      (e: unknown) => live && reportError(e),
    );
    return () => {
      live = false;
    };
    // Read again when a build of the step ends: its run and its AMI are new.
  }, [ctx.cloud, ctx.workflow, step, endedAt]);

  useEffect(() => {
    ctx.setBackHandler(() => {
      if (!log) return false;
      setLog(null);
      return true;
    });
    ctx.setHints(log ? ['page', 'search', 'follow', 'back', 'help'] : ['move', 'open', 'build', 'why', 'manual', 'back', 'help']);
    return () => {
      ctx.setBackHandler(null);
      ctx.setHints(null);
    };
  }, [ctx, log]);

  const openLog = (run: RunRecord | undefined) => {
    if (!run?.logPath) return ctx.showError(`run ${run?.runId ?? ''} has no log`);
    const path = run.logPath;
    readFile(path, 'utf8').then(
      (text) => setLog({ title: `log ${path} (read-only)`, lines: text.replace(/\n$/, '').split('\n') }),
      (e: unknown) => ctx.showError(e),
    );
  };

  useKeys(
    (input, key) => {
      if (handle(input, key)) return;
      if (isKey('build', input, key)) buildAsk.ask(step);
      else if (isKey('manual', input, key)) ctx.navigate({ screen: 'manual', stepId: step.id });
      else if (isKey('open', input, key)) openLog(runs[cursor]);
      else if (isKey('why', input, key)) {
        if (why.length) setLog({ title: `why ${step.id} is stale (${why.length} line${why.length === 1 ? '' : 's'})`, lines: why });
        else ctx.showError(layer ? `${step.id} is not stale` : `${step.id}: still working out whether it is stale`);
      }
    },
    { isActive: !log && !buildAsk.asking },
  );

  const source = useMemo(
    () =>
      log
        ? linesSource(
            () => log.lines,
            () => () => undefined,
          )
        : null,
    [log],
  );
  if (log && source) {
    return (
      <Box flexDirection="column">
        <Box height={1} width={ctx.columns}>
          <Text wrap="truncate" color={tone('muted')}>
            {log.title}
          </Text>
        </Box>
        <TerminalPane source={source} width={ctx.columns} height={ctx.bodyRows - 1} active />
      </Box>
    );
  }

  const w = ctx.columns;
  const last = runs[0];
  const plan = facts?.plan;
  return (
    <Box flexDirection="column" width={w} height={ctx.bodyRows} overflow="hidden">
      <Box height={1} width={w}>
        <Text wrap="truncate">
          <Text bold>{step.id}</Text>
          <Text color={tone('muted')}>
            {' '}
            · {step.manual ? 'built by hand (manual step)' : 'built by Packer'} · after {step.previousId ?? 'the root AMI'} · {step.dir}
          </Text>
        </Text>
      </Box>
      <Box height={1} />
      {!facts || !plan ? (
        <SpinnerWithElapsed label={`reading the runs of ${step.id} and asking EC2`} startedAt={openedAt} />
      ) : (
        <>
          <Fact label="source" width={w}>
            {'error' in plan.source ? <Text color={tone('error')}>{plan.source.error}</Text> : `${plan.source.id}  ${plan.source.name}`}
          </Fact>
          <Fact label="output" width={w}>
            {plan.outputAmiName}
          </Fact>
          <Fact label="instance" width={w}>
            {step.manual
              ? 'chosen at launch'
              : plan.instanceType
                ? `${plan.instanceType}${plan.hourlyUsd === null ? '' : `  ≈ $${plan.hourlyUsd}/h on demand`}`
                : 'set in the templates'}
          </Fact>
          <Fact label="AMI" width={w}>
            {facts.built ? (
              <Text color={tone(facts.built.state === 'available' ? 'ok' : 'warn')}>
                {facts.built.item.ami_id} · {facts.built.state} · made {formatAge(facts.built.item.create_at, now)}
                {facts.built.item.duration_s ? ` in ${formatDuration(Number(facts.built.item.duration_s) * 1000)}` : ''}
              </Text>
            ) : facts.catalogError ? (
              <Text color={tone('error')}>{facts.catalogError}</Text>
            ) : (
              <Text color={tone('muted')}>not built</Text>
            )}
          </Fact>
          <Fact label="last run" width={w}>
            {last ? (
              <Text color={tone(RUN_TONE[last.status])}>
                {last.status} after {formatDuration(runDurationMs(last))} · {formatAge(last.startedAt, now)}
                {last.exitCode !== undefined ? ` · exit ${last.exitCode}` : ''}
              </Text>
            ) : (
              <Text color={tone('muted')}>never run by Packer here</Text>
            )}
          </Fact>
          {step.manual ? (
            <Fact label="manual" width={w}>
              {facts.manualImageState && facts.manualImageState !== 'available' ? (
                <>
                  <Text color={tone('error')}>{`done, but image ${facts.manual!.imageId} is ${facts.manualImageState}`}</Text>
                  <Text color={tone('muted')}>{`  (${keysLabel('manual')}: start again)`}</Text>
                </>
              ) : (
                <>
                  {facts.manual
                    ? `${facts.manual.state}${facts.manual.instanceId ? ` · ${facts.manual.instanceId}` : ''}${facts.manual.imageId ? ` · image ${facts.manual.imageId}` : ''}`
                    : 'not started'}
                  <Text color={tone('muted')}>{`  (${keysLabel('manual')} opens the guide)`}</Text>
                </>
              )}
            </Fact>
          ) : null}
          <Fact label="layer" width={w}>
            {!layer ? (
              <Text color={tone('muted')}>working out whether it is stale…</Text>
            ) : (
              <Text color={tone(LAYER_TONE[layer.state])}>
                {STATE_SIGN[layer.state]} {layer.state.replaceAll('_', ' ')}
                {why.length ? <Text color={tone('muted')}>{`  (${keysLabel('why')} lists why in full)`}</Text> : null}
              </Text>
            )}
          </Fact>
          {why.length ? (
            <Box flexDirection="column" height={whyRows} width={w}>
              {why.slice(0, WHY_INLINE).map((line, i) => (
                <Text key={i} wrap="truncate" color={tone('warn')}>
                  {'  '}
                  {line}
                </Text>
              ))}
              <Text color={tone('muted')} wrap="truncate">
                {why.length > WHY_INLINE ? `  … ${why.length - WHY_INLINE} more: ${keysLabel('why')} shows all` : ''}
              </Text>
            </Box>
          ) : null}
          <Fact label="now" width={w}>
            {job ? <Text color={tone('accent')}>⟳ building — {jobDoing(job, now)}</Text> : <Text color={tone('muted')}>idle</Text>}
          </Fact>
          <Box height={1} />
          <Box height={1} width={w}>
            <Text wrap="truncate">
              <Text bold>Runs</Text>
              <Text color={tone('muted')}>{runs.length ? `  ${runs.length} · ${keysLabel('open')} opens the log` : '  none yet'}</Text>
            </Text>
          </Box>
          <Box flexDirection="column" height={listRows}>
            {runs.slice(Math.max(0, cursor - listRows + 1), Math.max(0, cursor - listRows + 1) + listRows).map((run) => (
              <Box key={run.runId} height={1} width={w}>
                <Text wrap="truncate" inverse={run === runs[cursor]} color={tone(RUN_TONE[run.status])}>
                  {runLine(run, now)}
                </Text>
              </Box>
            ))}
          </Box>
        </>
      )}
      <Box height={1} width={w}>
        {buildAsk.prompt}
      </Box>
    </Box>
  );
}
