import type { ManualGuide, ManualView } from '../../manual/guide.js';
import { DEFAULT_INSTANCE_TYPE, hourlyPrice, INSTANCE_TYPE_CHOICES, type KeyPairChoice } from '../../manual/launch.js';
import { type ManualAction, type Move, nextMove } from '../../manual/machine.js';
import { goneImage } from '../../manual/status.js';
import type { TerminalSession } from '../../packer/types.js';
import { type Action, keysLabel } from '../keys.js';

/**
 * The manual screen's own state and every change to it, apart from drawing: the guide and the
 * view it publishes, the question asked, the connection pane, the launch's choices. What the
 * path does next is not decided here: it is asked of the table of manual/machine.ts.
 */

export interface ManualQuestion {
  text: string;
  answer: (yes: boolean) => void;
}

/** A connection open in a pane. */
export interface ManualSession {
  terminal: TerminalSession;
  label: string;
}

export interface ManualScreenState {
  guide: ManualGuide | null;
  view: ManualView | null;
  question: ManualQuestion | null;
  session: ManualSession | null;
  /** Keys go to the session in the pane. */
  typing: boolean;
  /** The launch's choices: which one the arrows change, and each one's value. */
  field: 'type' | 'key';
  instanceType: string;
  keyPairs: KeyPairChoice[];
  keyIndex: number;
  /** Picking an instance paw-tui did not launch. */
  adopting: boolean;
  /** Opened again (the journal read anew) once the lock another run held is free, or taken. */
  opening: { count: number; steal: boolean };
}

export type ManualScreenAction =
  | { type: 'opened'; guide: ManualGuide }
  | { type: 'view'; view: ManualView }
  | { type: 'ask'; question: ManualQuestion }
  | { type: 'answered' }
  | { type: 'connected'; session: ManualSession }
  | { type: 'disconnected' }
  | { type: 'typing'; on: boolean }
  | { type: 'keyPairs'; choices: KeyPairChoice[] }
  | { type: 'nextField' }
  | { type: 'change'; back: boolean }
  | { type: 'adopting'; on: boolean }
  | { type: 'reopen'; steal: boolean };

export const initialManualScreenState: ManualScreenState = {
  guide: null,
  view: null,
  question: null,
  session: null,
  typing: false,
  field: 'type',
  instanceType: DEFAULT_INSTANCE_TYPE,
  keyPairs: [],
  keyIndex: 0,
  adopting: false,
  opening: { count: 0, steal: false },
};

/** One step round a list of `length` from `i`, backwards with `back`. */
const round = (i: number, length: number, back: boolean) => (i + (back ? length - 1 : 1)) % length;

export function manualScreenReducer(state: ManualScreenState, action: ManualScreenAction): ManualScreenState {
  switch (action.type) {
    case 'opened':
      return { ...state, guide: action.guide, view: action.guide.view };
    case 'view':
      return { ...state, view: action.view };
    case 'ask':
      return { ...state, question: action.question };
    case 'answered':
      return { ...state, question: null };
    case 'connected':
      return { ...state, session: action.session };
    case 'disconnected':
      return { ...state, session: null, typing: false };
    case 'typing':
      return state.typing === action.on ? state : { ...state, typing: action.on };
    case 'keyPairs':
      return { ...state, keyPairs: action.choices, keyIndex: Math.min(state.keyIndex, Math.max(0, action.choices.length - 1)) };
    case 'nextField':
      return { ...state, field: state.field === 'type' ? 'key' : 'type' };
    case 'change': {
      if (state.field === 'key') {
        return state.keyPairs.length === 0 ? state : { ...state, keyIndex: round(state.keyIndex, state.keyPairs.length, action.back) };
      }
      const i = Math.max(0, INSTANCE_TYPE_CHOICES.indexOf(state.instanceType as (typeof INSTANCE_TYPE_CHOICES)[number]));
      return { ...state, instanceType: INSTANCE_TYPE_CHOICES[round(i, INSTANCE_TYPE_CHOICES.length, action.back)] ?? state.instanceType };
    }
    case 'adopting':
      return { ...state, adopting: action.on };
    case 'reopen':
      return { ...state, opening: { count: state.opening.count + 1, steal: action.steal } };
  }
}

