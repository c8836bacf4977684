import type { StartBuildOptions } from './build-session.js';
import type { BuildSession, BuildState } from './types.js';

/** A yes/no question a build waits on (may the catalog table be created?). */
export interface JobQuestion {
  text: string;
  answer(yes: boolean): void;
}

/** One build started in this process, whichever screen is showing. */
export interface BuildJob {
  readonly stepId: string;
  /** Null while the build module loads (a moment after start). */
  readonly session: BuildSession | null;
  readonly ready: Promise<BuildSession>;
  /** The question the build waits on, until someone answers it. */
  readonly question: JobQuestion | null;
}

export type JobStartOptions = Omit<StartBuildOptions, 'tableConsent' | 'replaceConsent'>;

/** Several builds one after another (home's "build stale steps"), while it runs and once it ended. */
export interface ChainProgress {
  /** The steps it builds, in chain order. */
  steps: string[];
  /** The step building now, or where the run ended. */
  index: number;
  status: 'running' | 'done' | 'stopped' | 'failed';
  /** How it ended, in one line; null while it runs. */
  message: string | null;
  /** The manual step that stopped it, when one did: built by hand, then the run goes on. */
  stoppedAt?: string;
}

type MutableJob = { -readonly [K in keyof BuildJob]: BuildJob[K] };

const ended = (s: BuildState) => Boolean(s.endedAt);

/**
 * The builds of one app run (STYLE.md: long work is an object with events). A build belongs
 * here, not to the screen that shows it: leaving the screen leaves it running, home lists it,
 * quitting and signals interrupt it. One build per step at a time; the last one of each step
 * is kept (ended or not) so its output can be read again.
 */
export class BuildJobs {
  private readonly jobs = new Map<string, MutableJob>();
  private readonly listeners = new Set<() => void>();
  private chainProgress: ChainProgress | null = null;

  /** The last chain of builds started here; null when none was. */
  get chain(): ChainProgress | null {
    return this.chainProgress;
  }

  setChain(progress: ChainProgress | null): void {
    this.chainProgress = progress;
    this.emit();
  }

  /** Called after any job starts, changes state, asks or is answered. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }

  get(stepId: string): BuildJob | undefined {
    return this.jobs.get(stepId);
  }

  list(): BuildJob[] {
    return [...this.jobs.values()];
  }

  /** Jobs whose build has not ended (or not started yet), in start order. */
  running(): BuildJob[] {
    return [...this.jobs.values()].filter((j) => !j.session || !ended(j.session.state));
  }

  /**
   * Starts a build of the step, or gives the one already running. A previous ended build of the
   * step is released. The build module loads on first use (never on the app's first frame).
   */
  start(options: JobStartOptions): Promise<BuildSession> {
    const stepId = options.step.id;
    const previous = this.jobs.get(stepId);
    if (previous && (!previous.session || !ended(previous.session.state))) return previous.ready;
    previous?.session?.dispose();
    const job: MutableJob = {
      stepId,
      session: null,
      question: null,
      ready: null as unknown as Promise<BuildSession>,
    };
    const ask = (text: string) =>
      new Promise<boolean>((resolve) => {
        job.question = {
          text,
          answer: (yes) => {
            job.question = null;
            this.emit();
            resolve(yes);
          },
        };
        this.emit();
      });
    job.ready = import('./build-session.js').then(({ startBuild }) => {
      const session = startBuild({ ...options, tableConsent: { yes: false, ask }, replaceConsent: { force: false, ask } });
      job.session = session;
      session.subscribe(() => this.emit());
      this.emit();
      return session;
    });
    this.jobs.set(stepId, job);
    this.emit();
    return job.ready;
  }

  /**
   * Interrupts every running build as a confirmed Ctrl-C does (Packer cleans up) and waits
   * until each has ended. A question a build waits on is answered no.
   */
  async interruptAll(): Promise<void> {
    const waiting = this.running().map(async (job) => {
      job.question?.answer(false);
      const session = await job.ready.catch(() => null);
      if (!session) return;
      session.interrupt();
      await session.done.catch(() => undefined);
    });
    await Promise.all(waiting);
  }

  /** Releases every terminal (kills what still runs). */
  dispose(): void {
    for (const job of this.jobs.values()) job.session?.dispose();
    this.jobs.clear();
    this.listeners.clear();
  }
}
