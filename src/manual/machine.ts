/**
 * The manual path of SPEC §5 as data: a checklist of states, each with the one action that
 * completes it. The journal stores the current state; the guide performs the action the table
 * names; the screen and the headless command only render this table and ask for confirmation
 * where it says so. Nothing outside this file decides what comes next.
 */

export const MANUAL_STATES = ['launch', 'running', 'connect', 'stop', 'stopped', 'create-image', 'image-available', 'terminate', 'record', 'done'] as const;

export type ManualState = (typeof MANUAL_STATES)[number];

/** What the guide does to leave a state. */
export type ManualAction =
  | 'launch'
  | 'wait-running'
  | 'connect'
  | 'stop'
  | 'wait-stopped'
  | 'create-image'
  | 'wait-image'
  | 'terminate'
  | 'record'
  /** Take over an instance paw-tui did not launch (the library's create_image_manually). */
  | 'adopt'
  /** Leave an adopted instance running instead of terminating it: it is the user's. */
  | 'keep';

/**
 * Who moves the checklist on:
 * - `auto`: the guide can go on by itself (waits, image, record);
 * - `confirm`: it cannot be undone, so a person says yes first (`--yes` headless);
 * - `person`: a person has work to do (launching, provisioning over SSH).
 */
export type Driver = 'auto' | 'confirm' | 'person';

export interface StateSpec {
  state: ManualState;
  /** The checklist line, in the user's words. */
  label: string;
  action: ManualAction | null;
  /** The cloud call the action makes, as AWS names it (in the journal's intent, and `manual status --json`). */
  awsCall: string | null;
  /**
   * Written to the journal before the call is made, so that a crash between the call and the
   * next write is found on reopening and the call is checked, not forgotten. Null for calls that
   * change nothing (waits) and for the person's own work.
   */
  intent: string | null;
  driver: Driver;
  /** The state reached once the action is done. */
  next: ManualState | null;
  /**
   * What a person's word does here when the state waits for them: at launch, launching; at
   * connect, saying the work is done stops the instance.
   */
  personDone?: ManualAction;
  /**
   * What EC2's answer about the instance means in this state when it is not what the journal
   * expects (reconciliation on reopening): the state to go to. `gone`: terminated or missing
   * past the grace time; `stopped`: stopping or stopped; `running`: pending or running.
   */
  onInstance?: Partial<Record<InstanceCondition, ManualState>>;
  /**
   * For an instance paw-tui did not launch (adopted): the action is done only when the person
   * agrees (asked with "no" by default; `--terminate` headless), else this one is done instead.
   */
  ifAdopted?: { otherwise: ManualAction };
}

export type InstanceCondition = 'gone' | 'stopped' | 'running';

