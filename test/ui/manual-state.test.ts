import { describe, expect, it } from 'vitest';
import type { AmiImage } from '../../src/aws/ports.js';
import type { ManualGuide, ManualView } from '../../src/manual/guide.js';
import { emptyJournal, type ManualJournal } from '../../src/manual/journal.js';
import { INSTANCE_TYPE_CHOICES } from '../../src/manual/launch.js';
import { MACHINE, MANUAL_STATES, type ManualState } from '../../src/manual/machine.js';
import type { TerminalSession } from '../../src/packer/types.js';
import {
  chosenKeyName,
  enterDoes,
  initialManualScreenState,
  launchesNext,
  manualHints,
  manualScreenReducer,
  topLine,
  type ManualScreenAction,
  type ManualScreenState,
} from '../../src/ui/screens/manual-state.js';
import type { Step } from '../../src/workflow/types.js';

const run = (actions: ManualScreenAction[], from: ManualScreenState = initialManualScreenState) => actions.reduce(manualScreenReducer, from);

function view(state: ManualState, journal: Partial<ManualJournal> = {}, image: AmiImage | null = null): ManualView {
  return {
    step: { id: 'hardening', dir: '/nowhere' } as Step,
    journal: { ...emptyJournal('paw-example', 'hardening'), state, ...journal },
    state,
    spec: MACHINE[state],
    instance: null,
    image,
    notes: [],
    busy: null,
  };
}

const at = (state: ManualState, journal: Partial<ManualJournal> = {}) => run([{ type: 'view', view: view(state, journal) }]);
const pairs = [
  { name: 'paw-new', note: 'created at launch' },
  { name: 'alice', note: 'yours' },
  { name: 'bob', note: 'yours' },
];

describe('the manual screen state', () => {
  it('opens with the guide and its view, then follows the views it publishes', () => {
    const first = view('launch');
    const guide = { view: first } as ManualGuide;
    const opened = run([{ type: 'opened', guide }]);
    expect(opened.guide).toBe(guide);
    expect(opened.view).toBe(first);
    const later = view('connect');
    expect(manualScreenReducer(opened, { type: 'view', view: later }).view).toBe(later);
  });

  it('← and → change the instance type round the choices; Tab moves to the key pair, which they change then', () => {
    expect(initialManualScreenState.instanceType).toBe('t3.micro');
    expect(run([{ type: 'change', back: false }]).instanceType).toBe(INSTANCE_TYPE_CHOICES[1]);
    expect(run([{ type: 'change', back: true }]).instanceType).toBe(INSTANCE_TYPE_CHOICES.at(-1));
    expect(run(INSTANCE_TYPE_CHOICES.map(() => ({ type: 'change', back: false }) as const)).instanceType).toBe('t3.micro');

    const onKey = run([{ type: 'keyPairs', choices: pairs }, { type: 'nextField' }]);
    expect(onKey.field).toBe('key');
    expect(chosenKeyName(onKey)).toBeUndefined();
    const bob = run([{ type: 'change', back: true }], onKey);
    expect(bob.keyIndex).toBe(2);
    expect(bob.instanceType).toBe('t3.micro');
    expect(chosenKeyName(bob)).toBe('bob');
    expect(run([{ type: 'change', back: false }], bob).keyIndex).toBe(0);
    expect(run([{ type: 'nextField' }], bob).field).toBe('type');
  });

  it('the key pair does not move before EC2 has answered, and stays in range when fewer come back', () => {
    const onKey = run([{ type: 'nextField' }]);
    expect(manualScreenReducer(onKey, { type: 'change', back: false })).toBe(onKey);
    const bob = run(
      [
        { type: 'keyPairs', choices: pairs },
        { type: 'change', back: true },
      ],
      onKey,
    );
    expect(run([{ type: 'keyPairs', choices: pairs.slice(0, 1) }], bob).keyIndex).toBe(0);
  });

  it('a question is asked, then answered away; a closed session takes typing with it', () => {
    const answer = () => undefined;
    const asked = run([{ type: 'ask', question: { text: 'Stop?', answer } }]);
    expect(asked.question?.text).toBe('Stop?');
    expect(manualScreenReducer(asked, { type: 'answered' }).question).toBeNull();

    const session = { terminal: {} as TerminalSession, label: 'ssh ubuntu@host' };
    const typing = run([
      { type: 'connected', session },
      { type: 'typing', on: true },
    ]);
    expect(typing.session).toBe(session);
    expect(manualScreenReducer(typing, { type: 'typing', on: true })).toBe(typing);
    const closed = manualScreenReducer(typing, { type: 'disconnected' });
    expect(closed).toMatchObject({ session: null, typing: false });
  });

  it('each reopening counts, and says whether it takes the lock', () => {
    const twice = run([
      { type: 'reopen', steal: false },
      { type: 'reopen', steal: true },
    ]);
    expect(twice.opening).toEqual({ count: 2, steal: true });
    expect(run([{ type: 'adopting', on: true }]).adopting).toBe(true);
  });
});

