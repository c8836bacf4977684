import { expect } from 'vitest';
import { expectFailure, runCli, tempDir, type FaultCase } from './harness.js';

export const usageCases: FaultCase[] = [
  {
    name: 'no terminal and no subcommand: says to use a subcommand, exit 2',
    async run() {
      const r = await runCli([]);
      expectFailure(r, 2, /^paw-tui: no terminal here — use a subcommand/);
      expect(r.stdout).toBe('');
    },
  },
  {
    name: 'an unknown option is a usage error, exit 2, nothing on stdout',
    async run() {
      const r = await runCli(['--no-such-option']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown option '--no-such-option'/);
      expect(r.stdout).toBe('');
    },
  },
  {
    name: '--workflow naming a folder that does not exist: one line naming it, exit 1',
    async run() {
      const missing = `${await tempDir()}/no-such-workflow`;
      const r = await runCli(['steps', '--workflow', missing]);
      expectFailure(r, 1, new RegExp(`no-such-workflow`));
    },
  },
];
