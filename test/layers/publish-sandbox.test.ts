import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleWorkflow, paw } from '../aws/cli.js';
import { addMetadata, sandboxEnv, sandboxWorkflow } from './sandbox-workflow.js';

/** Publishing a step's AMI to an SSM parameter in the sandbox, from the shell. */

const sandbox = sandboxWorkflow((wf) => addMetadata(wf, 's01-base', { paw_publish_ssm_parameter: '/golden/base/ami-id' }));
const { run } = sandbox;

interface OwnParameter {
  value: string;
  dataType: string;
  version: number;
  tags: Record<string, string>;
}
function ownParameters(): Record<string, OwnParameter> {
  const state = JSON.parse(readFileSync(path.join(sandbox.wf, '.paw', 'sandbox', 'state.json'), 'utf8')) as { ownParameters?: Record<string, OwnParameter> };
  return state.ownParameters ?? {};
}
async function amiOf(step: string): Promise<string> {
  const r = await run('--json', 'steps');
  return (JSON.parse(r.stdout) as { steps: { id: string; ami_id: string }[] }).steps.find((s) => s.id === step)!.ami_id;
}

describe('publish in the sandbox', () => {
  it(
    "a good build publishes to the step's parameter; publish writes, refuses to overwrite without a yes, and overwrites with one",
    { timeout: 240_000 },
    async () => {
      const built = await run('--yes', 'build', '--to', 'app');
      expect(built.code, built.stderr + built.stdout.slice(-2000)).toBe(0);
      const base = await amiOf('base');
      const app = await amiOf('app');
      expect(built.stdout).toMatch(new RegExp(`^paw-tui: published ${base} \\(\\S+/paw-example/base\\) to /golden/base/ami-id \\(version 1\\)$`, 'm'));
      expect(ownParameters()['/golden/base/ami-id']).toMatchObject({
        value: base,
        dataType: 'aws:ec2:image',
        version: 1,
        tags: { 'paw:workflow_id': 'paw-example', 'paw:step_id': 'base' },
      });
      // app names no parameter: nothing published for it.
      expect(Object.keys(ownParameters())).toEqual(['/golden/base/ami-id']);

      const again = await run('publish', 'base');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^/golden/base/ami-id already holds ${base} \\(\\S+/paw-example/base\\)\n$`));

      const fresh = await run('--json', 'publish', 'app', '--ssm-parameter', '/golden/app/ami-id');
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(JSON.parse(fresh.stdout)).toMatchObject({ parameter: '/golden/app/ami-id', ami_id: app, previous: null, version: 1 });

      const refused = await run('publish', 'app', '--ssm-parameter', '/golden/base/ami-id');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`paw-tui: overwriting /golden/base/ami-id (${base}) needs confirmation and there is no terminal to ask — pass --yes\n`);
      expect(ownParameters()['/golden/base/ami-id']!.value).toBe(base);

      const overwritten = await run('--yes', 'publish', 'app', '--ssm-parameter', '/golden/base/ami-id');
      expect(overwritten.code, overwritten.stderr).toBe(0);
      expect(overwritten.stdout).toMatch(new RegExp(`^published ${app} \\(\\S+/paw-example/app\\) to /golden/base/ami-id \\(version 2, was ${base}\\)\n$`));
      expect(ownParameters()['/golden/base/ami-id']).toMatchObject({ value: app, version: 2, tags: { 'paw:step_id': 'app' } });

      // Deleting an AMI a published parameter holds is refused, naming the parameters.
      const deleted = await run('--yes', 'amis', 'delete', app);
      expect(deleted.code).toBe(1);
      expect(deleted.stderr).toMatch(
        new RegExp(
          `^paw-tui: AMI ${app} is in use by ssm:Parameter arn:aws:ssm:us-east-1:\\d{12}:parameter/golden/base/ami-id, ssm:Parameter arn:aws:ssm:us-east-1:\\d{12}:parameter/golden/app/ami-id — `,
        ),
      );
      expect((await run('--json', 'amis', 'show', app)).code).toBe(0);
    },
  );

  it('says what to do when there is no parameter or nothing recorded', async () => {
    const example = exampleWorkflow();
    const none = await paw(['--sandbox', '--workflow', example, 'publish', 'app'], sandboxEnv());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('paw-tui: no parameter to publish app to — pass --ssm-parameter NAME');
    const unbuilt = await paw(['--sandbox', '--workflow', example, 'publish', 'app', '--ssm-parameter', '/x/app'], sandboxEnv());
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stderr).toBe('paw-tui: app has no AMI recorded for workflow paw-example — build it first: paw-tui build app\n');
  });
});
