import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ensureBuilt, exampleWorkflow, fakePacker, paw, removeBuiltCopy } from '../aws/cli.js';

/**
 * A copy of the example workflow driven from the shell in the sandbox, for a test file: made
 * before its tests (after `prepare`), the built CLI copy removed after them.
 */
/** The environment of a CLI run in the sandbox: its waits fast, Packer simulated. */
export const sandboxEnv = () => ({ PAW_SANDBOX_SPEED: '1000', PAW_PACKER: fakePacker() });

export function sandboxWorkflow(prepare: (wf: string) => void = () => undefined) {
  const held = { wf: '' };
  beforeAll(() => {
    ensureBuilt();
    held.wf = exampleWorkflow();
    prepare(held.wf);
  });
  afterAll(() => removeBuiltCopy());
  return {
    get wf() {
      return held.wf;
    },
    /** `paw-tui --sandbox --workflow <wf> ...args`, the sandbox fast, Packer simulated. */
    run: (...args: string[]) => paw(['--sandbox', '--workflow', held.wf, ...args], sandboxEnv()),
    /** The sandbox's state file. */
    stateFile: () => path.join(held.wf, '.paw', 'sandbox', 'state.json'),
  };
}

/** Adds metadata entries, as written by hand, at the top of a step's step_param.json. */
export function addMetadata(wf: string, stepFolder: string, entries: Record<string, string>): void {
  const file = path.join(wf, stepFolder, 'step_param.json');
  const lines = Object.entries(entries).map(([k, v]) => `\n        ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  writeFileSync(file, readFileSync(file, 'utf8').replace('"metadata": {', `"metadata": {${lines.join('')}`));
}

/** The example workflow with a third Packer step, `tools`, in place of the manual one: base → app → tools. */
export function withToolsStep(wf: string): void {
  rmSync(path.join(wf, 's03-hardening'), { recursive: true });
  cpSync(path.join(wf, 's02-app'), path.join(wf, 's03-tools'), { recursive: true });
  const param = path.join(wf, 's03-tools', 'step_param.json');
  writeFileSync(
    param,
    readFileSync(param, 'utf8').replace('"step_id": "app"', '"step_id": "tools"').replace('"previous_step_id": "base"', '"previous_step_id": "app"'),
  );
  const ignore = path.join(wf, 's03-tools', '.gitignore');
  writeFileSync(ignore, readFileSync(ignore, 'utf8').replaceAll('/app*', '/tools*'));
}

/** The sandbox's newest jammy (gp2) is newer than the example's root base AMI: this names that family. */
export const EXAMPLE_ROOT_FAMILY = 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*';
