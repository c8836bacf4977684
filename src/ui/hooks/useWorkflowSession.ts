import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChooseTable, Cloud } from '../../aws/ports.js';
import type { Workflow } from '../../workflow/types.js';
import type { AppOptions } from '../context.js';

/** The workflow and the cloud as the app holds them; each may still be loading or have failed. */
export interface WorkflowSession {
  workflow: Workflow | null;
  workflowError: unknown;
  cloud: Cloud | null;
  cloudError: unknown;
  loading: boolean;
  /** Bumped on every reload, so screens that read the cloud read it again. */
  generation: number;
}

/**
 * Loads the workflow and opens the cloud after the first frame (both import modules that cost
 * start-up time), reopening the cloud only when what it depends on changed. `closeCloud` is
 * called by whoever ends the app.
 */
export function useWorkflowSession(options: AppOptions, onCloud: (cloud: Cloud | null) => void, chooseTable?: ChooseTable) {
  const [session, setSession] = useState<WorkflowSession>({
    workflow: null,
    workflowError: null,
    cloud: null,
    cloudError: null,
    loading: true,
    generation: 0,
  });
  const opened = useRef<{ key: string; cloud: Cloud } | null>(null);

  const reload = useCallback(async () => {
    setSession((s) => ({ ...s, loading: true }));
    let workflow: Workflow;
    try {
      const path = await import('node:path');
      const { loadWorkflow } = await import('../../workflow/load.js');
      workflow = await loadWorkflow(path.resolve(options.workflow));
    } catch (e) {
      setSession((s) => ({ ...s, workflow: null, workflowError: e, loading: false, generation: s.generation + 1 }));
      return;
    }
    setSession((s) => ({ ...s, workflow, workflowError: null }));
    const { cloudOptionsFor, openCloud } = await import('../../aws/open.js');
    const { readSettings } = await import('../../workflow/settings.js');
    // A paw-tui.json that cannot be read shows as the cloud's error when the table is needed.
    const settings = await readSettings(workflow.dir).catch(() => ({}));
    const cloudOptions = { ...cloudOptionsFor(options, workflow, settings), chooseTable };
    const key = JSON.stringify(cloudOptions);
    let cloud = opened.current?.key === key ? opened.current.cloud : null;
    let cloudError: unknown = null;
    if (!cloud) {
      const previous = opened.current?.cloud;
      opened.current = null;
      onCloud(null);
      await previous?.close().catch(() => undefined);
      try {
        cloud = await openCloud(cloudOptions);
        opened.current = { key, cloud };
        onCloud(cloud);
      } catch (e) {
        cloudError = e;
      }
    }
    setSession((s) => ({ ...s, workflow, cloud, cloudError, loading: false, generation: s.generation + 1 }));
  }, [options, onCloud, chooseTable]);

  useEffect(() => {
    // After the first frame is on screen.
    const t = setTimeout(() => void reload(), 0);
    return () => clearTimeout(t);
  }, [reload]);

  return { session, reload };
}
