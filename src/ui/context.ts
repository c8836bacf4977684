import { createContext } from 'react';
import type { Cloud } from '../aws/ports.js';
import type { BuildJobs } from '../packer/build-jobs.js';
import type { Workflow } from '../workflow/types.js';
import type { Action } from './keys.js';

/** How the app was started (the global options of the CLI that matter to it). */
export interface AppOptions {
  /** The workflow folder (relative paths are taken from the current directory). */
  workflow: string;
  sandbox: boolean;
  profile?: string;
  region?: string;
  /** `--table`: the catalog's DynamoDB table. */
  table?: string;
}

/** Where the user can go. Screens other than home need a loaded workflow and an open cloud. */
export type Route =
  | { screen: 'home' }
  | { screen: 'amis' }
  | { screen: 'base-ami' }
  | { screen: 'params'; stepId?: string }
  | { screen: 'new-step' }
  | { screen: 'step'; stepId: string }
  | { screen: 'build'; stepId: string }
  | { screen: 'manual'; stepId: string };

export type ScreenName = Route['screen'];

/**
 * What every screen gets (as the prop `ctx`). Screens draw core state and call core functions;
 * this is how they move around the app and report what went wrong.
 */
export interface AppContext {
  readonly workflow: Workflow;
  readonly cloud: Cloud;
  readonly options: AppOptions;
  /** The builds of this app run: they keep running whichever screen shows. */
  readonly builds: BuildJobs;
  /** Terminal width. */
  readonly columns: number;
  /** Rows the screen's own content may use (the header, error line and help bar are outside). */
  readonly bodyRows: number;
  /** Reads the workflow folder again (after an edit) and redraws every screen with it. */
  reload(): Promise<void>;
  navigate(route: Route): void;
  /** The previous screen (home stays home). */
  back(): void;
  /** Shows the error's one line (message — what to do) in place; never a stack trace. */
  showError: (e: unknown) => void;
  clearError(): void;
  /** Says something passing (saved, copied…) in the status line; it goes at the next key or after a while. */
  notify(text: string): void;
  /**
   * While true, the app's own single keys (q, ?, Esc) are left to the screen: a text field or a
   * focused terminal pane is taking them. Ctrl-C always reaches the app.
   */
  captureKeys: (on: boolean) => void;
  /** While true, every key goes to the focused terminal pane, Ctrl-C too: the app takes none. */
  captureAllKeys: (on: boolean) => void;
  /** Esc on this screen: return true when the screen handled it (closed a detail view...). */
  setBackHandler(handler: (() => boolean) | null): void;
  /** Ctrl-C on this screen: return true when the screen handled it (a running build asks first). */
  setInterruptHandler(handler: (() => boolean) | null): void;
  /** Narrows the help bar to the keys that work now (a confirmation is open...); null restores it. */
  setHints(actions: Action[] | null): void;
  /** Gives the terminal to another program ($EDITOR, ssh) while Ink steps aside; run it with spawnSync. */
  suspend<T>(work: () => Promise<T>): Promise<T>;
}

export const AppContextValue = createContext<AppContext | null>(null);
