import type { Key } from 'ink';
import type { ScreenName } from './context.js';

/**
 * Every key of the app, in one place. The help bar at the bottom of each screen and the `?`
 * overlay are generated from this table, so a key cannot work without being documented, and a
 * key means the same thing on every screen that lists it.
 */
export interface KeyBinding {
  /** Key names: a character, or esc, enter, up, down, left, right, pageup, pagedown, home, end, tab, shift+tab, space, backspace, ctrl+<c>. */
  keys: readonly string[];
  /** Short form for the help bar. */
  hint: string;
  /** Sentence for the `?` overlay. */
  description: string;
  screens: readonly (ScreenName | 'all')[];
  /** Place in the help bar: lower shows first, so a narrow terminal cuts the least useful keys. */
  rank: number;
  /** The same action in the words of one screen (Enter is "next step" on the manual guide). */
  screenHints?: Partial<Record<ScreenName, string>>;
  /** Only while a question is asked: the help bar shows it then, and not otherwise. */
  inQuestion?: boolean;
  /** Only while typing into a process: the help bar shows it then, and not otherwise. */
  whileTyping?: boolean;
  /** Only while another run holds the step's lock: the help bar shows it then, and not otherwise. */
  whileLocked?: boolean;
}

/*
 * One key, one action, on every screen: a key appears in exactly one entry below (a unit test
 * holds this). Where an action's effect depends on the screen (Enter opens a row or does the
 * checklist's next step, `/` filters a table or searches a log) it is still the same idea.
 */
