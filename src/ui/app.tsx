import { relative, resolve } from 'node:path';
import { useKeys } from './hooks/useKeys.js';
import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState, type ComponentType } from 'react';
import type { Cloud } from '../aws/ports.js';
import { BuildJobs } from '../packer/build-jobs.js';
import { NoWorkflowError, PawError } from '../errors.js';
import { Confirm } from './components/Confirm.js';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { StatusLine, useStatusLine } from './components/StatusLine.js';
import { CommandPalette } from './components/CommandPalette.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { paletteEntries } from './palette-entries.js';
import { KeyHints } from './components/KeyHints.js';
import { AppContextValue, type AppContext, type AppOptions, type Route } from './context.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { useWorkflowSession } from './hooks/useWorkflowSession.js';
import { useTableChooser } from './hooks/useTableChooser.js';
import { TableChooser } from './components/TableChooser.js';
import { settingsPath } from '../workflow/settings.js';
import { isKey, type Action } from './keys.js';
import { HomeScreen } from './screens/HomeScreen.js';
import { InitScreen } from './screens/InitScreen.js';
import { tone } from './theme.js';

/** How long after a first Ctrl-C a second one quits. */
export const QUIT_ARMED_MS = 3000;

/*
 * Screens other than home are loaded when first opened, so the first frame pays only for home.
 * Every screen is a component taking `{ ctx: AppContext }` plus its route's fields; the manual
 * guide (src/ui/screens/ManualScreen.tsx) exports `ManualScreen({ ctx, stepId }: { ctx:
 * AppContext; stepId: string })`.
 */
type ScreenProps = { ctx: AppContext; stepId?: string };
function screen(load: () => Promise<ComponentType<ScreenProps>>) {
  return lazy(async () => ({ default: await load() }));
}
const screens: Partial<Record<Route['screen'], ComponentType<ScreenProps>>> = {
  amis: screen(async () => (await import('./screens/AmisScreen.js')).AmisScreen),
  'base-ami': screen(async () => (await import('./screens/BaseAmiScreen.js')).BaseAmiScreen),
  manual: screen(async () => {
    const { ManualScreen } = await import('./screens/ManualScreen.js');
    return ({ ctx, stepId }) => <ManualScreen ctx={ctx} stepId={stepId ?? ''} />;
  }),
  'new-step': screen(async () => (await import('./screens/NewStepScreen.js')).NewStepScreen),
  step: screen(async () => {
    const { StepScreen } = await import('./screens/StepScreen.js');
    return ({ ctx, stepId }) => <StepScreen ctx={ctx} stepId={stepId ?? ''} />;
  }),
  params: screen(async () => (await import('./screens/ParamsScreen.js')).ParamsScreen),
  build: screen(async () => {
    const { BuildScreen } = await import('./screens/BuildScreen.js');
    return ({ ctx, stepId }) => <BuildScreen ctx={ctx} stepId={stepId ?? ''} />;
  }),
};

const titles: Record<Route['screen'], string> = {
  home: 'home',
  amis: 'AMIs',
  'base-ami': 'base AMI',
  params: 'params',
  'new-step': 'new step',
  step: 'step',
  build: 'build',
  manual: 'manual build',
};

/** Rows the app keeps for itself: header, message line, help bar, and one spare so Ink never fills the terminal. */
const CHROME_ROWS = 4;