describe('what the manual screen shows, as the table says', () => {
  it('says what Enter does at every state', () => {
    const said = Object.fromEntries(MANUAL_STATES.map((s) => [s, enterDoes(view(s), 't3.micro')]));
    expect(said).toEqual({
      launch: 'launch a t3.micro (≈ $0.0104/h) from the source AMI   Tab/←/→: change',
      running: 'go on: wait for the instance to be running',
      connect: 'work done: stop it and make the image (asks first)',
      stop: 'stop the instance (asks first)',
      stopped: 'go on: wait for the instance to be stopped',
      'create-image': 'go on: create the image',
      'image-available': 'go on: wait for the image to be available',
      terminate: 'terminate the instance, record the image (asks first)',
      record: 'go on: record the image in the catalog',
      done: null,
    });
  });

  it('a stop asked for before paw-tui stopped is carried out without asking again, and says so', () => {
    expect(enterDoes(view('stop', { requested: { action: 'stop', at: '2026-01-01T00:00:00Z' } }), 't3.micro')).toBe('stop the instance');
  });

  it('an adopted instance is terminated only if the person agrees: Enter asks', () => {
    expect(enterDoes(view('terminate', { adopted: true }), 't3.micro')).toBe('terminate the instance, record the image (asks first)');
  });

  it('a finished path whose image is gone offers to start again', () => {
    const gone = view('done', { imageId: 'ami-0aaaaaaaaaaaaaaa1' }, null);
    expect(enterDoes(gone, 't3.micro')).toBe('start the manual path of hardening again (asks first)');
    expect(launchesNext(gone)).toBe(false);
    expect(topLine(view('done'), 't3.micro', 80)).toBe('nothing left to do');
  });

  it('names the connect keys at connect only, when they fit whole', () => {
    expect(topLine(view('connect'), 't3.micro', 120)).toBe('Enter: work done: stop it and make the image (asks first)   c: connect here   C: full screen');
    expect(topLine(view('connect'), 't3.micro', 80)).toBe('Enter: work done: stop it and make the image (asks first)');
    expect(topLine(view('stop'), 't3.micro', 200)).toBe('Enter: stop the instance (asks first)');
  });

  it('offers the launch keys at launch, the connect keys at connect, and x only where giving up is allowed', () => {
    const hints = Object.fromEntries(MANUAL_STATES.map((s) => [s, manualHints(at(s), false).join(' ')]));
    expect(hints).toEqual({
      launch: 'open nextField change adopt refresh back help',
      running: 'open abandon refresh back help',
      connect: 'open connect connectFull abandon refresh back help',
      stop: 'open abandon refresh back help',
      stopped: 'open abandon refresh back help',
      'create-image': 'open abandon refresh back help',
      'image-available': 'open refresh back help',
      terminate: 'open refresh back help',
      record: 'open refresh back help',
      done: 'refresh back help',
    });
  });

  it('a question, a lock, a session or the adopt picker each have their own keys', () => {
    const launch = at('launch');
    expect(manualHints(run([{ type: 'ask', question: { text: '?', answer: () => undefined } }], launch), true)).toEqual(['back']);
    expect(manualHints(launch, true)).toEqual(['takeLock', 'refresh', 'back', 'help']);
    const session = run([{ type: 'connected', session: { terminal: {} as TerminalSession, label: 'ssh' } }], at('connect'));
    expect(manualHints(session, false)).toEqual(['focusPane', 'page', 'follow', 'search', 'back', 'help']);
    expect(manualHints(run([{ type: 'typing', on: true }], session), false)).toEqual(['stopTyping']);
    expect(manualHints(run([{ type: 'adopting', on: true }], launch), false)).toEqual(['open', 'move', 'back']);
  });
});
