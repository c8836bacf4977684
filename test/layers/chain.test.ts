import { describe, expect, it } from 'vitest';
import { chainAction, chainSummary } from '../../src/layers/chain.js';
import type { StepStatus } from '../../src/layers/states.js';
import type { Step } from '../../src/workflow/types.js';

const step = (manual = false) => ({ id: 's', manual }) as Step;
const newer = {
  kind: 'newer_base' as const,
  ami: 'ami-new',
  name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240720',
  days: 43,
  date: '2024-07-20',
};
const status = (state: StepStatus['state'], stale_reasons: StepStatus['stale_reasons'] = []) => ({ step: 's', state, stale_reasons }) as StepStatus;

describe('what the chain does at a step', () => {
  it('keeps a step stale only for a newer Ubuntu while the root stays; builds it when the root moves', () => {
    expect(chainAction(step(), status('stale', [newer]))).toBe('keep');
    expect(chainAction(step(), status('stale', [newer]), true)).toBe('build');
    expect(chainAction(step(), status('stale', [newer, { kind: 'changed', files: ['install.sh'] }]))).toBe('build');
    expect(chainAction(step(), status('stale', [newer, { kind: 'upstream', step: 'base' }]))).toBe('build');
    expect(chainAction(step(), status('up_to_date'))).toBe('skip');
    expect(chainAction(step(), status('not_built'))).toBe('build');
  });

  it('a manual step stale only for a newer Ubuntu is kept, not a stop; stale otherwise, it stops the chain', () => {
    expect(chainAction(step(true), status('stale', [newer]))).toBe('keep');
    expect(chainAction(step(true), status('stale', [newer]), true)).toBe('stop');
    expect(chainAction(step(true), status('stale', [{ kind: 'no_fingerprint' }]))).toBe('stop');
    expect(chainAction(step(), status('building', [newer]))).toBe('stop');
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
    expect(chainSummary(r)).toBe('built: none\nup to date: a\nkept on the current root base AMI: b\nnot reached: none');
    expect(chainSummary({ ...r, kept: [] })).toBe('built: none\nup to date: a\nnot reached: none');
  });
});