export const MACHINE: Readonly<Record<ManualState, StateSpec>> = {
  launch: {
    state: 'launch',
    label: 'Launch an instance from the source AMI',
    action: 'launch',
    awsCall: 'RunInstances',
    intent: 'launch requested',
    driver: 'person',
    next: 'running',
    personDone: 'launch',
  },
  running: {
    state: 'running',
    label: 'Wait for the instance to be running',
    action: 'wait-running',
    awsCall: 'DescribeInstances',
    intent: null,
    driver: 'auto',
    next: 'connect',
    onInstance: { gone: 'launch', stopped: 'stopped' },
  },
  connect: {
    state: 'connect',
    label: 'Connect and provision it by hand',
    action: 'connect',
    awsCall: null,
    intent: null,
    driver: 'person',
    next: 'stop',
    personDone: 'stop',
    onInstance: { gone: 'launch', stopped: 'stopped' },
  },
  stop: {
    state: 'stop',
    label: 'Stop the instance',
    action: 'stop',
    awsCall: 'StopInstances',
    intent: 'stop requested',
    driver: 'confirm',
    next: 'stopped',
    onInstance: { gone: 'launch', stopped: 'stopped' },
  },
  stopped: {
    state: 'stopped',
    label: 'Wait for the instance to be stopped',
    action: 'wait-stopped',
    awsCall: 'DescribeInstances',
    intent: null,
    driver: 'auto',
    next: 'create-image',
    onInstance: { gone: 'launch', running: 'connect' },
  },
  'create-image': {
    state: 'create-image',
    label: 'Create the image',
    action: 'create-image',
    awsCall: 'CreateImage',
    intent: 'image requested',
    driver: 'auto',
    next: 'image-available',
    onInstance: { gone: 'launch' },
  },
  'image-available': {
    state: 'image-available',
    label: 'Wait for the image to be available',
    action: 'wait-image',
    awsCall: 'DescribeImages',
    intent: null,
    driver: 'auto',
    next: 'terminate',
  },
  terminate: {
    state: 'terminate',
    label: 'Terminate the instance',
    action: 'terminate',
    awsCall: 'TerminateInstances',
    intent: 'terminate requested',
    driver: 'confirm',
    next: 'record',
    onInstance: { gone: 'record' },
    ifAdopted: { otherwise: 'keep' },
  },
  record: {
    state: 'record',
    label: 'Record the image in the catalog',
    action: 'record',
    awsCall: 'PutItem',
    intent: 'record requested',
    driver: 'auto',
    next: 'done',
  },
  done: {
    state: 'done',
    label: 'Done',
    action: null,
    awsCall: null,
    intent: null,
    driver: 'auto',
    next: null,
  },
};

export function stateIndex(state: ManualState): number {
  return MANUAL_STATES.indexOf(state);
}

export type ChecklistMark = 'done' | 'current' | 'next' | 'later';

export interface ChecklistLine {
  spec: StateSpec;
  mark: ChecklistMark;
}

/** The checklist as the screen and `manual status` show it: done / current / next / later. */
export function checklist(current: ManualState): ChecklistLine[] {
  const at = stateIndex(current);
  return MANUAL_STATES.filter((s) => s !== 'done').map((s, i) => ({
    spec: MACHINE[s],
    mark: current === 'done' || i < at ? 'done' : i === at ? 'current' : i === at + 1 ? 'next' : 'later',
  }));
}

/** True when the instance runs in this state: launched, and not yet stopped for its image. */
export function instanceRunsAt(state: ManualState): boolean {
  const i = stateIndex(state);
  return i >= stateIndex('running') && i < stateIndex('stopped');
}

/** True when the instance of the journal may still exist in EC2 (it costs money). */
export function instanceMayBeLive(state: ManualState): boolean {
  const i = stateIndex(state);
  return i >= stateIndex('running') && i <= stateIndex('terminate');
}

/** What the user asks for: a headless `manual <step> <command>`, or a key on the screen. */
export type ManualCommand = 'launch' | 'adopt' | 'stop' | 'image' | 'terminate' | 'abandon' | 'resume' | 'next' | 'go-on';

export interface CommandSpec {
  /** The action the command names: performed when its state is reached (asked first where the table says so). */
  does: ManualAction | 'current' | null;
  /** Actions a person at a terminal is offered on the way (resume offers the terminate it stops at). */
  offers: ManualAction[];
  /** It goes on until this state is reached, or a person is needed. */
  goal: ManualState | null;
  /** States where it is refused: the word for what cannot be done now. */
  refusedAt: ManualState[];
  /** Actions it carries out on its way, as if named (asked first where the table says so). */
  through?: ManualAction[];
}

/**
 * The commands of the manual path: what each does, how far it goes and where it is refused.
 * The headless command and the screen only name a command; the guide follows this table.
 */
