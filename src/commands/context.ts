import path from 'node:path';
import type { Command } from 'commander';
import { InterruptedError, UsageError } from '../errors.js';
import type { Cloud } from '../aws/ports.js';
import type { Workflow } from '../workflow/types.js';

/** The global options of SPEC §8, as every subcommand sees them. */
export interface GlobalOptions {
  /** Absolute path of the workflow folder. */
  workflow: string;
  profile?: string;
  region?: string;
  /** `--table`: the catalog's DynamoDB table. */
  table?: string;
  json: boolean;
  yes: boolean;
  sandbox: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<Record<string, unknown>>();
  return {
    workflow: path.resolve(typeof o.workflow === 'string' ? o.workflow : 'workflow'),
    profile: typeof o.profile === 'string' ? o.profile : undefined,
    region: typeof o.region === 'string' ? o.region : undefined,
    table: typeof o.table === 'string' ? o.table : undefined,
    json: Boolean(o.json),
    yes: Boolean(o.yes),
    sandbox: Boolean(o.sandbox),
  };
}

export async function loadWorkflowFor(opts: GlobalOptions): Promise<Workflow> {
  const { loadWorkflow } = await import('../workflow/load.js');
  return loadWorkflow(opts.workflow);
}

/** Opens the cloud for a workflow: command-line profile/region/table win over the workflow's own. */
export async function openCloudFor(opts: GlobalOptions, workflow: Workflow): Promise<Cloud> {
  const open = await import('../aws/open.js');
  return open.openCloudFor({ ...opts, onNote: opts.json ? undefined : (line) => process.stderr.write(`paw-tui: ${line}\n`) }, workflow);
}

/** Runs work with an open cloud and always closes it (the sandbox holds a local server). */
export async function withCloud<T>(opts: GlobalOptions, workflow: Workflow, work: (cloud: Cloud) => Promise<T>): Promise<T> {
  const cloud = await openCloudFor(opts, workflow);
  try {
    return await work(cloud);
  } finally {
    await cloud.close();
  }
}

/** Prints data: JSON with --json, else the text form. */
export function emit(opts: GlobalOptions, data: unknown, text: () => string): void {
  if (opts.json) process.stdout.write(JSON.stringify(data, null, 2) + '\n');
  else {
    const t = text();
    if (t) process.stdout.write(t.endsWith('\n') ? t : t + '\n');
  }
}

/** Whether a person is at a terminal to answer a question. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/** A yes/no question on the terminal (line mode), "no" by default. */
export async function askYesNo(question: string): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: question, default: false }).catch((e: unknown) => {
    // Ctrl-C at the question (the terminal is in raw mode, so it is a key, not a signal).
    if ((e as Error)?.name === 'ExitPromptError') throw new InterruptedError('interrupted at the question', 'nothing was done');
    throw e;
  });
}

/** A yes for what cannot be undone: `--yes`, else the person at the terminal, else a usage error. */
export async function confirmed(opts: GlobalOptions, what: string, question: string): Promise<boolean> {
  if (opts.yes) return true;
  if (!canAsk()) throw new UsageError(`${what} needs confirmation and there is no terminal to ask`, 'pass --yes');
  const yes = await askYesNo(question);
  if (!yes) process.stdout.write('nothing done\n');
  return yes;
}
