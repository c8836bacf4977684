import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paw } from '../aws/cli.js';
import { EXAMPLE_ROOT_FAMILY, sandboxEnv, sandboxWorkflow, withToolsStep } from './sandbox-workflow.js';

/**
 * Part of the chain, base → app → tools: the chain stops at the first failure with what was
 * built, up to date and not reached, and the same command continues it; `--from` and `--to`
 * build what their part needs, never a step that would come out the same.
 */

const sandbox = sandboxWorkflow(withToolsStep);
const { run } = sandbox;
const summary = (stdout: string) => stdout.slice(stdout.indexOf('\nbuilt: ') + 1);

describe('building part of the chain', () => {
  it(
    'a failure stops the chain, the same command continues it; --from keeps what would come out the same, --to and --from build the rest',
    { timeout: 240_000 },
    async () => {
      expect((await run('base-ami', '--name-pattern', EXAMPLE_ROOT_FAMILY, '--write')).code).toBe(0);
      const base = await run('--yes', 'build', '--to', 'base');
      expect(base.code, base.stderr + base.stdout.slice(-2000)).toBe(0);

      const failing = await paw(['--sandbox', '--workflow', sandbox.wf, '--yes', 'build', '--all'], { ...sandboxEnv(), PAW_FAKE_PACKER_FAIL: 'provision' });
      expect(failing.code).toBe(1);
      expect(summary(failing.stdout)).toBe('built: none\nup to date: base\nfailed: app\nnot reached: tools\n');
      expect(failing.stderr).toMatch(/^paw-tui: the chain stopped at app — fix it and run the same command again: what is up to date is skipped\n$/m);
      const states = JSON.parse((await run('--json', 'steps')).stdout) as { steps: { state: string }[] };
      expect(states.steps.map((s) => s.state)).toEqual(['up_to_date', 'not_built', 'not_built']);

      const again = await run('--yes', 'build', '--all');
      expect(again.code, again.stderr + again.stdout.slice(-2000)).toBe(0);
      expect(summary(again.stdout)).toMatch(/^built: app \(ami-\w+\), tools \(ami-\w+\)\nup to date: base\nnot reached: none\n$/);

      // base changes. --from app alone would build app and tools on base's old AMI: the same AMIs, still stale.
      const built = JSON.parse((await run('--json', 'steps')).stdout) as { steps: { ami_id: string }[] };
      const ami = built.steps.map((s) => s.ami_id);
      const script = path.join(sandbox.wf, 's01-base', 'zero_deps_script.py');
      writeFileSync(script, readFileSync(script, 'utf8') + '\n# base changes\n');
      for (let i = 0; i < 2; i++) {
        const from = await run('--yes', 'build', '--from', 'app');
        expect(from.code, from.stderr).toBe(0);
        expect(from.stdout).toBe(
          [
            `app: kept (${ami[1]}, 0 days): nothing of its own changed; base before it is stale — build from there: paw-tui build --from base`,
            `tools: kept (${ami[2]}, 0 days): nothing of its own changed; base before it is stale — build from there: paw-tui build --from base`,
            'built: none',
            'up to date: none',
            'kept (nothing of their own changed): app, tools',
            'not reached: none',
            '',
          ].join('\n'),
        );
      }

      // base's own stale AMI holds its output name; while a launch template uses it, it is not replaced.
      const state = JSON.parse(readFileSync(sandbox.stateFile(), 'utf8')) as { references: Record<string, unknown[]> };
      const template = 'arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1';
      state.references[ami[0]!] = [{ resourceType: 'ec2:LaunchTemplate', arn: template }];
      writeFileSync(sandbox.stateFile(), JSON.stringify(state));
      const refused = await run('--yes', 'build', '--to', 'app');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(`\nbase: AMI ${ami[0]} is in use by ec2:LaunchTemplate ${template}`);
      expect(summary(refused.stdout)).toBe('built: none\nup to date: none\nfailed: base\nnot reached: app\n');
      expect((JSON.parse((await run('--json', 'steps')).stdout) as { steps: { ami_id: string }[] }).steps.map((s) => s.ami_id)).toEqual(ami);
      const after = JSON.parse(readFileSync(sandbox.stateFile(), 'utf8')) as typeof state;
      delete after.references[ami[0]!];
      writeFileSync(sandbox.stateFile(), JSON.stringify(after));

      // --to app builds base and app, then --from tools finds tools built on an AMI that changed.
      const to = await run('--yes', 'build', '--to', 'app');
      expect(to.code, to.stderr + to.stdout.slice(-2000)).toBe(0);
      expect(summary(to.stdout)).toMatch(/^built: base \(ami-\w+\), app \(ami-\w+\)\nup to date: none\nnot reached: none\n$/);
      const middle = JSON.parse((await run('--json', 'steps')).stdout) as { steps: { state: string; stale_reasons: unknown[] }[] };
      expect(middle.steps.map((s) => s.state)).toEqual(['up_to_date', 'up_to_date', 'stale']);
      expect(middle.steps[2]!.stale_reasons).toEqual([{ kind: 'upstream', step: 'app' }]);
      const tools = await run('--yes', 'build', '--from', 'tools');
      expect(tools.code, tools.stderr + tools.stdout.slice(-2000)).toBe(0);
      expect(summary(tools.stdout)).toMatch(/^built: tools \(ami-\w+\)\nup to date: none\nnot reached: none\n$/);
      const done = JSON.parse((await run('--json', 'steps')).stdout) as { steps: { state: string; ami_id: string }[] };
      expect(done.steps.map((s) => s.state)).toEqual(['up_to_date', 'up_to_date', 'up_to_date']);
      expect(done.steps.map((s) => s.ami_id).filter((id, i) => id === ami[i])).toEqual([]);
    },
  );
});
