import path from 'node:path';
import type { Command } from 'commander';
import { PawError } from '../errors.js';
import { maskSecretParams } from '../packer/redact.js';
import type { Step, Workflow } from '../workflow/types.js';
import { emit, globalOptions, loadWorkflowFor } from './context.js';

interface ParamsOptions {
  step?: string;
  reveal?: boolean;
}

/** What is printed of a value: the keys and tokens masked unless --reveal. */
function printable(value: unknown, key: string, options: ParamsOptions): unknown {
  return options.reveal ? value : maskSecretParams(value, key.split('.').pop());
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function relative(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

async function target(cmd: Command, options: ParamsOptions): Promise<{ workflow: Workflow; step?: Step }> {
  const workflow = await loadWorkflowFor(globalOptions(cmd));
  if (!options.step) return { workflow };
  const { findStep } = await import('../workflow/load.js');
  return { workflow, step: findStep(workflow, options.step) };
}

export function register(program: Command): void {
  const params = program.command('params').description('read or change workflow_param.json, or a step_param.json with --step (comments are kept)');

  params
    .command('get')
    .description('print a param (a dotted key such as aws_tags.team), or all of them')
    .argument('[key]', 'the key; all keys when left out')
    .option('--step <id>', 'the step whose step_param.json to read (default: workflow_param.json)')
    .option('--reveal', 'print keys, tokens and passwords as they are (masked otherwise)', false)
    .action(async (key: string | undefined, options: ParamsOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { workflow, step } = await target(cmd, options);
      const { getParam, paramFile } = await import('../workflow/params.js');
      if (key === undefined) {
        const all = printable(step ? step.param.raw : workflow.param.raw, '', options) as Record<string, unknown>;
        emit(opts, all, () =>
          Object.entries(all)
            .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
            .join('\n'),
        );
        return;
      }
      const found = getParam(workflow, step, key);
      if (found === undefined) {
        throw new PawError(`no key "${key}" in ${relative(paramFile(workflow, step))}`, { hint: 'paw-tui params get lists the keys' });
      }
      const value = printable(found, key, options);
      emit(opts, value, () => shown(value));
    });

  params
    .command('set')
    .description('set a param, keeping every comment and every other byte of the file')
    .argument('<key>', 'the key, dotted for nested ones (aws_tags.team)')
    .argument('<value>', 'the value: JSON when it parses (null, {"a":"b"}), else text; a key holding text keeps text')
    .option('--step <id>', 'the step whose step_param.json to change (default: workflow_param.json)')
    .action(async (key: string, text: string, options: ParamsOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { workflow, step } = await target(cmd, options);
      const { getParam, parseParamValue, setParam } = await import('../workflow/params.js');
      const value = parseParamValue(text, getParam(workflow, step, key));
      const file = await setParam(workflow, step, key, value);
      const masked = printable(value, key, {});
      emit(opts, { file, key, value: masked }, () => `${key} = ${JSON.stringify(masked)} (${relative(file)})`);
    });

  params
    .command('unset')
    .description('remove a param from the file, keeping everything else')
    .argument('<key>', 'the key, dotted for nested ones')
    .option('--step <id>', 'the step whose step_param.json to change (default: workflow_param.json)')
    .action(async (key: string, options: ParamsOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { workflow, step } = await target(cmd, options);
      const { removeParam } = await import('../workflow/params.js');
      const file = await removeParam(workflow, step, key);
      emit(opts, { file, key, removed: true }, () => `removed ${key} (${relative(file)})`);
    });
}
