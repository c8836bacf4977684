import { useRef, useState, type ReactElement } from 'react';
import { Box } from 'ink';
import type { Cloud } from '../../src/aws/ports.js';
import { BuildJobs } from '../../src/packer/build-jobs.js';
import { renderText } from './fixtures.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import type { Workflow } from '../../src/workflow/types.js';
import { KeyHints } from '../../src/ui/components/KeyHints.js';
import { StatusLine, useStatusLine } from '../../src/ui/components/StatusLine.js';
import { AppContextValue, type AppContext, type Route, type ScreenName } from '../../src/ui/context.js';
import { KeyDispatch, useKeys } from '../../src/ui/hooks/useKeys.js';
import type { Action } from '../../src/ui/keys.js';

export interface Harness {
  routes: Route[];
  backs: number;
  errors: unknown[];
  reloads: number;
  /** Ctrl-C presses no screen took (the app would count them towards quitting). */
  quitPresses: number;
  /** The app's build registry, as the screen sees it. */
  builds: BuildJobs;
  /** Times the screen handed the whole terminal to another program. */
  suspends: number;
}

/**
 * Renders one screen the way the app does (context, Esc through the screen's back handler,
 * error line, help bar) without loading anything: the test gives the workflow and the cloud.
 */
export function renderScreen(
  screen: ScreenName,
  workflow: Workflow,
  cloud: Cloud,
  draw: (ctx: AppContext) => ReactElement,
  size = { columns: 120, bodyRows: 20 },
) {
  const h: Harness = { routes: [], backs: 0, errors: [], reloads: 0, quitPresses: 0, builds: new BuildJobs(), suspends: 0 };
  let current = workflow;
  function Shell() {
    const status = useStatusLine();
    const [hints, setHints] = useState<Action[] | null>(null);
    const [, setGeneration] = useState(0);
    const back = useRef<(() => boolean) | null>(null);
    const interrupt = useRef<(() => boolean) | null>(null);
    const captured = useRef(0);
    const capturedAll = useRef(0);
    const ctx = useRef<AppContext | null>(null);
    ctx.current ??= {
      workflow: current,
      cloud,
      options: { workflow: workflow.dir, sandbox: true },
      builds: h.builds,
      ...size,
      reload: async () => {
        h.reloads++;
        // As the app does: a workflow that no longer loads is an error shown in place.
        try {
          current = await loadWorkflow(workflow.dir);
        } catch (e) {
          h.errors.push(e);
          return;
        }
        ctx.current = { ...ctx.current!, workflow: current };
        setGeneration((g) => g + 1);
      },
      navigate: (r) => h.routes.push(r),
      back: () => h.backs++,
      showError: (e) => {
        h.errors.push(e);
        status.showError(e);
      },
      clearError: () => status.clear(),
      notify: (text) => status.notify(text),
      captureKeys: (on) => (captured.current += on ? 1 : -1),
      captureAllKeys: (on) => (capturedAll.current += on ? 1 : -1),
      setBackHandler: (fn) => (back.current = fn),
      setInterruptHandler: (fn) => (interrupt.current = fn),
      setHints: (a) => setHints(a),
      suspend: (work) => {
        h.suspends++;
        return work();
      },
    };
    useKeys((input, key) => {
      if (capturedAll.current > 0) return;
      if (key.ctrl && input === 'c') {
        if (!interrupt.current?.()) h.quitPresses++;
        return;
      }
      if (captured.current > 0) return;
      if (key.escape && !back.current?.()) h.backs++;
    });
    return (
      <AppContextValue.Provider value={ctx.current}>
        <Box flexDirection="column">
          <Box height={size.bodyRows} flexDirection="column">
            {draw(ctx.current)}
          </Box>
          <StatusLine message={status.message} width={size.columns} />
          <KeyHints screen={screen} only={hints ?? undefined} width={size.columns} />
        </Box>
      </AppContextValue.Provider>
    );
  }
  process.env.EDITOR = 'true';
  process.env.VISUAL = 'true';
  return Object.assign(
    renderText(
      <KeyDispatch>
        <Shell />
      </KeyDispatch>,
    ),
    { h },
  );
}
