import { expect } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expectFailure, expectFilesUnchanged, filesOf, runCli, tempDir, tempWorkflow, type FaultCase } from './harness.js';
import { sandboxState, workflowAmis } from './ledger.js';
import { firstBuiltStep } from './workflow-files.js';

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
    name: 'a word that is no command is named as an unknown command, with the nearest one, exit 2',
    async run() {
      for (const [args, line] of [
        [['nosuch'], "error: unknown command 'nosuch'"],
        [['--sandbox', 'bulid'], "error: unknown command 'bulid' (did you mean build?)"],
        [['help', 'stpes'], "error: unknown command 'stpes' (did you mean steps?)"],
      ] as const) {
        const r = await runCli([...args]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr.split('\n')[0], args.join(' ')).toBe(line);
        expect(r.stdout).toBe('');
      }
    },
  },
  {
    name: 'help, as git and npm read it: the help of the program or of a command, exit 0',
    async run() {
      const program = await runCli(['--help']);
      for (const args of [['help'], ['help', '--sandbox']]) {
        const r = await runCli(args);
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.stdout, args.join(' ')).toBe(program.stdout);
      }
      for (const [args, usage] of [
        [['help', 'build'], 'Usage: paw-tui build [options] [step]'],
        [['help', 'step', 'new'], 'Usage: paw-tui step new [options] <id>'],
      ] as const) {
        const r = await runCli([...args]);
        expect(r.code, args.join(' ')).toBe(0);
        expect(r.stdout.split('\n')[0]).toBe(usage);
      }
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

  {
    name: 'amis delete without --yes and no terminal to ask: refused, exit 2, the AMI is still there',
    async run() {
      const dir = await tempWorkflow();
      const step = await firstBuiltStep(dir);
      const b = await runCli(['build', step.id, '--workflow', dir, '--sandbox']);
      expect(b.code, b.stderr).toBe(0);
      const [ami] = workflowAmis(await sandboxState(dir), 'paw-example');
      const r = await runCli(['amis', 'delete', ami!.id, '--workflow', dir, '--sandbox']);
      expectFailure(r, 2, /needs a confirmation and there is no terminal to ask — pass --yes/);
      expect((await sandboxState(dir)).images[ami!.id]).toEqual(ami);
    },
  },
  {
    name: 'init without a terminal and without its flags: names the flags, exit 2, nothing written',
    async run() {
      const parent = await tempDir();
      const r = await runCli(['init', path.join(parent, 'new-workflow')]);
      expectFailure(r, 2, /no terminal to ask on: give --workflow-id .* — paw-tui init --help/);
      expect(existsSync(path.join(parent, 'new-workflow'))).toBe(false);
    },
  },
  {
    name: 'params set of a key into a missing --step: lists the steps, no file touched',
    async run() {
      const dir = await tempWorkflow();
      const before = await filesOf(dir);
      const r = await runCli(['params', 'set', 'metadata.owner', 'me', '--step', 'no-such-step', '--workflow', dir]);
      expectFailure(r, 1, /no step "no-such-step".* — steps: /);
      await expectFilesUnchanged(dir, before);
    },
  },
];
