/**
 * The manual path of SPEC §5 as data: a checklist of states, each with the one action that
 * completes it. The journal stores the current state; the guide performs the action the table
 * names; the screen and the headless command only render this table and ask for confirmation
 * where it says so. Nothing outside this file decides what comes next.
 */

export const MANUAL_STATES = [
  'launch',
  'running',
  'connect',
  'stop',
  'stopped',
  'create-image',
  'image-available',
  'terminate',
  'record',
  'done',
] as const;

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
  | 'record';

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
  /** The cloud call the action makes, as AWS names it (shown on screen, in the journal). */
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
}

export const MACHINE: Readonly<Record<ManualState, StateSpec>> = {
  launch: {
    state: 'launch',
    label: 'Launch an instance from the source AMI',
    action: 'launch',
    awsCall: 'RunInstances',
    intent: 'launch requested',
    driver: 'person',
    next: 'running',
  },
  running: {
    state: 'running',
    label: 'Wait for the instance to be running',
    action: 'wait-running',
    awsCall: 'DescribeInstances',
    intent: null,
    driver: 'auto',
    next: 'connect',
  },
  connect: {
    state: 'connect',
    label: 'Connect and provision it by hand',
    action: 'connect',
    awsCall: null,
    intent: null,
    driver: 'person',
    next: 'stop',
  },
  stop: {
    state: 'stop',
    label: 'Stop the instance',
    action: 'stop',
    awsCall: 'StopInstances',
    intent: 'stop requested',
    driver: 'confirm',
    next: 'stopped',
  },
  stopped: {
    state: 'stopped',
    label: 'Wait for the instance to be stopped',
    action: 'wait-stopped',
    awsCall: 'DescribeInstances',
    intent: null,
    driver: 'auto',
    next: 'create-image',
  },
  'create-image': {
    state: 'create-image',
    label: 'Create the image',
    action: 'create-image',
    awsCall: 'CreateImage',
    intent: 'image requested',
    driver: 'auto',
    next: 'image-available',
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

/** True when the instance of the journal may still exist in EC2 (it costs money). */
export function instanceMayBeLive(state: ManualState): boolean {
  const i = stateIndex(state);
  return i >= stateIndex('running') && i <= stateIndex('terminate');
}

/**
 * Where an unattended run (`manual resume`) must stop: at the person's own work always, and at
 * a confirmation unless it was given up front (`--yes`).
 */
export function needsPerson(state: ManualState, confirmed: boolean): boolean {
  const d = MACHINE[state].driver;
  return state === 'done' || d === 'person' || (d === 'confirm' && !confirmed);
}