export function App({
  options,
  onCloud,
  onQuit,
  onErrorReporter,
  onStopReporter,
  builds: givenBuilds,
}: {
  options: AppOptions;
  /** The builds of this run (created here when not given). */
  builds?: BuildJobs;
  /** Receives the function that says on screen why the app is stopping (a signal). */
  onStopReporter?: (show: (why: string) => void) => void;
  onCloud: (cloud: Cloud | null) => void;
  onQuit: (code: number) => void;
  /** Receives the function that shows an error in the app (for failures outside any screen). */
  onErrorReporter?: (show: (e: unknown) => void) => void;
}) {
  const { exit } = useApp();
  const { stdin } = useStdin();
  const { write } = useStdout();
  const { columns, rows } = useTerminalSize();
  const status = useStatusLine();
  const { showError: setError, notify } = status;
  const workflowDir = resolve(options.workflow);
  const tables = useTableChooser(workflowDir, setError);
  const { session, reload } = useWorkflowSession(options, onCloud, tables.chooseTable);
  const [stack, setStack] = useState<Route[]>([{ screen: 'home' }]);
  const error = status.message?.kind === 'error';
  const [help, setHelp] = useState(false);
  const [palette, setPalette] = useState(false);
  const [quitArmed, setQuitArmed] = useState(false);
  // A second Ctrl-C quits only within QUIT_ARMED_MS of the first; each arming gets its own time.
  useEffect(() => {
    if (!quitArmed) return;
    const timer = setTimeout(() => setQuitArmed(false), QUIT_ARMED_MS);
    return () => clearTimeout(timer);
  }, [quitArmed]);
  const [builds] = useState(() => givenBuilds ?? new BuildJobs());
  /** Quitting while builds run: asked first (interrupting is the default), then the clean-up shown. */
  const [quitAsk, setQuitAsk] = useState<{ code: number } | null>(null);
  const [stopping, setStopping] = useState<string | null>(null);
  const [hints, setHintsState] = useState<Action[] | null>(null);
  const captured = useRef(0);
  const capturedAll = useRef(0);
  const backHandler = useRef<(() => boolean) | null>(null);
  const interruptHandler = useRef<(() => boolean) | null>(null);
  const route = stack[stack.length - 1]!;
  const offeringInit = route.screen === 'home' && session.workflowError instanceof NoWorkflowError;
  const stackDepth = useRef(stack.length);
  stackDepth.current = stack.length;
  useEffect(() => onErrorReporter?.((e) => setError(e)), [onErrorReporter, setError]);
  useEffect(() => onStopReporter?.((why) => setStopping(why)), [onStopReporter]);
  const bodyRows = Math.max(3, rows - CHROME_ROWS);

  const leave = useCallback(
    (code: number) => {
      onQuit(code);
      exit();
    },
    [exit, onQuit],
  );
  const quit = useCallback(
    (code: number) => {
      if (builds.running().length) setQuitAsk({ code });
      else leave(code);
    },
    [builds, leave],
  );
  const interruptAndQuit = useCallback(() => {
    setQuitAsk(null);
    setStopping(
      `interrupting ${builds
        .running()
        .map((j) => j.stepId)
        .join(', ')} — Packer is cleaning up…`,
    );
    void builds.interruptAll().then(() => leave(130));
  }, [builds, leave]);

  // Home shows a build's AMI once the build ends, whichever screen is open.
  useEffect(() => {
    const seen = new WeakSet<object>();
    return builds.subscribe(() => {
      for (const { session } of builds.list()) {
        if (!session?.state.endedAt || seen.has(session)) continue;
        seen.add(session);
        void reload();
      }
    });
  }, [builds, reload]);
  const navigate = useCallback(
    (to: Route) => {
      setError(null);
      setHintsState(null);
      backHandler.current = null;
      interruptHandler.current = null;
      setStack((s) => [...s, to]);
    },
    [setError],
  );
  const back = useCallback(() => {
    setError(null);
    setHintsState(null);
    backHandler.current = null;
    interruptHandler.current = null;
    setStack((s) => (s.length > 1 ? s.slice(0, -1) : s));
  }, [setError]);
  const captureKeys = useCallback((on: boolean) => {
    captured.current = Math.max(0, captured.current + (on ? 1 : -1));
  }, []);
  const captureAllKeys = useCallback((on: boolean) => {
    capturedAll.current = Math.max(0, capturedAll.current + (on ? 1 : -1));
  }, []);
  const suspend = useCallback(
    async <T,>(work: () => Promise<T>): Promise<T> => {
      // The other program gets the terminal as a shell would give it: the main screen, cooked
      // mode, the cursor shown. It must run synchronously (spawnSync): a read from here while
      // it has the terminal would take its keys, or fail with EIO once a shell there makes
      // itself the foreground group.
      stdin.setRawMode?.(false);
      process.stdout.write('\x1b[?1049l\x1b[?25h');
      try {
        return await work();
      } finally {
        stdin.setRawMode?.(true);
        // Back on the app's screen, drawn whole again.
        write('\x1b[?1049h\x1b[2J\x1b[H');
      }
    },
    [stdin, write],
  );

  const ctx: AppContext | null = useMemo(
    () =>
      session.workflow && session.cloud
        ? {
            workflow: session.workflow,
            cloud: session.cloud,
            options,
            builds,
            columns,
            bodyRows,
            reload,
            navigate,
            back,
            showError: (e: unknown) => setError(e),
            clearError: () => setError(null),
            notify,
            captureKeys,
            captureAllKeys,
            setBackHandler: (h) => (backHandler.current = h),
            setInterruptHandler: (h) => (interruptHandler.current = h),
            setHints: (a) => setHintsState(a),
            suspend,
          }
        : null,
    [session.workflow, session.cloud, options, builds, columns, bodyRows, reload, navigate, back, setError, notify, captureKeys, captureAllKeys, suspend],
  );

  const open = useCallback(
    (to: Route) => {
      if (to.screen === 'home') return;
      if (!ctx) {
        setError(session.workflowError ?? session.cloudError ?? new PawError('still opening the workflow and the cloud', { hint: 'try again in a moment' }));
        return;
      }
      navigate(to);
    },
    [ctx, session, navigate, setError],
  );

  useKeys((input, key) => {
    if (stopping || quitAsk || capturedAll.current > 0) return;
    if (key.ctrl && input === 'c') {
      if (interruptHandler.current?.()) return;
      if (quitArmed) return quit(130);
      setQuitArmed(true);
      return;
    }
    if (quitArmed) setQuitArmed(false);
    if (help) {
      setHelp(false);
      return;
    }
    if (captured.current > 0) return;
    if (isKey('help', input, key)) setHelp(true);
    else if (isKey('palette', input, key)) setPalette(true);
    else if (isKey('back', input, key)) {
      if (error) setError(null);
      else if (!backHandler.current?.()) back();
    } else if (route.screen === 'home' && isKey('quit', input, key)) quit(0);
  });

  const Screen = screens[route.screen];
  const title = session.workflow ? session.workflow.param.workflow_id : options.workflow;
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Box height={1} width={columns}>
        <Text bold wrap="truncate">
          paw-tui <Text color={tone('muted')}>·</Text> {title} <Text color={tone('muted')}>·</Text> {offeringInit ? 'new workflow' : titles[route.screen]}
        </Text>
        {options.sandbox ? (
          <Box flexShrink={0} marginLeft={1}>
            <Text inverse bold color={tone('sandbox')}>
              {' SANDBOX '}
            </Text>
          </Box>
        ) : null}
      </Box>
      {palette ? (
        <CommandPalette
          width={columns}
          height={Math.min(12, Math.max(4, Math.floor(bodyRows / 2)))}
          onClose={() => setPalette(false)}
          entries={paletteEntries({
            steps: session.workflow?.steps ?? [],
            open,
            home: () => {
              for (let depth = stackDepth.current; depth > 1; depth--) back();
            },
            refresh: () => void reload(),
            keys: () => setHelp(true),
          })}
        />
      ) : null}
      <Box height={palette ? Math.max(1, bodyRows - Math.min(12, Math.max(4, Math.floor(bodyRows / 2)))) : bodyRows} flexDirection="column" overflow="hidden">
        {tables.asking ? (
          <TableChooser
            question={tables.asking}
            settingsFile={relative(process.cwd(), settingsPath(workflowDir)) || 'paw-tui.json'}
            width={columns}
            onAnswer={(a) => void tables.answer(a)}
          />
        ) : help ? (
          <HelpOverlay screen={route.screen} rows={bodyRows} width={columns} />
        ) : (
          <AppContextValue.Provider value={ctx}>
            <ErrorBoundary key={stack.length + route.screen}>
              {route.screen === 'home' && session.workflowError instanceof NoWorkflowError ? (
                <InitScreen
                  dir={workflowDir}
                  region={options.region}
                  profile={options.profile}
                  width={columns}
                  onCreated={() => void reload()}
                  onError={setError}
                />
              ) : route.screen === 'home' ? (
                <HomeScreen
                  builds={builds}
                  session={session}
                  sandbox={options.sandbox}
                  ctx={ctx}
                  open={open}
                  reload={reload}
                  columns={columns}
                  bodyRows={bodyRows}
                  onError={setError}
                  setHints={setHintsState}
                />
              ) : ctx && Screen ? (
                <Suspense fallback={<Text color={tone('muted')}>opening…</Text>}>
                  <Screen ctx={ctx} stepId={'stepId' in route ? route.stepId : undefined} />
                </Suspense>
              ) : (
                <Text>This screen is not available yet.</Text>
              )}
            </ErrorBoundary>
          </AppContextValue.Provider>
        )}
      </Box>
      {stopping ? (
        <Box height={1}>
          <Text color={tone('warn')} wrap="truncate">
            {stopping}
          </Text>
        </Box>
      ) : quitAsk ? (
        <Confirm
          defaultYes
          modal
          message={`${builds
            .running()
            .map((j) => j.stepId)
            .join(', ')} still building. Interrupt (Packer cleans up) and quit?`}
          onAnswer={(yes) => (yes ? interruptAndQuit() : setQuitAsk(null))}
        />
      ) : quitArmed ? (
        <Box height={1}>
          <Text color={tone('warn')}>Press Ctrl-C again to quit.</Text>
        </Box>
      ) : (
        <StatusLine message={status.message} width={columns} />
      )}
      <KeyHints
        screen={route.screen}
        only={
          tables.asking
            ? ['open', 'move', 'back']
            : help
              ? ['back']
              : palette
                ? ['open', 'move', 'back']
                : offeringInit
                  ? ['save', 'nextField', 'change', 'quitTwice']
                  : (hints ?? undefined)
        }
        width={columns}
      />
    </Box>
  );
}
