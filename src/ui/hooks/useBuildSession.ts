import { useEffect, useRef, useState } from 'react';
import type { BuildSession, BuildState } from '../../packer/types.js';
import type { Cloud } from '../../aws/ports.js';
import type { Step, Workflow } from '../../workflow/types.js';

export interface BuildSessionOptions {
  cloud: Cloud;
  workflow: Workflow;
  step: Step;
  cols: number;
  rows: number;
  /** Asks the user a yes/no question in the screen (a missing catalog table). */
  ask: (question: string) => Promise<boolean>;
}

/**
 * The one way the build screen sees a build: starts it once, redraws on each state change and
 * releases the pseudo-terminal when the screen closes after the build ended.
 */
export function useBuildSession(options: BuildSessionOptions): { session: BuildSession | null; state: BuildState | null; error: unknown } {
  const [session, setSession] = useState<BuildSession | null>(null);
  const [state, setState] = useState<BuildState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(options);
  latest.current = options;
  useEffect(() => {
    let live = true;
    let started: BuildSession | null = null;
    let off = () => {};
    void (async () => {
      try {
        const { startBuild } = await import('../../packer/build-session.js');
        if (!live) return;
        const o = latest.current;
        started = startBuild({
          cloud: o.cloud,
          workflow: o.workflow,
          step: o.step,
          onError: 'ask',
          cols: o.cols,
          rows: o.rows,
          tableConsent: { yes: false, ask: (q) => latest.current.ask(q) },
        });
        off = started.subscribe((s) => live && setState(s));
        setSession(started);
        setState(started.state);
      } catch (e) {
        if (live) setError(e);
      }
    })();
    return () => {
      live = false;
      off();
      // Leaving is only allowed once the build has ended; a stray unmount still stops Packer.
      if (started && !started.state.endedAt) started.interrupt();
      void started?.done.then(() => started?.dispose());
    };
  }, []);
  return { session, state, error };
}
