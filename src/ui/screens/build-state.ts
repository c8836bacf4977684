import type { BuildState } from '../../packer/types.js';

/**
 * The build screen's own state and every change to it, apart from drawing: which pane shows,
 * whether keys go to Packer, the question asked on Ctrl-C. The build itself is the session's.
 */

/**
 * What the screen asks: on Ctrl-C, to interrupt (Packer cleans up), or, while it cleans up, to
 * stop it by force; on L, to take the step's lock from the run holding it.
 */
export interface BuildQuestion {
  kind: 'interrupt' | 'force' | 'lock';
  text: string;
}

export interface BuildScreenState {
  paneIndex: number;
  /** Keys go to Packer's terminal. */
  typing: boolean;
  question: BuildQuestion | null;
  /** The build ended at some point: the status keeps two rows (the outcome, then the log). */
  ended: boolean;
}

export type BuildScreenAction =
  | { type: 'switchPane'; back: boolean; panes: number }
  | { type: 'typing'; on: boolean }
  | { type: 'ask'; question: BuildQuestion }
  | { type: 'answered' }
  | { type: 'ended' };

export const initialBuildScreenState: BuildScreenState = { paneIndex: 0, typing: false, question: null, ended: false };

export function buildScreenReducer(state: BuildScreenState, action: BuildScreenAction): BuildScreenState {
  switch (action.type) {
    case 'switchPane':
      if (action.panes <= 0) return state;
      return { ...state, paneIndex: (state.paneIndex + (action.back ? action.panes - 1 : 1)) % action.panes };
    case 'typing':
      return state.typing === action.on ? state : { ...state, typing: action.on };
    case 'ask':
      return { ...state, question: action.question };
    case 'answered':
      return { ...state, question: null };
    case 'ended':
      return state.ended ? state : { ...state, ended: true };
  }
}

/** What Ctrl-C asks about a build, or null when it has nothing to interrupt (not started, ended). */
export function interruptQuestion(build: BuildState | null): BuildQuestion | null {
  if (!build || build.endedAt) return null;
  if (build.status === 'interrupting') {
    return {
      kind: 'force',
      text: `Stop Packer by force? Its clean-up is cut short${build.instanceId ? ` and instance ${build.instanceId} may be left running` : ''}.`,
    };
  }
  return { kind: 'interrupt', text: 'Interrupt the build? Packer cleans up what it made, then exits.' };
}

/** Rows the status takes: one while the build runs, two once it has ended. */
export const statusRowsOf = (state: BuildScreenState) => (state.ended ? 2 : 1);