export const keyBindings = {
  help: { keys: ['?'], hint: 'keys', description: 'Show every key of this screen', screens: ['all'], rank: 90 },
  back: { keys: ['esc'], hint: 'back', description: 'Go back (close the open panel first)', screens: ['all'], rank: 80 },
  quitTwice: { keys: ['ctrl+c'], hint: 'quit', description: 'Press twice to quit from anywhere (a running build asks first)', screens: ['all'], rank: 95 },
  palette: { keys: [':'], hint: 'go to', description: 'Go to any screen or action by name', screens: ['all'], rank: 85 },
  yes: { keys: ['y'], hint: 'yes', description: 'Answer yes to the question asked', screens: ['all'], rank: 1, inQuestion: true },
  no: { keys: ['n'], hint: 'no', description: 'Answer no to the question asked (Esc too)', screens: ['all'], rank: 2, inQuestion: true },
  quit: { keys: ['q'], hint: 'quit', description: 'Quit the app', screens: ['home'], rank: 70 },
  move: {
    keys: ['up', 'down', 'k', 'j'],
    hint: 'move',
    description: 'Move the highlight, or scroll the log a line',
    screens: ['home', 'amis', 'base-ami', 'params', 'new-step', 'build', 'manual', 'step'],
    rank: 40,
  },
  page: {
    keys: ['pageup', 'pagedown'],
    hint: 'page',
    description: 'Scroll a page up or down',
    screens: ['home', 'amis', 'base-ami', 'build', 'manual', 'step'],
    rank: 60,
  },
  ends: {
    keys: ['g', 'G', 'home', 'end'],
    hint: 'top/end',
    description: 'Go to the first or the last row (g/Home first, G/End last)',
    screens: ['home', 'amis', 'base-ami', 'build', 'manual', 'step'],
    rank: 65,
  },
  open: {
    keys: ['enter'],
    hint: 'open',
    description: 'Open, choose or do the highlighted item (on the manual guide: the next step of the checklist)',
    screens: ['home', 'amis', 'base-ami', 'params', 'new-step', 'manual', 'step'],
    rank: 10,
    screenHints: { manual: 'next step' },
  },
  build: {
    keys: ['b'],
    hint: 'build',
    description: 'Build the highlighted step with Packer (asks first: source AMI, instance type, price)',
    screens: ['home', 'step'],
    rank: 11,
  },
  buildStale: {
    keys: ['B'],
    hint: 'build stale',
    description: 'Build every stale step of the chain in order, one after another (asks first: which, from where, price)',
    screens: ['home'],
    rank: 18,
  },
  why: {
    keys: ['v'],
    hint: 'why stale',
    description: 'List why the step is stale, in full: every file, param and upstream AMI that changed',
    screens: ['step'],
    rank: 14,
  },
  bump: {
    keys: ['W'],
    hint: 'new version',
    description: 'Start a new workflow version (workflow bump): up-to-date steps carry over, the rest is built under the new id (asks first)',
    screens: ['home'],
    rank: 19,
  },
  manual: { keys: ['m'], hint: 'manual', description: 'Guide the manual build of the highlighted step', screens: ['home', 'step'], rank: 12 },
  params: { keys: ['p'], hint: 'params', description: 'Edit the workflow and step params', screens: ['home'], rank: 13 },
  add: {
    keys: ['+'],
    hint: 'add',
    description: 'Add: a new step after the last one (home), an entry to the aws_tags map (params)',
    screens: ['home', 'params'],
    rank: 14,
    screenHints: { home: 'new step', params: 'add tag' },
  },
  baseAmi: { keys: ['a'], hint: 'base AMI', description: 'Pick the root base AMI (official Ubuntu)', screens: ['home'], rank: 15 },
  amis: { keys: ['i'], hint: 'AMIs', description: 'Browse and delete the AMIs of this workflow', screens: ['home'], rank: 16 },
  resolveRun: {
    keys: ['t'],
    hint: 'end run',
    description: 'Check the instance of an interrupted build and terminate it (asks first)',
    screens: ['home'],
    rank: 17,
  },
  refresh: { keys: ['r'], hint: 'refresh', description: 'Read the workflow and the cloud again', screens: ['home', 'amis', 'manual'], rank: 30 },
  search: {
    keys: ['/'],
    hint: 'search',
    description: 'Search: filter the rows of a table, find text in a log (Enter keeps it, Esc clears it)',
    screens: ['amis', 'build', 'manual', 'step'],
    rank: 20,
    screenHints: { amis: 'filter' },
  },
  nextMatch: {
    keys: [']'],
    hint: 'next match',
    description: 'Find the next match of the search (wraps to the top)',
    screens: ['build', 'manual', 'step'],
    rank: 22,
  },
  prevMatch: {
    keys: ['['],
    hint: 'prev match',
    description: 'Find the previous match of the search (wraps to the bottom)',
    screens: ['build', 'manual', 'step'],
    rank: 23,
  },
  sort: { keys: ['o'], hint: 'sort', description: 'Change the sort column', screens: ['amis'], rank: 21 },
  select: { keys: ['space'], hint: 'select', description: 'Select or unselect the highlighted row', screens: ['amis'], rank: 12 },
  remove: { keys: ['d'], hint: 'delete', description: 'Delete the selected items (shows the plan, then asks)', screens: ['amis', 'params'], rank: 13 },
  nextField: { keys: ['tab'], hint: 'next', description: 'Next field or panel', screens: ['base-ami', 'params', 'new-step', 'build', 'manual'], rank: 5 },
  prevField: {
    keys: ['shift+tab'],
    hint: 'previous',
    description: 'Previous field or panel',
    screens: ['base-ami', 'params', 'new-step', 'build', 'manual'],
    rank: 50,
  },
  change: {
    keys: ['left', 'right'],
    hint: 'change',
    description: 'Change the choice of the highlighted field',
    screens: ['base-ami', 'params', 'new-step', 'manual'],
    rank: 6,
  },
  save: {
    keys: ['ctrl+s'],
    hint: 'save',
    description: 'Save (the params file keeps its comments; the build log is copied)',
    screens: ['params', 'new-step', 'build'],
    rank: 7,
  },
  editor: { keys: ['e'], hint: '$EDITOR', description: 'Open the file in $EDITOR and reload it after', screens: ['params'], rank: 25 },
  follow: { keys: ['f'], hint: 'follow', description: 'Follow the newest output', screens: ['build', 'manual', 'step'], rank: 24 },
  focusPane: {
    keys: ['w'],
    hint: 'type',
    description: 'Type into the process: every key goes to it (Ctrl-C, Esc, arrows too) until Ctrl-]',
    screens: ['build', 'manual'],
    rank: 8,
  },
  stopTyping: {
    keys: ['ctrl+]'],
    hint: 'stop typing',
    description: 'Stop typing into the process and take the keys back (as telnet and ssh do)',
    screens: ['build', 'manual'],
    rank: 9,
    whileTyping: true,
  },
  connect: { keys: ['c'], hint: 'connect', description: 'Open an SSH session to the instance in a pane', screens: ['manual'], rank: 11 },
  connectFull: {
    keys: ['C'],
    hint: 'ssh full screen',
    description: 'Hand the whole terminal to the session (ssh or SSM); the app comes back when it exits',
    screens: ['manual'],
    rank: 13,
  },
  takeLock: {
    keys: ['L'],
    hint: 'take lock',
    description: "Take the step's lock from the run holding it (asks first, naming it): only when that run is gone",
    screens: ['manual', 'build'],
    rank: 3,
    whileLocked: true,
  },
  adopt: {
    keys: ['A'],
    hint: 'adopt',
    description: 'Adopt an instance you launched yourself: choose it from the instances of the account, then stop, image and record it (asks first)',
    screens: ['manual'],
    rank: 14,
  },
  abandon: {
    keys: ['x'],
    hint: 'give up',
    description: 'Terminate the manual instance before its image is made (asks first); the checklist starts again',
    screens: ['manual'],
    rank: 12,
  },
} as const satisfies Record<string, KeyBinding>;

