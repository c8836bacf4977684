import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { InterruptedError, PawError } from '../../errors.js';
import { wrapRows } from '../../one-line.js';
import type { ActionOptions, ManualGuide, ManualView } from '../../manual/guide.js';
import { openManualGuide } from '../../manual/guide.js';
import { hourlyPrice, keyPairChoices, type KeyPairChoice } from '../../manual/launch.js';
import { checklist, type ChecklistMark } from '../../manual/machine.js';
import { goneImage, manualFacts, MARK_SIGN } from '../../manual/status.js';
import { startTerminal } from '../../packer/terminal.js';
import { findStep } from '../../workflow/load.js';
import type { AdoptableInstance } from '../../manual/adoptable.js';
import { AdoptPicker } from '../components/AdoptPicker.js';
import { Confirm } from '../components/Confirm.js';
import { SpinnerWithElapsed } from '../components/SpinnerWithElapsed.js';
import { TerminalPane } from '../components/TerminalPane.js';
import type { AppContext } from '../context.js';
import { formatAge, useElapsed } from '../hooks/useElapsed.js';
import { useKeys } from '../hooks/useKeys.js';
import { useStepLock } from '../hooks/useStepLock.js';
import { LockLine } from '../components/LockLine.js';
import { isKey, keysLabel } from '../keys.js';
import { tone, type Tone } from '../theme.js';
import { chosenKeyName, initialManualScreenState, launchesNext, manualHints, manualScreenReducer, topLine } from './manual-state.js';

const MARK_TONE: Record<ChecklistMark, Tone | undefined> = { done: 'ok', current: 'accent', next: undefined, later: 'muted' };

/** The choices of a launch: the highlighted one changes with ←/→, Tab moves between them. */
function LaunchChoices(props: { field: 'type' | 'key'; instanceType: string; keyPair: KeyPairChoice | undefined; width: number }) {
  const price = hourlyPrice(props.instanceType);
  const row = (on: boolean, label: string, value: string, note: string) => (
    <Box height={1} width={props.width}>
      <Text wrap="truncate">
        <Text color={tone('accent')}>{on ? '› ' : '  '}</Text>
        {label}
        <Text bold={on} inverse={on}>
          {` ‹ ${value} › `}
        </Text>
        <Text color={tone('muted')}> {note}</Text>
      </Text>
    </Box>
  );
  return (
    <Box flexDirection="column" marginTop={1}>
      {row(props.field === 'type', 'instance type ', props.instanceType, price === null ? '' : `≈ $${price}/h on demand`)}
      {row(props.field === 'key', 'key pair      ', props.keyPair?.name ?? '…', props.keyPair?.note ?? 'asking EC2')}
    </Box>
  );
}

function Checklist({ view, width }: { view: ManualView; width: number }) {
  const gone = goneImage(view);
  return (
    <Box flexDirection="column">
      {checklist(view.state).map(({ spec, mark }) => (
        <Box key={spec.state} height={1} width={width}>
          <Text wrap="truncate" color={tone(MARK_TONE[mark] ?? 'muted')} bold={mark === 'current'}>
            {MARK_SIGN[mark]} {spec.label}
            {mark === 'current' ? '  ← now' : mark === 'next' ? '  (next)' : ''}
            {spec.driver === 'confirm' && mark !== 'done' ? '  · asks first' : ''}
          </Text>
        </Box>
      ))}
      {gone ? (
        <Text wrap="truncate" color={tone('error')}>
          ✖ its AMI {gone} is gone from EC2 (deregistered): the step has no AMI any more
        </Text>
      ) : view.state === 'done' ? (
        <Text color={tone('ok')}>✓ recorded in the catalog ({view.journal.imageId})</Text>
      ) : null}
    </Box>
  );
}

function Facts({ view, ssh, width }: { view: ManualView; ssh: string | null; width: number }) {
  const launched = view.journal.launchedAt ? Date.parse(view.journal.launchedAt) : Date.now();
  const now = launched + useElapsed(launched, undefined, 1000);
  const f = manualFacts(view, now);
  const last = view.journal.history.at(-1);
  const line = (key: string, text: string, t?: Tone) => (
    <Box key={key} height={1} width={width}>
      <Text wrap="truncate" color={t ? tone(t) : undefined}>
        {text}
      </Text>
    </Box>
  );
  // Lines worth reading whole (the ssh line is copied by hand) take the rows they need, each
  // counted, rather than lose their end (`ubuntu@host`) below the screen's last row.
  const wrapped = (key: string, text: string, t: Tone) =>
    wrapRows(text, width).map((row, i) => (
      <Box key={`${key}${i}`} height={1} width={width}>
        <Text color={tone(t)}>{row}</Text>
      </Box>
    ));
  return (
    <Box flexDirection="column" marginTop={1}>
      {f.instanceId
        ? line('i', `instance ${f.instanceId} · ${f.instanceState ?? '?'}${f.address ? ` · ${f.address}` : ''}${f.uptime ? ` · up ${f.uptime}` : ''}`)
        : null}
      {f.cost ? line('c', f.cost, 'muted') : null}
      {f.imageId ? line('m', `image ${f.imageId} · ${f.imageState ?? '?'}`) : null}
      {ssh && view.state === 'connect' ? wrapped('s', ssh, 'accent') : null}
      {view.notes.slice(-3).map((n, i) => line(`n${i}`, `note: ${n}`, 'warn'))}
      {last ? wrapped('l', `last (${formatAge(last.at, now)}): ${last.event}`, 'muted') : null}
    </Box>
  );
}