export const COMMANDS: Readonly<Record<ManualCommand, CommandSpec>> = {
  launch: { does: 'launch', offers: [], goal: null, refusedAt: [] },
  // `image --instance i-…`: adopt the instance, then stop it (asked), image it, terminate (only if
  // the person agrees), record. Refused while the step has a manual run in progress.
  adopt: {
    does: 'adopt',
    offers: [],
    goal: null,
    refusedAt: MANUAL_STATES.filter((s) => s !== 'launch' && s !== 'done'),
    through: ['stop', 'terminate'],
  },
  stop: { does: 'stop', offers: [], goal: 'create-image', refusedAt: ['launch', 'running'] },
  image: {
    does: 'create-image',
    offers: [],
    goal: 'terminate',
    refusedAt: ['launch', 'running', 'connect', 'stop'],
  },
  terminate: { does: 'terminate', offers: [], goal: null, refusedAt: ['launch', 'image-available'] },
  abandon: {
    does: 'terminate',
    offers: [],
    goal: 'launch',
    refusedAt: ['launch', 'image-available', 'terminate', 'record', 'done'],
  },
  resume: { does: null, offers: ['terminate'], goal: null, refusedAt: [] },
  next: { does: 'current', offers: [], goal: null, refusedAt: [] },
  'go-on': { does: null, offers: [], goal: null, refusedAt: [] },
};

/** States where terminating gives the instance up before its image is made (the path starts again). */
export const ABANDONABLE: readonly ManualState[] = ['running', 'connect', 'stop', 'stopped', 'create-image'];

/** Actions that cannot be undone: a person says yes first (or `--yes`). */
export function needsConfirmation(action: ManualAction): boolean {
  return MANUAL_STATES.some((s) => MACHINE[s].action === action && MACHINE[s].driver === 'confirm');
}

/** What the guide does next for a command at a state. */
export type Move =
  | { kind: 'perform'; action: ManualAction; confirm: 'ask' | 'offer' | null; abandon: boolean }
  /** Asked with "no" by default (or agreed up front): `action` when agreed, `otherwise` if not. */
  | { kind: 'choose'; action: ManualAction; otherwise: ManualAction }
  | { kind: 'refuse'; action: ManualAction }
  | { kind: 'stop' };

/**
 * The one decision of the manual path: for a command at a state, what to do next. `requested`:
 * the action whose intent the journal holds (asked for before paw-tui stopped: carrying it out
 * needs no new confirmation). `started`: the command has already done something (a refusal
 * only applies to where it starts). `adopted`: the instance is the user's, not launched by paw-tui.
 */
export function nextMove(command: ManualCommand, state: ManualState, requested: string | null, started: boolean, adopted = false): Move {
  const c = COMMANDS[command];
  if (!started && c.refusedAt.includes(state)) return { kind: 'refuse', action: c.does === 'current' || c.does === null ? 'launch' : c.does };
  if (command === 'adopt' && !started) return { kind: 'perform', action: 'adopt', confirm: null, abandon: false };
  if (command === 'abandon' || (command === 'terminate' && ABANDONABLE.includes(state))) {
    if (started) return { kind: 'stop' };
    return { kind: 'perform', action: 'terminate', confirm: 'ask', abandon: true };
  }
  if (state === 'done' && command === 'launch' && !started) return { kind: 'perform', action: 'launch', confirm: null, abandon: false };
  if (state === 'done' || (c.goal !== null && stateIndex(state) >= stateIndex(c.goal))) return { kind: 'stop' };
  const spec = MACHINE[state];
  const named = c.does === 'current' ? (started ? null : (spec.personDone ?? spec.action)) : c.does;
  const action = spec.driver === 'person' ? spec.personDone : spec.action;
  if (!action) return { kind: 'stop' };
  const carriedOut = requested === action;
  const asked = named === action || (c.through?.includes(action) ?? false);
  if (spec.driver === 'person') {
    if (!carriedOut && !asked) return { kind: 'stop' };
    return { kind: 'perform', action, confirm: needsConfirmation(action) && !carriedOut ? 'ask' : null, abandon: false };
  }
  if (spec.driver === 'confirm') {
    if (carriedOut) return { kind: 'perform', action, confirm: null, abandon: false };
    // The user's own instance is terminated only when they say so; a command that names it says so.
    if (adopted && spec.ifAdopted && command !== 'terminate') return { kind: 'choose', action, otherwise: spec.ifAdopted.otherwise };
    if (asked) return { kind: 'perform', action, confirm: 'ask', abandon: false };
    if (c.offers.includes(action)) return { kind: 'perform', action, confirm: 'offer', abandon: false };
    return { kind: 'stop' };
  }
  return { kind: 'perform', action, confirm: null, abandon: false };
}

