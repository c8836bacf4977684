import { describe, expect, it } from 'vitest';
import type { AmiImage, Instance } from '../../src/aws/ports.js';
import type { ManualView } from '../../src/manual/guide.js';
import { emptyJournal, type ManualJournal } from '../../src/manual/journal.js';
import { MACHINE, MANUAL_STATES, type ManualState } from '../../src/manual/machine.js';
import { goneImage, manualFacts, nextCommand, statusText } from '../../src/manual/status.js';
import type { Step } from '../../src/workflow/types.js';

const IMAGE = 'ami-0aaaaaaaaaaaaaaa1';

function view(state: ManualState, journal: Partial<ManualJournal> = {}, found: { instance?: Instance; image?: AmiImage } = {}): ManualView {
  return {
    step: { id: 'hardening', dir: '/nowhere' } as Step,
    journal: { ...emptyJournal('paw-example', 'hardening'), state, ...journal },
    state,
    spec: MACHINE[state],
    instance: found.instance ?? null,
    image: found.image ?? null,
    notes: [],
    busy: null,
  };
}

const image = (state: string) => ({ id: IMAGE, name: 'x', state, creationDate: '', ownerId: '', snapshotIds: [], tags: {}, raw: {} }) as AmiImage;

describe('what to run next, headless', () => {
  it('is resume where the guide goes on alone, else the command the table waits for', () => {
    const next = Object.fromEntries(MANUAL_STATES.map((s) => [s, nextCommand(view(s))]));
    const cmd = 'paw-tui manual hardening';
    expect(next).toEqual({
      launch: `${cmd} launch`,
      running: `${cmd} resume`,
      connect: `connect, do the work, then: ${cmd} stop --yes`,
      stop: `${cmd} stop --yes`,
      stopped: `${cmd} resume`,
      'create-image': `${cmd} resume`,
      'image-available': `${cmd} resume`,
      terminate: `${cmd} terminate --yes`,
      record: `${cmd} resume`,
      done: null,
    });
  });

  it('is resume for a call asked for before paw-tui stopped: it is carried out without asking again', () => {
    const requested = (action: string) => ({ requested: { action, at: '2026-03-01T12:00:00.000Z' } });
    expect(nextCommand(view('stop', requested('stop')))).toBe('paw-tui manual hardening resume');
    expect(nextCommand(view('launch', requested('launch')))).toBe('paw-tui manual hardening resume');
    expect(nextCommand(view('terminate', requested('terminate')))).toBe('paw-tui manual hardening resume');
  });
});

describe('the facts beside the checklist', () => {
  it('counts uptime and cost while the instance runs, not once it stopped', () => {
    const launchedAt = '2026-03-01T12:00:00.000Z';
    const running = { id: 'i-0abc', state: 'running', publicDnsName: 'ec2-1-2-3-4.compute-1.amazonaws.com' } as Instance;
    const now = Date.parse(launchedAt) + 187_000;
    const f = manualFacts(view('connect', { instanceId: 'i-0abc', launchedAt, instanceType: 't3.micro' }, { instance: running }), now);
    expect(f).toMatchObject({ instanceState: 'running', address: running.publicDnsName, uptime: '3m 07s' });
    expect(f.cost).toMatch(/t3\.micro ≈ \$0\.0104\/h/);
    const stopped = manualFacts(
      view('stopped', { instanceId: 'i-0abc', launchedAt, instanceType: 't3.micro' }, { instance: { ...running, state: 'stopped' } }),
      now,
    );
    expect(stopped).toMatchObject({ uptime: null, cost: null });
  });

  it('says a finished path lost its image only when EC2 no longer has it', () => {
    expect(goneImage(view('done', { imageId: IMAGE }))).toBe(IMAGE);
    expect(goneImage(view('done', { imageId: IMAGE }, { image: image('deregistered') }))).toBe(IMAGE);
    expect(goneImage(view('done', { imageId: IMAGE }, { image: image('available') }))).toBeNull();
    expect(goneImage(view('terminate', { imageId: IMAGE }))).toBeNull();
    const text = statusText(view('done', { imageId: IMAGE }), null, false);
    expect(text.split('\n').at(-1)).toBe(`gone: ${IMAGE} no longer exists in EC2; start again: paw-tui manual hardening launch`);
    expect(
      statusText(view('done', { imageId: IMAGE }, { image: image('available') }), null, false)
        .split('\n')
        .at(-1),
    ).toBe(`done: ${IMAGE} is the AMI of step hardening, recorded in the catalog`);
  });
});
