// Start-up measures (SPEC §10): `--version` against `node -e 0`, and the home screen's first
// frame in the sandbox against a bundled one-line Ink app, both in a 120x40 pseudo-terminal.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundle, interleaved, median, ptyTimeToMarker, repoRoot, tempDir, timeProcess, workflowCopy } from './lib.mjs';

/**
 * The home screen's title line as src/ui/app.tsx draws it: `paw-tui · <workflow> · home`. The
 * first frame shows it before the workflow or the cloud has loaded.
 */
export const HOME_MARKER = /paw-tui · .+ · home/;
const FLOOR_MARKER = 'paw-bench floor: one line';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function childEnv() {
  const env = { ...process.env, TERM: 'xterm-256color', FORCE_COLOR: '1' };
  delete env.CI;
  delete env.NO_COLOR;
  return env;
}

export async function versionStart({ runs }) {
  const { floor, measured } = await interleaved(
    runs,
    async () => (await timeProcess(process.execPath, ['-e', '0'])).ms,
    async () => (await timeProcess(process.execPath, [cli, '--version'])).ms,
  );
  const f = median(floor);
  const m = median(measured);
  return [{ measure: 'start: paw-tui --version', value: m, unit: 'ms', floor: f, floorName: 'node -e 0', ratio: m / f, target: { ratio: 1.15 } }];
}

export async function homeFirstFrame({ runs }) {
  // Written to a temp folder: the floor must not find anything of the repository near it.
  const floorApp = await bundle('bench/floor-app.tsx', 'floor-app', { outdir: tempDir('floor') });
  if (!existsSync(path.join(repoRoot, 'workflow', 'workflow_param.json'))) {
    return [{ measure: 'start: home first frame (sandbox)', missing: 'the example workflow/ is not there yet' }];
  }
  const workflow = workflowCopy('home');
  const env = childEnv();
  const home = () => ptyTimeToMarker(process.execPath, [cli, '--sandbox', '--workflow', workflow], { marker: HOME_MARKER, env, cwd: path.dirname(workflow) });
  // The first start creates the sandbox's state; a user meets that once, so it is not measured.
  await home();
  const { floor, measured } = await interleaved(runs, () => ptyTimeToMarker(process.execPath, [floorApp], { marker: FLOOR_MARKER, env, quitKeys: '' }), home);
  const f = median(floor);
  const m = median(measured);
  return [
    {
      measure: 'start: home first frame (sandbox)',
      value: m,
      unit: 'ms',
      floor: f,
      floorName: 'bundled 1-line Ink app',
      ratio: m / f,
      target: { ratio: 1.3 },
    },
  ];
}
