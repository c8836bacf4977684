import { useKeys } from '../hooks/useKeys.js';
import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { errorLine, PawError } from '../../errors.js';
import type { NewerBase } from '../../layers/newer-base.js';
import { newerBaseUnknown, reasonText, STATE_SIGN } from '../../layers/words.js';
import type { BuildJob, BuildJobs, ChainProgress } from '../../packer/build-jobs.js';
import type { Step } from '../../workflow/types.js';
import { Confirm } from '../components/Confirm.js';
import { SpinnerWithElapsed } from '../components/SpinnerWithElapsed.js';
import type { AppContext, Route } from '../context.js';
import { useBuildAsk } from '../hooks/useBuildAsk.js';
import { useStaleBuild } from '../hooks/useStaleBuild.js';
import { useBump } from '../hooks/useBump.js';
import { useBuildJobs } from '../hooks/useBuildSession.js';
import { formatDuration } from '../../duration.js';
import { formatAge, useNow } from '../hooks/useElapsed.js';
import { problemsOf, useHomeFacts, type HomeFacts } from '../hooks/useHomeFacts.js';
import { useListCursor } from '../hooks/useListCursor.js';
import type { WorkflowSession } from '../hooks/useWorkflowSession.js';
import { hintOf, hintsFor, isKey, keysLabel, type Action } from '../keys.js';
import { tone, type Tone } from '../theme.js';

/** The things to do from home, listed on the screen itself (from the key registry). */
const homeActions: Action[] = ['build', 'buildStale', 'manual', 'params', 'add', 'baseAmi', 'amis'];

interface StepState {
  mark: string;
  tone: Tone;
  text: string;
}

/** What a running build is doing: its phase (or its checks) and how long it has run. */
export function jobDoing(job: BuildJob, now = Date.now()): string {
  const state = job.session?.state;
  if (!state) return 'starting';
  const elapsed = formatDuration(now - state.startedAt);
  if (job.question) return `waiting for an answer · ${elapsed}`;
  if (state.status === 'preflight') return `checks · ${elapsed}`;
  if (state.status === 'interrupting') return `interrupting (Packer cleans up) · ${elapsed}`;
  const phase = state.phases.at(-1);
  return `${phase ? phase.message : 'packer starting'} · ${elapsed}`;
}

/** What the chain shows for a step: a build running here first, then what costs money. */
export function stepState(step: Step, facts: HomeFacts, now = Date.now(), job?: BuildJob): StepState {
  if (job) return { mark: '⟳', tone: 'accent', text: `building — ${jobDoing(job, now)}` };
  const run = facts.interrupted.find((r) => r.stepId === step.id);
  if (run) return { mark: '⚠', tone: 'error', text: `build interrupted${run.instanceId ? ` — ${run.instanceId} may be running` : ''}` };
  // Never "not started": the journal that cannot be read may name a running instance.
  const unreadable = facts.manualUnreadable?.find((m) => m.stepId === step.id);
  if (unreadable) return { mark: '⚠', tone: 'error', text: `manual journal unreadable: ${unreadable.line}` };
  const manual = facts.manual.find((m) => m.stepId === step.id);
  if (manual) {
    return {
      mark: '◐',
      tone: 'warn',
      text: `manual in progress (${manual.state}) ${manual.instanceId}${manual.since ? ` up ${formatAge(manual.since, now).replace(' ago', '')}` : ''}`,
    };
  }
  if (!facts.built) return { mark: '·', tone: 'muted', text: facts.noCloud ? 'not known: no cloud' : 'checking the catalog…' };
  const item = facts.built.get(step.id);
  const layer = facts.layers?.get(step.id);
  // An AMI deregistered since it was recorded leaves the step with nothing to build on: said
  // first, whatever else makes it stale.
  const gone = layer?.stale_reasons.find((r) => r.kind === 'ami_gone');
  if (item && gone) {
    const others = layer!.stale_reasons.filter((r) => r !== gone);
    return { mark: '✖', tone: 'error', text: `AMI ${item.ami_id} gone: not built${others.length ? ` · ${others.map(reasonText).join('; ')}` : ''}` };
  }
  if (item && layer?.state === 'stale') return { mark: STATE_SIGN.stale, tone: 'warn', text: `stale: ${layer.stale_reasons.map(reasonText).join('; ')}` };
  if (item && layer?.state === 'up_to_date')
    return { mark: STATE_SIGN.up_to_date, tone: 'ok', text: `up to date ${item.ami_id} ${formatAge(item.create_at, now)}` };
  if (item) return { mark: '✔', tone: 'ok', text: `built ${item.ami_id} ${formatAge(item.create_at, now)}` };
  return { mark: '○', tone: 'muted', text: step.manual ? 'not built (manual step)' : 'not built' };
}

