import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cloud } from '../../src/aws/ports.js';
import { App } from '../../src/ui/app.js';
import { KeyDispatch } from '../../src/ui/hooks/useKeys.js';
import { keys, renderText, tick, waitFor } from './fixtures.js';
import { fakePackerBuilt, sandboxWorkflow } from './sandbox.js';

const opened: Cloud[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(path.dirname(d), { recursive: true, force: true });
});

const ready = fakePackerBuilt();

/** The whole app on a copy of the example workflow; the simulated packer runs slowly. */
async function start() {
  const { dir, cloud } = await sandboxWorkflow();
  await cloud.close();
  process.env.PAW_FAKE_PACKER_SPEED = '2';
  dirs.push(dir);
  const quits: number[] = [];
  const app = renderText(
    <KeyDispatch>
      <App options={{ workflow: dir, sandbox: true }} onCloud={(c) => c && opened.push(c)} onQuit={(code) => quits.push(code)} />
    </KeyDispatch>,
  );
  await waitFor(() => expect(app.lastFrame()).toContain('account'), 20_000);
  await waitFor(() => expect(app.lastFrame()).toMatch(/root AMI → base\s+○ not built/), 20_000);
  return { ...app, quits, dir };
}

describe.skipIf(!ready)('steps and builds from home', () => {
  it('Enter opens the step view and starts nothing; b asks with the source AMI, instance type and price', async () => {
    const { lastFrame, stdin, dir } = await start();
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('paw-example · step'));
    await waitFor(() => expect(lastFrame()).toMatch(/source\s+ami-[0-9a-f]+/), 10_000);
    expect(lastFrame()).toMatch(/instance\s+t3\.micro\s+≈ \$0\.0104\/h/);
    expect(lastFrame()).toMatch(/AMI\s+not built/);
    expect(lastFrame()).toMatch(/Runs\s+none yet/);
    expect(existsSync(path.join(dir, 's01-base', '.paw', 'runs'))).toBe(false);
    stdin.write('b');
    await waitFor(() => expect(lastFrame()).toMatch(/\[y\/n\] Build base on a t3\.micro \(≈ \$0\.0104\/h\) from ami-[0-9a-f]+\?/), 10_000);
    stdin.write(keys.enter);
    await tick(100);
    stdin.write('n');
    await waitFor(() => expect(lastFrame()).not.toContain('Build base on a t3.micro'));
    expect(existsSync(path.join(dir, 's01-base', '.paw', 'runs'))).toBe(false);
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('paw-example · home'));
    // A step whose source AMI is missing: b says why at once and asks nothing.
    stdin.write('j');
    await tick(100);
    stdin.write('b');
    await waitFor(() => expect(lastFrame()).toContain('✖ step base has no AMI recorded for workflow paw-example'), 10_000);
    expect(lastFrame()).not.toContain('Build app from');
  }, 60_000);

  it('a build keeps running after Esc: home shows the job and the step building, Enter returns, quitting asks', async () => {
    const { lastFrame, stdin, quits } = await start();
    stdin.write('b');
    await waitFor(() => expect(lastFrame()).toMatch(/Build base on a t3\.micro \(≈ \$0\.0104\/h\) from ami-[0-9a-f]+/), 10_000);
    stdin.write('y');
    await waitFor(() => expect(lastFrame()).toContain('paw-example · build'));
    await waitFor(() => expect(lastFrame()).toContain('==> '), 30_000);
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('paw-example · home'));
    await waitFor(() => expect(lastFrame()).toMatch(/Jobs\s+⟳ base \S.* · \d+s/));
    expect(lastFrame()).toMatch(/root AMI → base\s+⟳ building — /);
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('paw-example · build'));
    await waitFor(() => expect(lastFrame()).toMatch(/building base/));
    stdin.write(keys.esc);
    await waitFor(() => expect(lastFrame()).toContain('paw-example · home'));
    stdin.write('q');
    await waitFor(() => expect(lastFrame()).toContain('[Y/n] base still building. Interrupt (Packer cleans up) and quit?'));
    expect(quits).toEqual([]);
    // The screen below takes no key while the app asks: n answers the question, not "new step".
    stdin.write('n');
    await waitFor(() => expect(lastFrame()).not.toContain('still building'));
    expect(lastFrame()).toContain('paw-example · home');
    stdin.write('q');
    await waitFor(() => expect(lastFrame()).toContain('[Y/n]'));
    stdin.write(keys.enter);
    await waitFor(() => expect(lastFrame()).toContain('Packer is cleaning up'));
    await waitFor(() => expect(quits).toEqual([130]), 30_000);
  }, 90_000);
});
