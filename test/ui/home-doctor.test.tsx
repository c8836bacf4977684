import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { checkSpecs, doctorChecks } from '../../src/doctor.js';
import { PawError } from '../../src/errors.js';
import { App } from '../../src/ui/app.js';
import { KeyDispatch } from '../../src/ui/hooks/useKeys.js';
import { loadWorkflow } from '../../src/workflow/load.js';
import { openCloud } from '../sandbox/helpers.js';
import { makeWorkflow, renderText, waitFor } from './fixtures.js';

const opened: Cloud[] = [];
const dirs: string[] = [];
const added = checkSpecs.length;

afterEach(async () => {
  checkSpecs.splice(added);
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function home(dir: string) {
  dirs.push(dir);
  return renderText(
    <KeyDispatch>
      <App options={{ workflow: dir, sandbox: true }} onCloud={(c) => c && opened.push(c)} onQuit={() => undefined} />
    </KeyDispatch>,
  );
}

describe('home and paw-tui doctor share their checks', () => {
  it('a check added to doctor shows on home, with its fix', async () => {
    checkSpecs.push({
      name: 'disk space',
      needs: ['workflow'],
      unmet: 'omit',
      run: () => Promise.reject(new PawError('only 3 MB free beside the workflow', { hint: 'free some disk space' })),
    });
    const dir = makeWorkflow();
    const checks = await doctorChecks({ sandbox: true, loadWorkflow: () => loadWorkflow(dir), openCloud: () => openCloud(dir) });
    expect(checks.find((c) => c.name === 'disk space')).toMatchObject({ ok: false, detail: 'only 3 MB free beside the workflow — free some disk space' });

    const { lastFrame } = home(dir);
    await waitFor(() => expect(lastFrame()).toContain('⚠ only 3 MB free beside the workflow'), 20_000);
    expect(lastFrame()).toContain('→ free some disk space');
  });

  it('every check doctor fails is a problem on home', async () => {
    const dir = makeWorkflow();
    const checks = await doctorChecks({ sandbox: true, loadWorkflow: () => loadWorkflow(dir), openCloud: () => openCloud(dir) });
    const failed = checks.filter((c) => !c.ok);
    // The example's root base AMI does not exist in a fresh sandbox.
    expect(failed.map((c) => c.name)).toEqual(['root base AMI']);
    const { lastFrame } = home(dir);
    for (const c of failed) await waitFor(() => expect(lastFrame()).toContain(`⚠ ${c.problem!.what}`), 20_000);
  });
});