/** Home's keys that act on the workflow (and so wait until it loads). */
const NEEDS_WORKFLOW: Action[] = ['params', 'add', 'baseAmi', 'amis', 'build', 'manual', 'open', 'resolveRun', 'buildStale', 'bump'];

const CHAIN_MARK: Record<ChainProgress['status'], { mark: string; tone: Tone }> = {
  running: { mark: '⟳', tone: 'accent' },
  done: { mark: '✔', tone: 'ok' },
  stopped: { mark: '■', tone: 'warn' },
  failed: { mark: '✖', tone: 'error' },
};

/** How far the stale steps' run is: `stale steps 1/2 (next hardening)`, or how it ended. */
export function chainWords(chain: ChainProgress): string {
  if (chain.stoppedAt) return `stale steps: ${chain.message ?? chain.status}; stopped at ${chain.stoppedAt}, a manual step: press ${keysLabel('manual')} on it`;
  if (chain.status !== 'running') return `stale steps: ${chain.message ?? chain.status}`;
  const next = chain.steps[chain.index + 1];
  return `stale steps ${chain.index + 1}/${chain.steps.length}${next ? ` (next ${next})` : ''}`;
}

function ChainWords({ chain }: { chain: ChainProgress }) {
  const { mark, tone: t } = CHAIN_MARK[chain.status];
  return <Text color={tone(t)}>{` ${mark} ${chainWords(chain)}`}</Text>;
}

/** The chain header's word on a newer Ubuntu: which AMI, from when, how much newer. */
export function newerBaseLine(n: NewerBase): string {
  return `newer Ubuntu ${n.ami} from ${n.date} (${n.days} day${n.days === 1 ? '' : 's'} newer): built steps are stale`;
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Box height={1}>
      <Box width={10} flexShrink={0}>
        <Text color={tone('muted')}>{label}</Text>
      </Box>
      <Text wrap="truncate">{children}</Text>
    </Box>
  );
}

/**
 * The first screen: which workflow, which account, which Packer, the chain of steps with the
 * state of each, and what is wrong with the fix for it. Its first frame needs nothing loaded.
 */
