import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { StepLockedError } from '../../locks/step-lock.js';
import { findStep } from '../../workflow/load.js';
import type { BuildSession, BuildState } from '../../packer/types.js';
import { BuildProgress } from '../components/BuildProgress.js';
import { Confirm } from '../components/Confirm.js';
import { linesSource } from '../components/line-source.js';
import { SpinnerWithElapsed } from '../components/SpinnerWithElapsed.js';
import { TerminalPane, type PaneSource } from '../components/TerminalPane.js';
import type { AppContext } from '../context.js';
import { useBuildSession } from '../hooks/useBuildSession.js';
import { formatDuration } from '../../duration.js';
import { useElapsed } from '../hooks/useElapsed.js';
import { useKeys } from '../hooks/useKeys.js';
import { useStepLock } from '../hooks/useStepLock.js';
import { LockLine } from '../components/LockLine.js';
import { isKey, keysLabel } from '../keys.js';
import { tone } from '../theme.js';
import { buildScreenReducer, initialBuildScreenState, interruptQuestion, statusRowsOf } from './build-state.js';
import { savePaneText } from './save-pane.js';

/** The panes of a build: all output, each parallel build, Packer's debug log. */
function usePanes(session: BuildSession | null, state: BuildState | null) {
  const buildNames = state?.builds.join('\n');
  const terminal = session?.terminal;
  const debug = session?.debugTerminal;
  return useMemo(() => {
    const panes: { id: string; label: string; source: PaneSource }[] = [];
    if (!session || buildNames === undefined) return panes;
    if (terminal) panes.push({ id: 'all', label: 'all', source: terminal });
    const builds = buildNames ? buildNames.split('\n') : [];
    if (builds.length > 1) {
      for (const b of builds) {
        panes.push({
          id: `build:${b}`,
          label: b,
          source: linesSource(
            () => session.buildLines(b),
            // New lines come with the output, not only with a new phase.
            (l) => {
              const offState = session.subscribe(l);
              const offOutput = session.onOutput(l);
              return () => {
                offState();
                offOutput();
              };
            },
          ),
        });
      }
    }
    if (debug)
      panes.push({
        id: 'debug',
        label: 'debug log',
        source: linesSource(
          () => debug.lines(),
          (l) => debug.onChange(l),
        ),
      });
    return panes;
    // A new pane appears when Packer starts, a new build shows up, or the debug log opens.
  }, [session, terminal, buildNames, debug]);
}