export type Action = keyof typeof keyBindings;

const specials: Record<string, (input: string, key: Key) => boolean> = {
  esc: (_i, k) => k.escape,
  enter: (_i, k) => k.return,
  up: (_i, k) => k.upArrow,
  down: (_i, k) => k.downArrow,
  left: (_i, k) => k.leftArrow,
  right: (_i, k) => k.rightArrow,
  pageup: (_i, k) => k.pageUp,
  pagedown: (_i, k) => k.pageDown,
  home: (_i, k) => k.home,
  end: (_i, k) => k.end,
  tab: (_i, k) => k.tab && !k.shift,
  'shift+tab': (_i, k) => k.tab && k.shift,
  space: (i) => i === ' ',
  backspace: (_i, k) => k.backspace || k.delete,
};

export function keyMatches(name: string, input: string, key: Key): boolean {
  const special = specials[name];
  if (special) return special(input, key);
  if (name.startsWith('ctrl+')) return key.ctrl && input === name.slice(5);
  return !key.ctrl && !key.meta && input === name;
}

/** The byte a terminal sends for a Ctrl key (`ctrl+]` → 0x1d), or the key's text. */
function keyByte(name: string): string | null {
  if (name.startsWith('ctrl+') && name.length === 6) return String.fromCharCode(name.slice(5).toUpperCase().charCodeAt(0) ^ 0x40);
  return name.length === 1 ? name : null;
}

/** True when raw input (a terminal pane passes keys through unparsed) is one of the action's keys. */
export function isRawKey(action: Action, data: string): boolean {
  return keyBindings[action].keys.some((k) => keyByte(k) === data);
}

/** True when the key pressed is one of the action's keys. */
export function isKey(action: Action, input: string, key: Key): boolean {
  return keyBindings[action].keys.some((k) => keyMatches(k, input, key));
}

/** The actions a screen lists, in registry order (the answers to a question included). */
export function actionsFor(screen: ScreenName): Action[] {
  return (Object.keys(keyBindings) as Action[]).filter((a) => {
    const s = keyBindings[a].screens as readonly string[];
    return s.includes(screen) || s.includes('all');
  });
}

/** The actions of the help bar of a screen, most useful first. */
export function hintsFor(screen: ScreenName): Action[] {
  return actionsFor(screen)
    .filter((a) => {
      const b: KeyBinding = keyBindings[a];
      return !b.inQuestion && !b.whileTyping && !b.whileLocked;
    })
    .sort((a, b) => keyBindings[a].rank - keyBindings[b].rank);
}

const keyLabels: Record<string, string> = {
  esc: 'Esc',
  enter: 'Enter',
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  tab: 'Tab',
  'shift+tab': 'S-Tab',
  space: 'Space',
  backspace: 'Bksp',
};

export function keyLabel(name: string): string {
  const label = keyLabels[name];
  if (label) return label;
  if (name.startsWith('ctrl+')) return `Ctrl-${name.slice(5).toUpperCase()}`;
  return name;
}

/** The help bar's word for an action on a screen. */
export function hintOf(action: Action, screen?: ScreenName): string {
  const b: KeyBinding = keyBindings[action];
  return (screen && b.screenHints?.[screen]) ?? b.hint;
}

/** How an action's keys are written in the help bar: the first two keys. */
export function keysLabel(action: Action): string {
  return keyBindings[action].keys.slice(0, 2).map(keyLabel).join('/');
}