/** Whether an action belongs to a state: its own action, the person's word there, or giving the instance up. */
export function actionAllowed(action: ManualAction, state: ManualState): boolean {
  const spec = MACHINE[state];
  if ((action === 'launch' || action === 'adopt') && state === 'done') return true;
  if (action === 'adopt') return state === 'launch';
  if (action === 'keep') return spec.ifAdopted?.otherwise === 'keep';
  return spec.action === action || spec.personDone === action || (action === 'terminate' && ABANDONABLE.includes(state));
}

/**
 * The state whose line an action completes: its own action there, or the choice an adopted
 * instance leaves there (`keep`). `adopt` has none: it starts where EC2 says (adoptedState).
 */
export function stateOf(action: Exclude<ManualAction, 'adopt'>): ManualState {
  const home = MANUAL_STATES.find((s) => MACHINE[s].action === action || MACHINE[s].ifAdopted?.otherwise === action);
  if (!home) throw new Error(`the manual table has no state for ${action}`);
  return home;
}

/** The state reached once an action is done: the `next` of the line it completes. */
export function stateAfter(action: Exclude<ManualAction, 'adopt'>): ManualState {
  const next = MACHINE[stateOf(action)].next;
  if (!next) throw new Error(`the manual table has no state after ${action}`);
  return next;
}

/**
 * Where EC2's answer about the instance sends the checklist from `state` when it is not what
 * the state expects; null when the answer changes nothing there.
 */
export function stateOnInstance(state: ManualState, condition: InstanceCondition): ManualState | null {
  return MACHINE[state].onInstance?.[condition] ?? null;
}

/** Whether the checklist is already past the state an action leaves (doing it again is nothing). */
export function actionDone(action: ManualAction, state: ManualState): boolean {
  if (action === 'launch' || action === 'adopt') return false;
  return stateIndex(state) > stateIndex(stateOf(action));
}

/** The question asked before an action that cannot be undone. */
export function confirmQuestion(action: ManualAction, abandon: boolean, ids: { instanceId: string | null; imageId: string | null }): string {
  if (abandon) return `Terminate instance ${ids.instanceId} without making its image? The work on it is lost; the checklist starts again at launch.`;
  if (action === 'stop') return `Stop instance ${ids.instanceId}? Then its image is made from what is on its disk.`;
  if (action === 'terminate') return `Terminate instance ${ids.instanceId}? Its image ${ids.imageId} is kept.`;
  if (action === 'keep') return `Terminate instance ${ids.instanceId}? paw-tui did not launch it; "no" leaves it running. Its image ${ids.imageId} is kept.`;
  return `${MACHINE[MANUAL_STATES.find((s) => MACHINE[s].action === action)!].label}?`;
}

/** What an action is called where it needs a confirmation nobody gave ("stopping instance i-…"). */
export function confirmSubject(action: ManualAction, instanceId: string | null): string {
  return `${action === 'stop' ? 'stopping' : action === 'terminate' ? 'terminating' : action} instance ${instanceId}`;
}

/** The key pair a launch creates is a cloud call of its own, journaled like the others. */
export const KEY_PAIR_INTENT = { awsCall: 'CreateKeyPair', intent: 'key pair requested' } as const;

/** Where adopting an instance leads: the state EC2's answer about it means (null: it cannot be adopted). */
export function adoptedState(instanceState: string): ManualState | null {
  if (instanceState === 'pending' || instanceState === 'running') return 'running';
  if (instanceState === 'stopping' || instanceState === 'stopped') return 'stopped';
  return null;
}