export function HomeScreen(props: {
  session: WorkflowSession;
  sandbox: boolean;
  ctx: AppContext | null;
  open: (route: Route) => void;
  reload: () => Promise<void>;
  columns: number;
  bodyRows: number;
  onError: (e: unknown) => void;
  builds: BuildJobs;
  /** Narrows the help bar (null: every key of home). */
  setHints?: (actions: Action[] | null) => void;
}) {
  const { session, ctx, columns, bodyRows, builds, setHints } = props;
  useBuildJobs(builds);
  const running = builds.running();
  // The elapsed time of running builds ticks on the chain and the jobs line.
  const now = useNow(1000, running.length > 0);
  const buildAsk = useBuildAsk(ctx);
  const staleBuild = useStaleBuild(ctx);
  const bump = useBump(ctx);
  const workflow = session.workflow;
  const facts = useHomeFacts(session, props.sandbox);
  const steps = workflow?.steps ?? [];
  const problems = problemsOf(facts);
  const problemRows = Math.min(problems.length * 2, Math.max(0, bodyRows - 9));
  // Facts, blank, chain title, blank, actions, the prompt line; the newer-Ubuntu line when one is
  // out; the jobs line while builds run.
  const chain = builds.chain;
  const jobRows = running.length || chain ? 1 : 0;
  const newerRows = facts.newerBase || facts.newerBaseError ? 1 : 0;
  const promptRows = staleBuild.prompt ? staleBuild.rows : 1;
  const chainRows = Math.max(1, bodyRows - 8 - promptRows - jobRows - newerRows - problemRows - (problemRows ? 1 : 0));
  const { cursor, handle } = useListCursor(steps.length, chainRows, `home:${workflow?.dir ?? ''}`);
  const [started] = useState(() => Date.now());
  const [resolving, setResolving] = useState<string | null>(null);
  const step = steps[cursor];
  // `t` ends the run of an interrupted build: the help bar offers it only while there is one.
  const anyInterrupted = facts.interrupted.length > 0;
  useEffect(() => {
    if (!setHints || anyInterrupted) return;
    setHints(hintsFor('home').filter((a) => a !== 'resolveRun'));
    return () => setHints(null);
  }, [setHints, anyInterrupted]);

  useKeys(
    (input, key) => {
      if (handle(input, key)) return;
      if (isKey('refresh', input, key)) return void props.reload();
      // Nothing to build or browse until the workflow loads: say so rather than ignore the key.
      if (!workflow && session.workflowError && NEEDS_WORKFLOW.some((a) => isKey(a, input, key))) {
        return props.onError(new PawError('the workflow did not load', { hint: `fix the problem below, then ${keysLabel('refresh')} loads it again` }));
      }
      if (isKey('params', input, key)) return props.open({ screen: 'params' });
      if (isKey('add', input, key)) return props.open({ screen: 'new-step' });
      if (isKey('baseAmi', input, key)) return props.open({ screen: 'base-ami' });
      if (isKey('amis', input, key)) return props.open({ screen: 'amis' });
      if (isKey('buildStale', input, key)) return staleBuild.ask();
      if (isKey('bump', input, key)) return bump.ask();
      if (!step) return;
      const job = running.find((j) => j.stepId === step.id);
      if (isKey('build', input, key)) {
        if (ctx) buildAsk.ask(step);
        else props.open({ screen: 'build', stepId: step.id });
      } else if (isKey('manual', input, key)) props.open({ screen: 'manual', stepId: step.id });
      else if (isKey('open', input, key)) props.open(job ? { screen: 'build', stepId: step.id } : { screen: 'step', stepId: step.id });
      else if (isKey('resolveRun', input, key)) {
        if (facts.interrupted.some((r) => r.stepId === step.id)) setResolving(step.id);
        else props.onError(`step ${step.id} has no interrupted build`);
      }
    },
    { isActive: resolving === null && !buildAsk.asking && !staleBuild.asking && !bump.asking },
  );

  const resolve = async (stepId: string) => {
    setResolving(null);
    const run = facts.interrupted.find((r) => r.stepId === stepId);
    if (!run || !ctx) return;
    try {
      const { terminateRunInstance } = await import('../../packer/runs.js');
      ctx.notify(`✔ ${await terminateRunInstance(ctx.cloud, run)}`);
      await props.reload();
    } catch (e) {
      props.onError(e);
    }
  };

  const cloud = session.cloud;
  const identity = facts.checks.find((c) => c.name === 'credentials');
  const packer = facts.checks.find((c) => c.name === 'packer');
  const chainTop = Math.max(0, Math.min(cursor - chainRows + 1, steps.length - chainRows));
  const shownSteps = steps.slice(Math.max(0, chainTop), Math.max(0, chainTop) + chainRows);
  return (
    <Box flexDirection="column" width={columns}>
      <Fact label="workflow">
        {workflow ? (
          <>
            <Text bold>{workflow.param.workflow_id}</Text> <Text color={tone('muted')}>{workflow.dir}</Text>
          </>
        ) : session.workflowError ? (
          <Text color={tone('error')}>cannot load {props.ctx?.options.workflow ?? 'the workflow'}</Text>
        ) : (
          <SpinnerWithElapsed label="loading the workflow" startedAt={started} />
        )}
      </Fact>
      <Fact label="cloud">
        {cloud ? (
          `${cloud.kind === 'sandbox' ? 'sandbox (offline)' : 'AWS'} · region ${cloud.region} · profile ${cloud.profile ?? 'default chain'}`
        ) : session.cloudError ? (
          <Text color={tone('error')}>{errorLine(session.cloudError)}</Text>
        ) : session.workflowError ? (
          <Text color={tone('muted')}>not opened: the workflow did not load</Text>
        ) : (
          <SpinnerWithElapsed label="opening the cloud" startedAt={started} />
        )}
      </Fact>
      <Fact label="identity">
        {(!identity && (session.workflowError || session.cloudError)) || identity?.skipped ? (
          <Text color={tone('muted')}>not checked: no cloud</Text>
        ) : !identity ? (
          <Text color={tone('muted')}>checking…</Text>
        ) : !identity.ok ? (
          <Text color={tone('error')}>no credentials — see the problems below</Text>
        ) : (
          identity.detail
        )}
      </Fact>
      <Fact label="packer">
        {!packer ? <Text color={tone('muted')}>looking…</Text> : !packer.ok ? <Text color={tone('error')}>not found</Text> : packer.detail}
      </Fact>
      <Box height={1} />
      <Box height={1}>
        <Text wrap="truncate">
          <Text bold>Steps</Text>
          <Text color={tone('muted')}>{workflow ? `  from ${workflow.param.root_base_ami_name} (${workflow.param.root_base_ami_id})` : ''}</Text>
        </Text>
      </Box>
      {facts.newerBase ? (
        <Box height={1}>
          <Text wrap="truncate" color={tone('warn')}>{`⚠ ${newerBaseLine(facts.newerBase)}`}</Text>
        </Box>
      ) : facts.newerBaseError ? (
        <Box height={1}>
          <Text wrap="truncate" color={tone('warn')}>{`⚠ ${newerBaseUnknown(facts.newerBaseError)}`}</Text>
        </Box>
      ) : null}
      <Box flexDirection="column" height={chainRows}>
        {steps.length === 0 && workflow ? <Text color={tone('muted')}>No steps yet — press {keysLabel('add')} to create the first one.</Text> : null}
        {shownSteps.map((s, i) => {
          const index = chainTop + i;
          const state = stepState(
            s,
            facts,
            now,
            running.find((j) => j.stepId === s.id),
          );
          const previous = s.previousId ?? 'root AMI';
          return (
            <Box key={s.id} height={1}>
              <Text wrap="truncate" inverse={index === cursor}>
                <Text color={tone('muted')}>{`${previous} →`.padStart(16).slice(-16)} </Text>
                <Text bold>{s.id.padEnd(16)}</Text>
                <Text color={tone(state.tone)}>
                  {' '}
                  {state.mark} {state.text}
                </Text>
              </Text>
            </Box>
          );
        })}
      </Box>
      <Box height={1} />
      <Box height={1}>
        <Text wrap="truncate">
          <Text bold>Actions </Text>
          {homeActions.map((a, i) => (
            <Text key={a}>
              {i ? ' · ' : ' '}
              <Text color={tone('key')} bold>
                {keysLabel(a)}
              </Text>{' '}
              {hintOf(a, 'home')}
            </Text>
          ))}
        </Text>
      </Box>
      {jobRows ? (
        <Box height={1}>
          <Text wrap="truncate">
            <Text bold>Jobs </Text>
            {chain ? <ChainWords chain={chain} /> : null}
            {running.map((j, i) => (
              <Text key={j.stepId}>
                {i || chain ? ' · ' : ' '}
                <Text color={tone('accent')}>⟳ {j.stepId}</Text> {jobDoing(j, now)}
              </Text>
            ))}
            {running.length ? <Text color={tone('muted')}> (Enter on the step shows it)</Text> : null}
          </Text>
        </Box>
      ) : null}
      <Box height={promptRows} flexDirection="column">
        {resolving ? (
          <Confirm
            message={`Terminate the instance of the interrupted build of ${resolving}?`}
            onAnswer={(yes) => (yes ? void resolve(resolving) : setResolving(null))}
          />
        ) : buildAsk.prompt ? (
          buildAsk.prompt
        ) : staleBuild.prompt ? (
          staleBuild.prompt
        ) : bump.prompt ? (
          bump.prompt
        ) : null}
      </Box>
      {problemRows > 0 ? (
        <Box flexDirection="column" height={problemRows + 1}>
          <Text bold color={tone('warn')}>
            Problems
          </Text>
          {problems.slice(0, Math.floor(problemRows / 2)).map((p) => (
            <Box key={p.what} flexDirection="column" height={2}>
              <Text wrap="truncate" color={tone('warn')}>
                ⚠ {p.what}
              </Text>
              <Text wrap="truncate" color={tone('muted')}>
                {'  → '}
                {p.fix}
              </Text>
            </Box>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