/** The key pair a launch asks for: the highlighted one, unless it is the first (make a new one). */
export function chosenKeyName(state: ManualScreenState): string | undefined {
  return state.keyIndex > 0 ? state.keyPairs[state.keyIndex]?.name : undefined;
}

/** What Enter (the `next` command) does at this point of the checklist, as the table says. */
export function enterMove(view: ManualView): Move {
  return nextMove('next', view.state, view.journal.requested?.action ?? null, false, view.journal.adopted);
}

/** Enter launches: the launch's choices are shown and changed. */
export function launchesNext(view: ManualView | null): boolean {
  if (!view || goneImage(view)) return false;
  const move = enterMove(view);
  return move.kind === 'perform' && move.action === 'launch';
}

/** Whether giving the instance up (`x`) is something the table allows here. */
export function canAbandon(view: ManualView): boolean {
  return nextMove('abandon', view.state, view.journal.requested?.action ?? null, false, view.journal.adopted).kind === 'perform';
}

/** Enter's action in the user's words: when it is the person's word (work done), else when confirmed. */
const PERSON_WORDS: Partial<Record<ManualAction, string>> = { stop: 'work done: stop it and make the image' };
const ACTION_WORDS: Partial<Record<ManualAction, string>> = {
  stop: 'stop the instance',
  terminate: 'terminate the instance, record the image',
};

/** What Enter does at this point of the checklist, in the user's words; null when nothing is left. */
export function enterDoes(view: ManualView, instanceType: string): string | null {
  if (goneImage(view)) return `start the manual path of ${view.step.id} again (asks first)`;
  const move = enterMove(view);
  if (move.kind !== 'perform' && move.kind !== 'choose') return null;
  if (view.spec.driver === 'auto') return `go on: ${view.spec.label.toLowerCase()}`;
  if (move.action === 'launch') {
    const price = hourlyPrice(instanceType);
    return `launch a ${instanceType}${price === null ? '' : ` (≈ $${price}/h)`} from the source AMI   ${keysLabel('nextField')}/${keysLabel('change')}: change`;
  }
  const words = (view.spec.personDone === move.action ? PERSON_WORDS[move.action] : undefined) ?? ACTION_WORDS[move.action] ?? move.action;
  const asks = move.kind === 'choose' || move.confirm !== null;
  return asks ? `${words} (asks first)` : words;
}

/** The line above the checklist: what Enter does; the connect keys too where they fit whole. */
export function topLine(view: ManualView, instanceType: string, width: number): string {
  const does = enterDoes(view, instanceType);
  const line = does ? `${keysLabel('open')}: ${does}` : 'nothing left to do';
  const more = view.spec.action === 'connect' ? `   ${keysLabel('connect')}: connect here   ${keysLabel('connectFull')}: full screen` : '';
  return line.length + more.length <= width ? line + more : line;
}

/** The keys the help bar offers: what the moment allows, the checklist's keys as the table says. */
export function manualHints(state: ManualScreenState, locked: boolean): Action[] {
  if (state.question) return ['back'];
  if (locked) return ['takeLock', 'refresh', 'back', 'help'];
  if (state.session) return state.typing ? ['stopTyping'] : ['focusPane', 'page', 'follow', 'search', 'back', 'help'];
  if (state.adopting) return ['open', 'move', 'back'];
  const view = state.view;
  const hints: Action[] = [];
  if (view && enterDoes(view, state.instanceType) !== null) hints.push('open');
  if (launchesNext(view)) hints.push('nextField', 'change', 'adopt');
  if (view?.spec.action === 'connect') hints.push('connect', 'connectFull');
  if (view && canAbandon(view)) hints.push('abandon');
  hints.push('refresh', 'back', 'help');
  return hints;
}