function Summary({ state }: { state: BuildState }) {
  const duration = formatDuration((state.endedAt ?? Date.now()) - state.startedAt);
  const log = (
    <Text wrap="truncate" color={tone('muted')}>
      {state.logPath ? `log ${state.logPath}` : 'no log: Packer did not start'}
    </Text>
  );
  if (state.status === 'succeeded') {
    return (
      <Box flexDirection="column">
        <Text wrap="truncate" color={tone('ok')}>
          ✔ built {state.amiId ?? '(no AMI: dry run)'} in {duration}
          {state.recorded ? ' · recorded in the catalog' : ''}
        </Text>
        {log}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate" color={tone('error')}>
        ✖ {state.status} after {duration}: {state.error ?? 'see the log'}
      </Text>
      {log}
    </Box>
  );
}

/**
 * A build of one step: preflight checks, then Packer's phases beside its live output. Keys go
 * to Packer while typing (`i`); Ctrl-C asks before interrupting, a second time before forcing.
 */
export function BuildScreen({ ctx, stepId }: { ctx: AppContext; stepId: string }) {
  const step = useMemo(() => findStep(ctx.workflow, stepId), [ctx.workflow, stepId]);
  const side = ctx.columns >= 110;
  const progressWidth = side ? Math.min(48, Math.floor(ctx.columns * 0.36)) : ctx.columns;
  const progressRows = side ? ctx.bodyRows - 2 : Math.min(6, Math.max(2, Math.floor(ctx.bodyRows / 3)));
  const paneWidth = side ? ctx.columns - progressWidth - 1 : ctx.columns;
  // Two rows for the status once the build has ended: the outcome, then where the log is.
  const [view, dispatch] = useReducer(buildScreenReducer, initialBuildScreenState);
  const { question, typing, paneIndex } = view;
  const statusRows = statusRowsOf(view);
  const paneRows = Math.max(3, (side ? ctx.bodyRows - 1 : ctx.bodyRows - progressRows - 1) - statusRows);
  const { session, state, question: jobQuestion, error } = useBuildSession(ctx.builds, stepId);
  const panes = usePanes(session, state);
  const pane = panes[Math.min(paneIndex, panes.length - 1)];
  const stateRef = useRef(state);
  stateRef.current = state;
  // The phases show whole seconds: a redraw of the screen a second is enough for them.
  const elapsed = useElapsed(state?.startedAt ?? Date.now(), state?.endedAt, 1000);
  const onTypingChange = useCallback((on: boolean) => dispatch({ type: 'typing', on }), []);

  useEffect(() => {
    if (error) ctx.showError(error);
  }, [error, ctx]);

  useEffect(() => {
    ctx.setInterruptHandler(() => {
      const asked = session ? interruptQuestion(stateRef.current) : null;
      if (!asked) return false;
      dispatch({ type: 'ask', question: asked });
      return true;
    });
    return () => ctx.setInterruptHandler(null);
  }, [ctx, session]);

  const hasEnded = Boolean(state?.endedAt);
  // Another run held the step: wait for it when it runs here, or take the lock (asks first).
  const lockedBy = hasEnded ? state?.lockedBy : undefined;
  const retryBuild = useCallback(
    (steal: boolean) => {
      ctx.builds
        .start({ cloud: ctx.cloud, workflow: ctx.workflow, step, onError: 'ask', cols: ctx.columns, rows: ctx.bodyRows, stealLock: steal })
        .catch(ctx.showError);
    },
    [ctx, step],
  );
  const lock = useStepLock(ctx, step, retryBuild);
  const lockCaught = lock.caught;
  useEffect(() => {
    if (lockedBy) lockCaught(new StepLockedError(step, lockedBy));
  }, [lockedBy, lockCaught, step]);
  const lockAnswer = useRef<((yes: boolean) => void) | null>(null);
  const askLock = useCallback(
    (text: string) =>
      new Promise<boolean>((resolve) => {
        lockAnswer.current = resolve;
        dispatch({ type: 'ask', question: { kind: 'lock', text } });
      }),
    [],
  );

  useEffect(() => {
    ctx.setHints(typing ? ['stopTyping'] : lock.locked ? ['takeLock', 'back', 'help'] : null);
    return () => ctx.setHints(null);
  }, [ctx, typing, lock.locked]);

  useEffect(() => {
    if (hasEnded) dispatch({ type: 'ended' });
  }, [hasEnded]);

  useKeys(
    (input, key) => {
      if (isKey('takeLock', input, key)) {
        if (lock.locked) void lock.offerTake(askLock);
      } else if (isKey('nextField', input, key) || isKey('prevField', input, key)) {
        dispatch({ type: 'switchPane', back: Boolean(key.shift), panes: panes.length });
      } else if (isKey('save', input, key) && pane) {
        savePaneText(step, pane.id, pane.source).then(
          (file) => ctx.notify(`saved the ${pane.label} pane to ${file}`),
          (e) => ctx.showError(e),
        );
      }
    },
    { isActive: !question && !jobQuestion && !typing },
  );

  if (!state) {
    return (
      <Text color={tone('muted')}>
        {ctx.builds.get(stepId)
          ? `starting the build of ${step.id}…`
          : `No build of ${step.id} since the app started — press ${keysLabel('build')} to build it.`}
      </Text>
    );
  }
  const status =
    state.status === 'preflight' ? (
      <SpinnerWithElapsed label={`checking before the build of ${step.id}`} startedAt={state.startedAt} />
    ) : state.status === 'running' || state.status === 'interrupting' ? (
      <SpinnerWithElapsed
        label={`${state.status === 'interrupting' ? 'interrupting (Packer is cleaning up)' : 'building'} ${step.id}${state.instanceId ? ` on ${state.instanceId}` : ''}`}
        startedAt={state.startedAt}
      />
    ) : lockedBy && lock.locked ? (
      <Box flexDirection="column">
        <LockLine holder={lockedBy} waiting={lock.waiting} />
        <Text wrap="truncate" color={tone('muted')}>
          the build of {step.id} did not start: Packer was not run
        </Text>
      </Box>
    ) : (
      <Summary state={state} />
    );
  const tabs = panes.map((p, i) => (i === paneIndex ? `[${p.label}]` : ` ${p.label} `)).join(' ');
  const paneBox = pane ? (
    <TerminalPane key={pane.id} source={pane.source} width={paneWidth} height={paneRows} active={!question && !jobQuestion} onTypingChange={onTypingChange} />
  ) : (
    <Box height={paneRows}>
      <Text color={tone('muted')}>{state.status === 'preflight' ? 'Packer starts after the checks.' : lockedBy ? '' : (state.error ?? '')}</Text>
    </Box>
  );
  return (
    <Box flexDirection="column">
      <Box height={statusRows}>
        {jobQuestion ? (
          <Confirm message={jobQuestion.text} onAnswer={(yes) => jobQuestion.answer(yes)} />
        ) : question ? (
          <Confirm
            message={question.text}
            onAnswer={(yes) => {
              dispatch({ type: 'answered' });
              if (question.kind === 'lock') return lockAnswer.current?.(yes);
              if (!yes || !session) return;
              if (question.kind === 'force') session.forceStop();
              else session.interrupt();
            }}
          />
        ) : (
          <Box width={ctx.columns}>{status}</Box>
        )}
      </Box>
      <Box flexDirection={side ? 'row' : 'column'}>
        <BuildProgress state={state} width={progressWidth} height={progressRows} now={Math.max(Date.now(), state.startedAt + elapsed)} />
        <Box flexDirection="column" marginLeft={side ? 1 : 0} width={paneWidth}>
          <Box height={1}>
            <Text wrap="truncate" color={tone('muted')}>
              {panes.length ? `${tabs}  (Tab switches)` : ''}
            </Text>
          </Box>
          {paneBox}
        </Box>
      </Box>
    </Box>
  );
}
