import { describe, expect, it } from 'vitest';
import {
  actionAllowed,
  actionDone,
  adoptedState,
  checklist,
  instanceMayBeLive,
  instanceRunsAt,
  MACHINE,
  MANUAL_STATES,
  nextMove,
  stateAfter,
  stateOf,
  stateOnInstance,
} from '../../src/manual/machine.js';

describe('the manual state machine', () => {
  it('walks the states of SPEC §5 in order, each naming the next', () => {
    const walked = [];
    for (let s: (typeof MANUAL_STATES)[number] | null = 'launch'; s; s = MACHINE[s].next) walked.push(s);
    expect(walked).toEqual(['launch', 'running', 'connect', 'stop', 'stopped', 'create-image', 'image-available', 'terminate', 'record', 'done']);
  });

  it('writes an intent to the journal before every call that changes the cloud', () => {
    const changing = MANUAL_STATES.filter((s) =>
      ['RunInstances', 'StopInstances', 'CreateImage', 'TerminateInstances', 'PutItem'].includes(MACHINE[s].awsCall ?? ''),
    );
    expect(changing).toEqual(['launch', 'stop', 'create-image', 'terminate', 'record']);
    for (const s of changing) expect(MACHINE[s].intent).toMatch(/requested$/);
  });

  it('asks for confirmation before stop and terminate only', () => {
    expect(MANUAL_STATES.filter((s) => MACHINE[s].driver === 'confirm')).toEqual(['stop', 'terminate']);
  });

  it('marks the checklist done / current / next', () => {
    const lines = checklist('stop');
    expect(lines.map((l) => l.mark)).toEqual(['done', 'done', 'done', 'current', 'next', 'later', 'later', 'later', 'later']);
    expect(checklist('done').every((l) => l.mark === 'done')).toBe(true);
  });

  it('knows when an instance may be running up a bill', () => {
    expect(instanceMayBeLive('launch')).toBe(false);
    expect(instanceMayBeLive('connect')).toBe(true);
    expect(instanceMayBeLive('terminate')).toBe(true);
    expect(instanceMayBeLive('record')).toBe(false);
  });

  it('decides every command: what it does first, where it is refused, what it asks', () => {
    const first = (c: Parameters<typeof nextMove>[0], s: Parameters<typeof nextMove>[1], requested: string | null = null) => nextMove(c, s, requested, false);
    expect(first('stop', 'launch')).toEqual({ kind: 'refuse', action: 'stop' });
    expect(first('stop', 'running')).toEqual({ kind: 'refuse', action: 'stop' });
    expect(first('stop', 'connect')).toEqual({ kind: 'perform', action: 'stop', confirm: 'ask', abandon: false });
    // A stop asked for before paw-tui stopped is carried out without asking again.
    expect(first('stop', 'stop', 'stop')).toEqual({ kind: 'perform', action: 'stop', confirm: null, abandon: false });
    expect(first('stop', 'create-image')).toEqual({ kind: 'stop' });
    expect(first('image', 'connect')).toEqual({ kind: 'refuse', action: 'create-image' });
    expect(first('image', 'stopped')).toEqual({ kind: 'perform', action: 'wait-stopped', confirm: null, abandon: false });
    expect(first('terminate', 'connect')).toEqual({ kind: 'perform', action: 'terminate', confirm: 'ask', abandon: true });
    expect(first('terminate', 'terminate')).toEqual({ kind: 'perform', action: 'terminate', confirm: 'ask', abandon: false });
    expect(first('terminate', 'image-available')).toEqual({ kind: 'refuse', action: 'terminate' });
    expect(first('resume', 'terminate')).toEqual({ kind: 'perform', action: 'terminate', confirm: 'offer', abandon: false });
    expect(first('go-on', 'terminate')).toEqual({ kind: 'stop' });
    expect(first('go-on', 'connect')).toEqual({ kind: 'stop' });
    expect(first('resume', 'launch', 'launch')).toEqual({ kind: 'perform', action: 'launch', confirm: null, abandon: false });
    expect(first('resume', 'launch')).toEqual({ kind: 'stop' });
    expect(first('next', 'connect')).toEqual({ kind: 'perform', action: 'stop', confirm: 'ask', abandon: false });
    expect(first('launch', 'done')).toEqual({ kind: 'perform', action: 'launch', confirm: null, abandon: false });
    // Once under way, a command goes on through automatic states and stops at its goal.
    expect(nextMove('stop', 'stopped', null, true)).toEqual({ kind: 'perform', action: 'wait-stopped', confirm: null, abandon: false });
    expect(nextMove('stop', 'create-image', null, true)).toEqual({ kind: 'stop' });
    expect(nextMove('next', 'connect', null, true)).toEqual({ kind: 'stop' });
  });

  it('says which actions belong where, and which are already done', () => {
    expect(actionAllowed('stop', 'connect')).toBe(true);
    expect(actionAllowed('create-image', 'connect')).toBe(false);
    expect(actionAllowed('terminate', 'stopped')).toBe(true);
    expect(actionDone('stop', 'stopped')).toBe(true);
    expect(actionDone('terminate', 'record')).toBe(true);
    expect(actionDone('launch', 'done')).toBe(false);
  });

  it('reconciles by the table: what EC2 says about the instance in each state', () => {
    expect(MACHINE.connect.onInstance).toEqual({ gone: 'launch', stopped: 'stopped' });
    expect(MACHINE.stopped.onInstance).toEqual({ gone: 'launch', running: 'connect' });
    expect(MACHINE.terminate.onInstance).toEqual({ gone: 'record' });
    expect(MACHINE['image-available'].onInstance).toBeUndefined();
  });

  it("adopts an instance paw-tui did not launch, then walks it to record; terminating it is the user's choice", () => {
    // Refused while the step has a manual run in progress; allowed at the start and after a done run.
    expect(nextMove('adopt', 'launch', null, false)).toEqual({ kind: 'perform', action: 'adopt', confirm: null, abandon: false });
    expect(nextMove('adopt', 'done', null, false)).toEqual({ kind: 'perform', action: 'adopt', confirm: null, abandon: false });
    for (const s of ['running', 'connect', 'stop', 'stopped', 'create-image', 'image-available', 'terminate', 'record'] as const) {
      expect(nextMove('adopt', s, null, false, true)).toEqual({ kind: 'refuse', action: 'adopt' });
    }
    // EC2's answer places it on the checklist.
    expect(adoptedState('running')).toBe('running');
    expect(adoptedState('pending')).toBe('running');
    expect(adoptedState('stopped')).toBe('stopped');
    expect(adoptedState('stopping')).toBe('stopped');
    expect(adoptedState('terminated')).toBeNull();
    expect(adoptedState('shutting-down')).toBeNull();
    // Under way, the command walks the table: wait, stop (asked), wait, image, wait.
    const walk = (s: Parameters<typeof nextMove>[1]) => nextMove('adopt', s, null, true, true);
    expect(walk('running')).toEqual({ kind: 'perform', action: 'wait-running', confirm: null, abandon: false });
    expect(walk('connect')).toEqual({ kind: 'perform', action: 'stop', confirm: 'ask', abandon: false });
    expect(walk('stop')).toEqual({ kind: 'perform', action: 'stop', confirm: 'ask', abandon: false });
    expect(walk('stopped')).toEqual({ kind: 'perform', action: 'wait-stopped', confirm: null, abandon: false });
    expect(walk('create-image')).toEqual({ kind: 'perform', action: 'create-image', confirm: null, abandon: false });
    expect(walk('image-available')).toEqual({ kind: 'perform', action: 'wait-image', confirm: null, abandon: false });
    // The user's instance: terminated if they agree, else left running; then recorded.
    expect(walk('terminate')).toEqual({ kind: 'choose', action: 'terminate', otherwise: 'keep' });
    expect(nextMove('resume', 'terminate', null, false, true)).toEqual({ kind: 'choose', action: 'terminate', otherwise: 'keep' });
    expect(walk('record')).toEqual({ kind: 'perform', action: 'record', confirm: null, abandon: false });
    expect(walk('done')).toEqual({ kind: 'stop' });
    // Named outright, terminate is asked as usual; one launched by paw-tui is never "kept".
    expect(nextMove('terminate', 'terminate', null, false, true)).toEqual({ kind: 'perform', action: 'terminate', confirm: 'ask', abandon: false });
    expect(nextMove('adopt', 'terminate', null, true, false)).toEqual({ kind: 'perform', action: 'terminate', confirm: 'ask', abandon: false });
    expect(actionAllowed('keep', 'terminate')).toBe(true);
    expect(actionAllowed('keep', 'connect')).toBe(false);
    expect(actionAllowed('adopt', 'connect')).toBe(false);
    expect(MACHINE.terminate.ifAdopted).toEqual({ otherwise: 'keep' });
  });

  it('says where each action leads: the next line of the one it completes', () => {
    expect(stateAfter('launch')).toBe('running');
    expect(stateAfter('wait-running')).toBe('connect');
    expect(stateOf('stop')).toBe('stop');
    expect(stateAfter('stop')).toBe('stopped');
    expect(stateAfter('wait-stopped')).toBe('create-image');
    expect(stateAfter('create-image')).toBe('image-available');
    expect(stateOf('create-image')).toBe('create-image');
    expect(stateAfter('wait-image')).toBe('terminate');
    expect(stateAfter('terminate')).toBe('record');
    // Leaving an adopted instance running completes the terminate line too.
    expect(stateOf('keep')).toBe('terminate');
    expect(stateAfter('keep')).toBe('record');
    expect(stateAfter('record')).toBe('done');
    expect(stateOnInstance('running', 'stopped')).toBe('stopped');
    expect(stateOnInstance('image-available', 'gone')).toBeNull();
  });

  it('knows where the instance runs (an image of it then is refused with why)', () => {
    expect(MANUAL_STATES.filter(instanceRunsAt)).toEqual(['running', 'connect', 'stop']);
  });
});
