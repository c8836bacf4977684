import type { LockHolder } from '../aws/ports.js';
/**
 * Shapes shared by the Packer core and its two faces (the Ink build screen and the headless
 * `build` command). The implementations live beside this file.
 */

/** A run of text with one style, as the headless terminal holds it. */
export interface StyledSpan {
  text: string;
  /** `#rrggbb`, or undefined for the default colour. */
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export type StyledLine = StyledSpan[];

/**
 * A process in a pseudo-terminal, seen through a headless terminal emulator. Used for
 * `packer build` and, in the manual path, for SSH. Core only: no React.
 */
export interface TerminalSession {
  /** The process in the terminal; it leads its own process group. */
  readonly pid: number;
  readonly cols: number;
  readonly rows: number;
  /** Lines kept: the screen plus the bounded scrollback. */
  readonly length: number;
  /**
   * `height` lines ending `fromBottom` lines above the last line (0 = follow the output).
   * Cheap: reads only those lines from the emulator's buffer.
   */
  view(fromBottom: number, height: number): StyledLine[];
  /** Plain text of line `index` (0 = oldest kept), for search. */
  lineText(index: number): string;
  /** Keys typed in the pane go to the process. */
  write(data: string): void;
  /** Resizes the pty and the emulator together. */
  resize(cols: number, rows: number): void;
  /** Called after output changed; consumers throttle their own redraws (≤ 30/s). */
  onChange(listener: () => void): () => void;
  onExit(listener: (exit: { exitCode: number; signal?: number }) => void): () => void;
  readonly exit: { exitCode: number; signal?: number } | null;
  /** Sends a signal to the process (SIGINT for Packer's clean-up). */
  kill(signal?: NodeJS.Signals): void;
  dispose(): void;
}

export interface Phase {
  build: string;
  message: string;
  startedAt: number;
  /** Set when the next phase of the same build starts, or the run ends. */
  endedAt?: number;
  /** Packer said this failed (`Error …`, `… failed`, `Build '…' errored`). */
  failed?: boolean;
}

export type CheckStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped';

export interface PreflightCheck {
  id: 'packer' | 'credentials' | 'source-ami' | 'output-name' | 'catalog' | 'render' | 'init' | 'validate';
  label: string;
  status: CheckStatus;
  /** What was found (version, AMI id...) or, when failed, the one line saying what to fix. */
  detail?: string;
  /** The full output behind a failed check (e.g. `packer validate`'s messages). */
  output?: string;
}

export type BuildStatus = 'preflight' | 'running' | 'interrupting' | 'succeeded' | 'failed' | 'interrupted';

export interface BuildState {
  stepId: string;
  runId: string;
  status: BuildStatus;
  checks: PreflightCheck[];
  phases: Phase[];
  /** Build names seen in `==> <build>:` prefixes, in order of appearance. */
  builds: string[];
  instanceId?: string;
  amiId?: string;
  startedAt: number;
  endedAt?: number;
  exitCode?: number;
  /** `.paw/logs/<step_id>-<timestamp>.log` (ANSI stripped, credentials redacted). */
  logPath?: string;
  /** PACKER_LOG_PATH of this run. */
  debugLogPath?: string;
  recorded?: boolean;
  /** The one line saying what went wrong, when it did. */
  error?: string;
  /** Another run held the step's lock: who (the build did not start). */
  lockedBy?: LockHolder;
  /** Exit code a headless command should end with (0, 1 or 130), once finished. */
  commandExitCode?: 0 | 1 | 130;
  /** Notes along the way after Packer (AMI waited for, tagged, recorded, incident started). */
  notes?: string[];
}

/** The raw output of a terminal session, chunk by chunk (for the output parser and the log). */
export interface RawOutput {
  /**
   * `plain`, where given: the same chunk without its colour codes (a redacting terminal's, when
   * colour codes were its only escape sequences).
   */
  onData(listener: (chunk: string, plain?: string) => void): () => void;
}

/** What `-on-error` tells Packer to do when a build fails. */
export type OnError = 'ask' | 'cleanup' | 'abort';

/** The Packer binary found on this machine: run `path` with `args` first, then Packer's own. */
export interface PackerBinary {
  path: string;
  args: string[];
  version: string;
}

/**
 * A build of one step, from preflight to the catalog record. The Ink build screen and the
 * headless `build` command are its two faces; both only read `state` and call the actions.
 */
export interface BuildSession {
  readonly state: BuildState;
  /** Packer's pseudo-terminal; null until the build starts (during preflight, and for dry runs). */
  readonly terminal: (TerminalSession & RawOutput) | null;
  /** The tail of Packer's debug log (PACKER_LOG_PATH), credentials redacted. */
  readonly debugTerminal?: DebugLogTail;
  /** The exact `packer build` command line (shown by --dry-run). */
  readonly command: string | null;
  /** Called after every change of `state` (new object each time: compare by reference). */
  subscribe(listener: (state: BuildState) => void): () => void;
  /**
   * Lines of one build (the `<build>` prefix of its lines), ANSI stripped, bounded: kept from the
   * first time they are asked for (a pane shows them), that time from the last 4 MB of output.
   */
  buildLines(build: string): string[];
  /**
   * Called after each chunk of Packer's output has been read (new lines for `buildLines`).
   * Not throttled: a pane redraws at its own pace.
   */
  onOutput(listener: () => void): () => void;
  /** Sends an interrupt to Packer, which cleans up and exits. */
  interrupt(): void;
  /** Kills Packer at once; the build instance may be left running (state.error names it). */
  forceStop(): void;
  readonly done: Promise<BuildState>;
  /** Releases the terminal and the debug log tail (kills Packer if it still runs). */
  dispose(): void;
}

/** A bounded tail of a text file that grows (Packer's debug log), lines redacted. */
export interface DebugLogTail {
  readonly path: string;
  lines(): string[];
  onChange(listener: () => void): () => void;
  dispose(): void;
}
