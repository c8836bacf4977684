import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/doctor.js';
import { currentInterruptions } from '../../src/packer/interruptions.js';
import { problemsOf, type HomeFacts } from '../../src/ui/hooks/useHomeFacts.js';

const facts = (checks: Check[], more: Partial<HomeFacts> = {}): HomeFacts => ({ checks, manual: [], interrupted: [], ...more });

describe('home problems', () => {
  it('are the failed checks; a check skipped for want of another is no problem of its own', () => {
    const problems = problemsOf(
      facts([
        { name: 'packer', ok: true, detail: '1.11.2' },
        {
          name: 'credentials',
          ok: false,
          detail: 'no AWS credentials found — set profile_name',
          problem: { what: 'no AWS credentials found', fix: 'set profile_name' },
        },
        { name: 'catalog table', ok: false, detail: 'not checked: no credentials', skipped: true },
      ]),
    );
    expect(problems).toEqual([{ what: 'no AWS credentials found', fix: 'set profile_name' }]);
  });

  it("say what to do with home's own keys where home has one", () => {
    const problems = problemsOf(
      facts(
        [
          {
            name: 'root base AMI',
            ok: false,
            detail: 'x',
            problem: { what: 'root base AMI ami-1 is pending', fix: 'pick one with: paw-tui base-ami --write' },
          },
          { name: 'interrupted', ok: false, detail: 'x', problem: { what: 'interrupted builds may have left instances running: app (i-1)' } },
          { name: 'region', ok: false, detail: 'x', problem: { what: 'unexpected error: boom' } },
        ],
        { interrupted: [{ stepId: 'app' }] as never },
      ),
    );
    expect(problems).toEqual([
      { what: 'root base AMI ami-1 is pending', fix: 'press a to pick a current Ubuntu AMI' },
      { what: 'interrupted builds may have left instances running: app (i-1)', fix: 'highlight app and press t to check and terminate its instance' },
      { what: 'unexpected error: boom', fix: 'check region and credentials in workflow_param.json, then press r' },
    ]);
  });
});

describe('interrupted runs on home', () => {
  it("hides an interruption older than the step's last success, keeps a newer one", () => {
    const run = (stepId: string, startedAt: string) => ({ stepId, startedAt }) as never;
    const built = new Map([['base', { step_id: 'base', create_at: '2026-11-30 12:00:00.123456+0000' }]]) as never;
    const shown = currentInterruptions([run('base', '2026-11-30T11:00:00.000Z'), run('app', '2026-11-30T11:00:00.000Z')], built);
    expect(shown.map((r: { stepId: string }) => r.stepId)).toEqual(['app']);
    expect(currentInterruptions([run('base', '2026-11-30T13:00:00.000Z')], built)).toHaveLength(1);
  });
});
