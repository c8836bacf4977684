import { useEffect, useState, useSyncExternalStore } from 'react';
import type { BuildJob, BuildJobs, JobQuestion } from '../../packer/build-jobs.js';
import type { BuildSession, BuildState } from '../../packer/types.js';

/**
 * Redraws on every change of any build job; returns the jobs' snapshot version. With
 * `minIntervalMs`, a change redraws at once after a quiet spell, but changes that follow within
 * that time are drawn together at its end (Packer may start many phases a second).
 */
export function useBuildJobs(jobs: BuildJobs | null, minIntervalMs = 0): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!jobs) return;
    let last = -Infinity;
    let timer: NodeJS.Timeout | undefined;
    const redraw = () => {
      timer = undefined;
      last = Date.now();
      setVersion((v) => v + 1);
    };
    const off = jobs.subscribe(() => {
      if (timer) return;
      const wait = minIntervalMs - (Date.now() - last);
      if (wait <= 0) redraw();
      else timer = setTimeout(redraw, wait);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [jobs, minIntervalMs]);
  return version;
}

/** The build screen draws a build's changes at most this often (as often as its pane). */
export const BUILD_FRAME_MS = 50;

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
  useBuildJobs(jobs, BUILD_FRAME_MS);
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
