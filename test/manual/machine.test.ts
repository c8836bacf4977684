import { describe, expect, it } from 'vitest';
import { checklist, instanceMayBeLive, MACHINE, MANUAL_STATES, needsPerson } from '../../src/manual/machine.js';

describe('the manual state machine', () => {
  it('walks the states of SPEC §5 in order, each naming the next', () => {
    const walked = [];
    for (let s: (typeof MANUAL_STATES)[number] | null = 'launch'; s; s = MACHINE[s].next) walked.push(s);
    expect(walked).toEqual([
      'launch', 'running', 'connect', 'stop', 'stopped', 'create-image', 'image-available', 'terminate', 'record', 'done',
    ]);
  });

  it('writes an intent to the journal before every call that changes the cloud', () => {
    const changing = MANUAL_STATES.filter((s) => ['RunInstances', 'StopInstances', 'CreateImage', 'TerminateInstances', 'PutItem'].includes(MACHINE[s].awsCall ?? ''));
    expect(changing).toEqual(['launch', 'stop', 'create-image', 'terminate', 'record']);
    for (const s of changing) expect(MACHINE[s].intent).toMatch(/requested$/);
  });

  it('asks for confirmation before stop and terminate only', () => {
    expect(MANUAL_STATES.filter((s) => MACHINE[s].driver === 'confirm')).toEqual(['stop', 'terminate']);
  });

  it('stops an unattended run at the person and at confirmations not given', () => {
    expect(needsPerson('connect', true)).toBe(true);
    expect(needsPerson('terminate', false)).toBe(true);
    expect(needsPerson('terminate', true)).toBe(false);
    expect(needsPerson('image-available', false)).toBe(false);
    expect(needsPerson('done', true)).toBe(true);
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
});
