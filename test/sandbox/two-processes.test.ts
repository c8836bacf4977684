import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSandboxCloud } from '../../src/sandbox/cloud.js';
import { sandboxStatePath } from '../../src/sandbox/state.js';
import { copyOf, requireBuiltCli, ROOT, runCli, startCli, waitFor } from '../commands/packer-cli.js';

/**
 * Two `--sandbox` processes on one workflow at once (a headless build while the app is open):
 * EC2's state is a locked JSON file both change; DynamoDB is one dynalite server, run by the
 * first process and used by the others (LevelDB lets one process open the folder). Neither may
 * lose the other's changes, and neither may fail when the other starts or ends.
 */

beforeAll(() => requireBuiltCli());

describe('two sandbox processes on one workflow', () => {
  it('start at the same moment without either failing to open the catalog', async () => {
    const dir = await copyOf(path.join(ROOT, 'workflow'));
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all([0, 1, 2].map(() => runCli(['--workflow', dir, '--sandbox', 'amis', 'list'])));
      for (const r of runs) {
        expect(r.stderr, `round ${round}`).toBe('');
        expect(r.code, `round ${round}`).toBe(0);
      }
    }
  }, 120_000);

  it('a build goes on when the process whose catalog server it used closes; no change of either is lost', async () => {
    const dir = path.join(await copyOf(path.join(ROOT, 'workflow')));
    // This test's process stands for the app: it opens the sandbox first, so it runs the server.
    const app = await openSandboxCloud({ sandbox: true, workflowDir: dir, table: null });
    await app.catalog.listAll();
    const endpoint = JSON.parse(await readFile(path.join(dir, '.paw', 'sandbox', 'dynamodb.json'), 'utf8')) as { pid: number };
    expect(endpoint.pid).toBe(process.pid);

    const build = startCli(['--workflow', dir, '--sandbox', 'build', 'base', '--yes'], { PAW_FAKE_PACKER_SPEED: '5', PAW_SANDBOX_SPEED: '50' });
    // Meanwhile the app changes EC2's state too: key pairs made while Packer makes its own.
    const mine: string[] = [];
    const making = (async () => {
      while (!/Instance ID: i-\w+/.test(build.stdout()) && mine.length < 40) {
        const name = `app-key-${mine.length}`;
        await app.instances.createKeyPair(name);
        mine.push(name);
      }
    })();
    await waitFor(() => /Instance ID: i-\w+/.test(build.stdout()), 'the build to launch its instance', 60_000);
    await making;
    // The app quits while the build still needs the catalog (its lease, then its record).
    expect(build.child.exitCode).toBeNull();
    await app.close();
    const code = await build.exit;
    expect(build.stderr()).toBe('');
    expect(code, build.stdout().slice(-800)).toBe(0);

    const after = await openSandboxCloud({ sandbox: true, workflowDir: dir, table: null });
    try {
      const [item] = await after.catalog.listAll();
      expect(item?.step_id).toBe('base');
      const state = JSON.parse(await readFile(sandboxStatePath(dir), 'utf8')) as { keyPairs: { name: string }[]; images: Record<string, unknown> };
      expect(mine.length).toBeGreaterThan(0);
      expect(
        state.keyPairs
          .map((k) => k.name)
          .filter((n) => n.startsWith('app-key-'))
          .sort(),
      ).toEqual([...mine].sort());
      expect(Object.keys(state.images)).toContain(item!.ami_id);
    } finally {
      await after.close();
    }
  }, 180_000);
});
