import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { BuildJob, BuildJobs, JobQuestion } from '../../packer/build-jobs.js';
import type { BuildSession, BuildState } from '../../packer/types.js';
import { useFrames } from './useFrames.js';

/** Redraws on every change of any build job (home, the step screen); returns a version that changes with each. */
export function useBuildJobs(jobs: BuildJobs | null): number {
  const [version, setVersion] = useState(0);
  useEffect(() => jobs?.subscribe(() => setVersion((v) => v + 1)), [jobs]);
  return version;
}

/**
 * The one way a screen sees a build: the step's job in the app's registry. The screen never
 * starts or stops a build by opening or closing; the registry holds it while the user is away.
 */
export function useBuildSession(
  jobs: BuildJobs,
  stepId: string,
): { job: BuildJob | undefined; session: BuildSession | null; state: BuildState | null; question: JobQuestion | null; error: unknown } {
  const job = useSyncExternalStore(
    (onChange) => jobs.subscribe(onChange),
    () => jobs.get(stepId),
  );
  // A build's changes are drawn on the shared frame clock: those that come within a frame
  // together (Packer may start many phases a second), with the pane's new output.
  useFrames(useCallback((changed: () => void) => jobs.subscribe(changed), [jobs]));
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    job?.ready.catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [job]);
  const session = job?.session ?? null;
  return { job, session, state: session?.state ?? null, question: job?.question ?? null, error };
}