/**
 * The manual build of one step (SPEC §5): the checklist the guide keeps, the instance, its ssh
 * line, and the one next action on Enter. The guide decides what comes next; this screen shows
 * it, asks before what cannot be undone, and opens the connection in a pane (`c`).
 */
export function ManualScreen({ ctx, stepId }: { ctx: AppContext; stepId: string }) {
  const step = useMemo(() => findStep(ctx.workflow, stepId), [ctx.workflow, stepId]);
  const [state, dispatch] = useReducer(manualScreenReducer, initialManualScreenState);
  const { guide, view, question, session, typing, adopting, opening } = state;
  const aborter = useRef(new AbortController());
  const openedAt = useRef(Date.now());
  const paneRows = Math.max(3, ctx.bodyRows - 3);
  const reopen = useCallback((steal: boolean) => dispatch({ type: 'reopen', steal }), []);
  const lock = useStepLock(ctx, step, reopen);
  const lockCaught = lock.caught;

  const report = useCallback(
    (e: unknown) => {
      if (!(e instanceof InterruptedError) && !lockCaught(e)) ctx.showError(e);
    },
    [ctx, lockCaught],
  );

  const ask = useCallback((text: string) => new Promise<boolean>((answer) => dispatch({ type: 'ask', question: { text, answer } })), []);

  useEffect(() => {
    const abort = new AbortController();
    aborter.current = abort;
    let unsubscribe = () => {};
    openManualGuide(ctx.cloud, ctx.workflow, step).then((g) => {
      if (abort.signal.aborted) return;
      dispatch({ type: 'opened', guide: g });
      unsubscribe = g.subscribe((v) => dispatch({ type: 'view', view: v }));
      // Reopened in the middle of work nobody has to decide on (a wait, the image, the record): go on.
      g.command('go-on', { signal: abort.signal, yes: false, ask, unattended: true, stealLock: opening.steal }).catch(report);
    }, report);
    // Leaving the screen stops the waiting, never the instance: the journal remembers it.
    return () => {
      abort.abort();
      unsubscribe();
    };
  }, [ctx.cloud, ctx.workflow, step, report, ask, opening]);

  // The table says Enter launches: the launch's choices are shown, and the key pairs asked for.
  const atLaunch = launchesNext(view);
  useEffect(() => {
    if (!atLaunch) return;
    keyPairChoices(ctx.cloud, ctx.workflow, step).then((choices) => dispatch({ type: 'keyPairs', choices }), report);
  }, [atLaunch, ctx.cloud, ctx.workflow, step, report]);

  const go = useCallback(
    async (work: (g: ManualGuide, o: ActionOptions & { ask: typeof ask }) => Promise<void>) => {
      if (!guide || guide.view.busy) return;
      ctx.clearError();
      try {
        await work(guide, { signal: aborter.current.signal, yes: false, ask });
      } catch (e) {
        report(e);
      }
    },
    [guide, ctx, ask, report],
  );

  // Enter and x only name a command; the table of manual/machine.ts decides what it does here.
  const next = () => {
    const gone = guide && goneImage(guide.view);
    if (gone) {
      return go(async (g, o) => {
        if (await o.ask(`Start the manual path of ${step.id} again (AMI ${gone} is gone)? Nothing is launched yet.`)) await g.startAgain();
      });
    }
    return go((g, o) => g.command('next', { ...o, instanceType: state.instanceType, keyName: launchesNext(g.view) ? chosenKeyName(state) : undefined }));
  };

  const abandon = () => go((g, o) => g.command('abandon', o));

  const adopt = (i: AdoptableInstance) => {
    dispatch({ type: 'adopting', on: false });
    const what = [i.name, i.instanceType, i.state].filter(Boolean).join(', ');
    return go(async (g, o) => {
      const question = `Adopt instance ${i.id} (${what}) for step ${step.id}? It is tagged, then stopped and imaged (each asked); terminated only if you say so.`;
      if (await o.ask(question)) await g.command('adopt', { ...o, instanceId: i.id });
    });
  };

  const connect = () => {
    if (!guide || session) return;
    try {
      const command = guide.connectCommand();
      const terminal = startTerminal({ ...command, cwd: step.dir, cols: ctx.columns, rows: paneRows - 1 });
      // Leaving the session (exit, logout, a dropped connection) brings the checklist back.
      terminal.onExit(() => {
        terminal.dispose();
        dispatch({ type: 'disconnected' });
        void guide.refresh().catch(report);
      });
      dispatch({ type: 'connected', session: { terminal, label: command.label } });
    } catch (e) {
      report(e);
    }
  };

  /** The whole terminal to the session (a real ssh, or SSM), as lazygit and k9s hand it over. */
  const connectFull = () => {
    if (!guide || session) return;
    // The app waits while the session has the terminal: a build's output (and so Packer) would wait too.
    const building = ctx.builds.running().map((j) => j.stepId);
    if (building.length) {
      return ctx.showError(new PawError(`${building.join(', ')} is building`, { hint: `connect in a pane with ${keysLabel('connect')} until it ends` }));
    }
    let command: ReturnType<ManualGuide['connectCommand']>;
    try {
      command = guide.connectCommand();
    } catch (e) {
      return report(e);
    }
    void ctx
      .suspend(async () => {
        process.stdout.write(`paw-tui: ${command.label} — the app comes back when it exits\n`);
        const { spawnSync } = await import('node:child_process');
        const result = spawnSync(command.file, command.args, { cwd: step.dir, stdio: 'inherit' });
        if (result.error) throw result.error;
      })
      .then(() => guide.refresh(), report);
  };

  const gone = view ? goneImage(view) : null;
  const hints = manualHints(state, lock.locked !== null);
  const hintsKey = hints.join(' ');
  useEffect(() => {
    ctx.setBackHandler(() => {
      if (!session) return false;
      session.terminal.kill('SIGHUP');
      return true;
    });
    ctx.setHints(hintsKey.split(' ') as typeof hints);
    return () => {
      ctx.setBackHandler(null);
      ctx.setHints(null);
    };
  }, [ctx, session, hintsKey]);

  useEffect(() => () => session?.terminal.dispose(), [session]);

  useKeys(
    (input, key) => {
      if (isKey('takeLock', input, key)) void lock.offerTake(ask);
      else if (isKey('open', input, key)) void next();
      else if (isKey('connect', input, key)) connect();
      else if (isKey('connectFull', input, key)) connectFull();
      else if (isKey('abandon', input, key)) void abandon();
      else if (isKey('refresh', input, key)) void guide?.refresh().catch(report);
      else if (!atLaunch || view?.busy) return;
      else if (isKey('adopt', input, key)) dispatch({ type: 'adopting', on: true });
      else if (isKey('nextField', input, key) || isKey('prevField', input, key)) dispatch({ type: 'nextField' });
      else if (isKey('change', input, key)) dispatch({ type: 'change', back: key.leftArrow });
    },
    { isActive: !question && !session && !adopting },
  );

  if (!view) return <SpinnerWithElapsed label={`reading the manual journal of ${step.id} and checking EC2`} startedAt={openedAt.current} />;

  const top = question ? (
    <Confirm
      message={question.text}
      onAnswer={(yes) => {
        dispatch({ type: 'answered' });
        question.answer(yes);
      }}
    />
  ) : view.busy ? (
    <SpinnerWithElapsed label={view.busy.label} startedAt={view.busy.since} />
  ) : lock.locked ? (
    <LockLine holder={lock.locked.holder} waiting={lock.waiting} />
  ) : (
    <Text wrap="truncate" color={tone(gone ? 'warn' : 'muted')}>
      {topLine(view, state.instanceType, ctx.columns)}
    </Text>
  );

  if (session) {
    return (
      <Box flexDirection="column">
        <Box height={1} width={ctx.columns}>
          <Text wrap="truncate" color={tone(ctx.cloud.kind === 'sandbox' ? 'sandbox' : 'accent')}>
            {session.label}
          </Text>
        </Box>
        <Box height={1} width={ctx.columns}>
          <Text wrap="truncate" color={tone('muted')}>
            {typing
              ? `every key goes to the session; ${keysLabel('stopTyping')} takes them back`
              : `${keysLabel('focusPane')}: type into the session   Esc: close it`}
            {'   exit: back to the checklist'}
          </Text>
        </Box>
        <TerminalPane
          source={session.terminal}
          width={ctx.columns}
          height={paneRows}
          active={!question}
          onTypingChange={(on) => dispatch({ type: 'typing', on })}
        />
      </Box>
    );
  }

  // The live area never grows past the rows the app gives the screen (Ink flickers otherwise).
  return (
    <Box flexDirection="column" height={ctx.bodyRows} overflow="hidden">
      {/* Rows keep their height and the bottom is cut, rather than every row squeezed. */}
      <Box flexDirection="column" flexShrink={0}>
        <Box height={1} width={ctx.columns}>
          {top}
        </Box>
        <Box height={1} />
        <Checklist view={view} width={ctx.columns} />
        {atLaunch && adopting && !question ? (
          <AdoptPicker
            cloud={ctx.cloud}
            width={ctx.columns}
            rows={ctx.bodyRows - 10}
            onChoose={(i) => void adopt(i)}
            onClose={() => dispatch({ type: 'adopting', on: false })}
            onError={report}
          />
        ) : atLaunch ? (
          <LaunchChoices field={state.field} instanceType={state.instanceType} keyPair={state.keyPairs[state.keyIndex]} width={ctx.columns} />
        ) : null}
        <Facts view={view} ssh={guide?.sshLine() ?? null} width={ctx.columns} />
      </Box>
    </Box>
  );
}
