import { describe, expect, it } from 'vitest';
import { PawError } from '../../src/errors.js';
import { problemsOf } from '../../src/ui/hooks/useHomeFacts.js';

describe('home problems', () => {
  it('one missing-credentials cause is one problem, with its own fix', () => {
    const error = 'no AWS credentials found';
    const problems = problemsOf(
      {
        identity: { error, fix: 'set profile_name in workflow_param.json' },
        rootAmiProblem: `${error} — set profile_name`,
        catalogError: `${error} — set profile_name`,
        manual: [],
        interrupted: [],
      },
      null,
      null,
      null,
    );
    expect(problems).toEqual([{ what: error, fix: 'set profile_name in workflow_param.json' }]);
  });

  it('a cloud that cannot open says why and what to do, once', () => {
    const problems = problemsOf({ manual: [], interrupted: [] }, null, null, new PawError('no AWS region is set', { hint: 'set region_name' }));
    expect(problems).toEqual([{ what: 'no AWS region is set', fix: 'set region_name' }]);
  });
});

describe('interrupted runs on home', () => {
  it('hides an interruption older than the step\'s last success, keeps a newer one', async () => {
    const { currentInterruptions } = await import('../../src/ui/hooks/useHomeFacts.js');
    const run = (stepId: string, startedAt: string) => ({ stepId, startedAt }) as never;
    const built = new Map([['base', { step_id: 'base', create_at: '2026-11-30 12:00:00.123456+0000' }]]) as never;
    const shown = currentInterruptions([run('base', '2026-11-30T11:00:00.000Z'), run('app', '2026-11-30T11:00:00.000Z')], built);
    expect(shown.map((r: { stepId: string }) => r.stepId)).toEqual(['app']);
    expect(currentInterruptions([run('base', '2026-11-30T13:00:00.000Z')], built)).toHaveLength(1);
  });
});
