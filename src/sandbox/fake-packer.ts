#!/usr/bin/env node
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { validateTemplate, resolveVars, type PackerArgs } from './fake-packer-config.js';
import { runBuilds } from './fake-packer-run.js';

/**
 * The sandbox's simulated `packer` (dist/fake-packer.js, what `--sandbox` sets PAW_PACKER to).
 * A real process that answers like Packer 1.6.6: `version`, `validate`, `init` (absent in 1.6,
 * as in the real one, unless PAW_FAKE_PACKER_VERSION says 1.7 or later) and `build`, whose
 * amazon-ebs log is written over a few seconds against the sandbox's EC2 (PAW_SANDBOX_STATE).
 *
 * For tests and demos:
 *   PAW_FAKE_PACKER_SPEED=20         runs 20 times faster
 *   PAW_FAKE_PACKER_FAIL=provision   the last provisioner fails (exit status 100); also `ssh`, `ami`,
 *                                    and `init` (the plugin cannot be installed)
 *   PAW_FAKE_PACKER_VERSION=1.9.4    the version it claims
 */

const USAGE = `Usage: packer [--version] [--help] <command> [<args>]

Available commands are:
    build           build image(s) from template
    console         creates a console for testing variable interpolation
    fix             fixes templates from old versions of packer
    hcl2_upgrade    transform a JSON template into a HCL2 configuration
    inspect         see components of a template
    validate        check that a template is valid
    version         Prints the Packer version
`;

function version(): string {
  return process.env.PAW_FAKE_PACKER_VERSION || '1.6.6';
}

function hasInit(v: string): boolean {
  const [major = 0, minor = 0] = v.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 7);
}

/** `-flag=value`, `-flag value` and repeated `-var-file`s, then the template folder or file. */
export function parseArgs(args: string[]): PackerArgs {
  const parsed: PackerArgs = { varFiles: [], vars: [], color: true, onError: 'cleanup', target: '.', flags: new Set() };
  const valued = new Set(['var-file', 'var', 'on-error', 'color', 'only', 'except', 'parallel-builds']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--?([\w-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      parsed.target = a;
      continue;
    }
    const [, flag = '', inline] = m;
    let value = inline;
    if (value === undefined && valued.has(flag) && flag !== 'color') value = args[++i];
    if (flag === 'var-file' && value !== undefined) parsed.varFiles.push(value);
    else if (flag === 'var' && value !== undefined) parsed.vars.push(value);
    else if (flag === 'on-error' && value !== undefined) parsed.onError = value;
    else if (flag === 'color') parsed.color = value === undefined || value === 'true';
    else if (flag === 'machine-readable') parsed.color = false;
    else parsed.flags.add(flag);
  }
  return parsed;
}

function printErrors(errors: { file: string; line: number; message: string; detail?: string }[], color: boolean): void {
  for (const e of errors) {
    const title = color ? `\x1b[31m\x1b[1mError: \x1b[0m\x1b[1m${e.message}\x1b[0m` : `Error: ${e.message}`;
    process.stderr.write(`${title}\n\n  on ${e.file} line ${e.line}:\n  (source code not available)\n\n${e.detail ? e.detail + '\n\n' : ''}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'version':
      process.stdout.write(`Packer v${version()} (sandbox)\n`);
      return 0;
    case '--version':
    case '-v':
      process.stdout.write(`${version()}\n`);
      return 0;
    case 'init': {
      if (!hasInit(version())) {
        process.stderr.write(USAGE);
        return 127;
      }
      const args = parseArgs(rest);
      const { template } = validateTemplate(args);
      if (template?.requiredPlugins && process.env.PAW_FAKE_PACKER_FAIL === 'init') {
        process.stderr.write(
          'Error: Failed getting the "github.com/hashicorp/amazon" plugin:\n' +
            '1 error occurred:\n\t* could not get releases: Get "https://api.github.com/repos/hashicorp/packer-plugin-amazon/git/matching-refs/tags": dial tcp: lookup api.github.com: no such host\n\n',
        );
        return 1;
      }
      if (template?.requiredPlugins) {
        process.stdout.write(
          'Installed plugin github.com/hashicorp/amazon v1.3.2 in "~/.config/packer/plugins/github.com/hashicorp/amazon/packer-plugin-amazon_v1.3.2_x5.0_linux_amd64"\n',
        );
      }
      return 0;
    }
    case 'validate': {
      const args = parseArgs(rest);
      const { template, errors } = validateTemplate(args);
      if (!template || errors.length) {
        printErrors(errors, args.color);
        return 1;
      }
      process.stdout.write('The configuration is valid.\n');
      return 0;
    }
    case 'build': {
      const args = parseArgs(rest);
      const { template, errors } = validateTemplate(args);
      if (!template || errors.length) {
        printErrors(errors, args.color);
        return 1;
      }
      const dir = existsSync(args.target) && statSync(args.target).isDirectory() ? path.resolve(args.target) : path.dirname(path.resolve(args.target));
      return runBuilds(template, resolveVars(template, args), args, dir);
    }
    default:
      process.stderr.write(USAGE);
      return 127;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
