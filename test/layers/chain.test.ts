import { describe, expect, it } from 'vitest';
import { chainAction, chainPlan, chainSummary } from '../../src/layers/chain.js';
import type { StepStatus } from '../../src/layers/states.js';
import type { Step } from '../../src/workflow/types.js';

const step = (id = 's', manual = false) => ({ id, manual }) as Step;
const newer = {
  kind: 'newer_base' as const,
  ami: 'ami-new',
  name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240720',
  days: 43,
  date: '2024-07-20',
};
const changed = { kind: 'changed' as const, files: ['install.sh'] };
/** A step's state; `same`: its inputs are those its AMI was built from (the fingerprints match). */
function status(state: StepStatus['state'], stale_reasons: StepStatus['stale_reasons'] = [], same = true, id = 's'): StepStatus {
  return { step: id, state, stale_reasons, fingerprint: 'f1', recorded_fingerprint: same ? 'f1' : 'f0' } as StepStatus;
}

describe('what the chain does at a step', () => {
  it('keeps a step a rebuild would make the same: stale only for a newer Ubuntu, or a step before it that stays stale', () => {
    expect(chainAction(step(), status('stale', [newer]))).toBe('keep');
    expect(chainAction(step(), status('stale', [newer, { kind: 'upstream', step: 'base' }]))).toBe('keep');
    expect(chainAction(step(), status('stale', [{ kind: 'upstream', step: 'base' }]))).toBe('keep');
    // Its own inputs changed: built.
    expect(chainAction(step(), status('stale', [newer, changed], false))).toBe('build');
    expect(chainAction(step(), status('stale', [{ kind: 'upstream', step: 'base' }], false))).toBe('build');
    expect(chainAction(step(), status('stale', [newer, { kind: 'ami_gone', ami: 'ami-1', state: 'gone' }]))).toBe('build');
    expect(chainAction(step(), status('up_to_date'))).toBe('skip');
    expect(chainAction(step(), { ...status('not_built'), fingerprint: 'f1', recorded_fingerprint: null })).toBe('build');
  });

  it('builds it when what it builds on changes first in the same run', () => {
    expect(chainAction(step(), status('stale', [newer]), true)).toBe('build');
    expect(chainAction(step(), status('stale', [{ kind: 'upstream', step: 'base' }]), true)).toBe('build');
  });

  it('a manual step a rebuild would make the same is kept, not a stop; otherwise a stale manual step stops the chain', () => {
    expect(chainAction(step('s', true), status('stale', [newer]))).toBe('keep');
    expect(chainAction(step('s', true), status('stale', [newer]), true)).toBe('stop');
    expect(chainAction(step('s', true), status('stale', [{ kind: 'no_fingerprint' }], false))).toBe('stop');
    expect(chainAction(step(), status('building', [newer]))).toBe('stop');
  });

  it('plans a step after one that is built as built, after one that is kept as kept', () => {
    const steps = [step('base'), step('app'), step('tools')];
    const actions = (states: StepStatus[], rootMoves = false) => chainPlan(steps, states, rootMoves).map((p) => p.action);
    const upstream = (s: string) => ({ kind: 'upstream' as const, step: s });
    // base changed: app and tools, stale because of it, are built after it.
    expect(
      actions([status('stale', [changed], false, 'base'), status('stale', [upstream('base')], true, 'app'), status('stale', [upstream('app')], true, 'tools')]),
    ).toEqual(['build', 'build', 'build']);
    // Only a newer Ubuntu: everything kept, unless the root moves to it first.
    const onNewer = ['base', 'app', 'tools'].map((id) => status('stale', [newer], true, id));
    expect(actions(onNewer)).toEqual(['keep', 'keep', 'keep']);
    expect(actions(onNewer, true)).toEqual(['build', 'build', 'build']);
    // --from app while base stays stale: app and tools would come out the same.
    expect(
      chainPlan(steps.slice(1), [status('stale', [upstream('base')], true, 'app'), status('stale', [upstream('app')], true, 'tools')]).map((p) => p.action),
    ).toEqual(['keep', 'keep']);
  });

  it('the summary names what was kept', () => {
    const r = {
      built: [],
      skipped: [{ step: 'a', ami_id: 'ami-1' }],
      kept: [{ step: 'b', ami_id: 'ami-2' }],
      not_reached: [],
      failed: null,
      stopped_at: null,
      newer_base: null,
    };
    expect(chainSummary(r)).toBe('built: none\nup to date: a\nkept (nothing of their own changed): b\nnot reached: none');
    expect(chainSummary({ ...r, kept: [] })).toBe('built: none\nup to date: a\nnot reached: none');
  });
});
