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
}

export const keyBindings = {
  back: { keys: ['esc'], hint: 'back', description: 'Go back (close the open panel first)', screens: ['all'] },
  help: { keys: ['?'], hint: 'keys', description: 'Show every key of this screen', screens: ['all'] },
  quitTwice: { keys: ['ctrl+c'], hint: 'quit', description: 'Press twice to quit from anywhere (a running build asks first)', screens: ['all'] },
  quit: { keys: ['q'], hint: 'quit', description: 'Quit the app', screens: ['home'] },
  move: { keys: ['up', 'down', 'k', 'j'], hint: 'move', description: 'Move the highlight', screens: ['home', 'amis', 'base-ami', 'params', 'new-step', 'step'] },
  page: { keys: ['pageup', 'pagedown'], hint: 'page', description: 'Scroll a page up or down', screens: ['amis', 'base-ami', 'build', 'manual', 'step'] },
  open: { keys: ['enter'], hint: 'open', description: 'Open or run the highlighted item', screens: ['home', 'amis', 'base-ami', 'params', 'new-step', 'step'] },
  build: { keys: ['b'], hint: 'build', description: 'Build the highlighted step with Packer (asks first: source AMI, instance type, price)', screens: ['home', 'step'] },
  manual: { keys: ['m'], hint: 'manual', description: 'Guide the manual build of the highlighted step', screens: ['home', 'step'] },
  params: { keys: ['p'], hint: 'params', description: 'Edit the workflow and step params', screens: ['home'] },
  newStep: { keys: ['n'], hint: 'new step', description: 'Create a new step after the last one', screens: ['home'] },
  baseAmi: { keys: ['a'], hint: 'base AMI', description: 'Pick the root base AMI (official Ubuntu)', screens: ['home'] },
  amis: { keys: ['i'], hint: 'AMIs', description: 'Browse and delete the AMIs of this workflow', screens: ['home'] },
  resolveRun: { keys: ['t'], hint: 'end run', description: 'Check the instance of an interrupted build and terminate it (asks first)', screens: ['home'] },
  refresh: { keys: ['r'], hint: 'refresh', description: 'Read the workflow and the cloud again', screens: ['home', 'amis', 'manual'] },
  filter: { keys: ['/'], hint: 'filter', description: 'Filter the rows by text (Enter keeps it, Esc clears it)', screens: ['amis'] },
  sort: { keys: ['o'], hint: 'sort', description: 'Change the sort column', screens: ['amis'] },
  select: { keys: ['space'], hint: 'select', description: 'Select or unselect the highlighted row', screens: ['amis'] },
  remove: { keys: ['d'], hint: 'delete', description: 'Delete the selected items (shows the plan, then asks)', screens: ['amis', 'params'] },
  nextField: { keys: ['tab'], hint: 'next', description: 'Next field or panel', screens: ['base-ami', 'params', 'new-step', 'build', 'manual'] },
  prevField: { keys: ['shift+tab'], hint: 'previous', description: 'Previous field or panel', screens: ['base-ami', 'params', 'new-step', 'build', 'manual'] },
  change: { keys: ['left', 'right'], hint: 'change', description: 'Change the choice of the highlighted field', screens: ['base-ami', 'params', 'new-step', 'manual'] },
  add: { keys: ['+'], hint: 'add tag', description: 'Add an entry to the aws_tags map', screens: ['params'] },
  save: { keys: ['ctrl+s'], hint: 'save', description: 'Save (the params file keeps its comments; the build log is copied)', screens: ['params', 'new-step', 'build'] },
  editor: { keys: ['e'], hint: '$EDITOR', description: 'Open the file in $EDITOR and reload it after', screens: ['params'] },
  follow: { keys: ['f'], hint: 'follow', description: 'Follow the newest output', screens: ['build', 'manual', 'step'] },
  search: { keys: ['/'], hint: 'search', description: 'Search the log (Enter finds, n finds the next)', screens: ['build', 'manual', 'step'] },
  nextMatch: { keys: ['n'], hint: 'next match', description: 'Find the next match of the search', screens: ['build', 'manual', 'step'] },
  focusPane: { keys: ['i'], hint: 'type', description: 'Type into the process (Esc gives the keys back)', screens: ['build', 'manual'] },
  next: { keys: ['enter'], hint: 'next step', description: 'Do the next step of the checklist', screens: ['manual'] },
  connect: { keys: ['c'], hint: 'connect', description: 'Open an SSH session to the instance in a pane', screens: ['manual'] },
  abandon: { keys: ['x'], hint: 'give up', description: 'Terminate the manual instance before its image is made (asks first); the checklist starts again', screens: ['manual'] },
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

/** True when the key pressed is one of the action's keys. */
export function isKey(action: Action, input: string, key: Key): boolean {
  return keyBindings[action].keys.some((k) => keyMatches(k, input, key));
}

/** The actions a screen lists, in registry order. */
export function actionsFor(screen: ScreenName): Action[] {
  return (Object.keys(keyBindings) as Action[]).filter((a) => {
    const s = keyBindings[a].screens as readonly string[];
    return s.includes(screen) || s.includes('all');
  });
}

const keyLabels: Record<string, string> = {
  esc: 'Esc', enter: 'Enter', up: '↑', down: '↓', left: '←', right: '→', pageup: 'PgUp', pagedown: 'PgDn',
  home: 'Home', end: 'End', tab: 'Tab', 'shift+tab': 'S-Tab', space: 'Space', backspace: 'Bksp',
};

export function keyLabel(name: string): string {
  if (keyLabels[name]) return keyLabels[name]!;
  if (name.startsWith('ctrl+')) return `Ctrl-${name.slice(5).toUpperCase()}`;
  return name;
}

/** How an action's keys are written in the help bar: the first two keys. */
export function keysLabel(action: Action): string {
  return keyBindings[action].keys.slice(0, 2).map(keyLabel).join('/');
}
