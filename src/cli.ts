import { parseArgs } from 'node:util';
import type { Command } from 'commander';
import { commandModules } from './commands/index.js';
import { errorLine, isPawError } from './errors.js';
import { keepSignalHandlersDuringBlockingWork } from './signals.js';
import { VERSION } from './version.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

async function buildProgram(): Promise<Command> {
  const { Command } = await import('commander');
  return new Command()
    .name('paw-tui')
    .description('Build golden AMIs in layered Packer steps.\nWith no command, opens the full-screen app.')
    .version(VERSION, '-V, --version')
    .option('--workflow <dir>', 'the workflow folder', 'workflow')
    .option('--profile <name>', 'AWS profile (overrides workflow_param.json)')
    .option('--region <name>', 'AWS region (overrides workflow_param.json)')
    .option('--table <name>', "the catalog's DynamoDB table (else PAW_TABLE, paw-tui.json, or found in the account)")
    .option('--json', 'print data as JSON', false)
    .option('--yes', 'answer yes to confirmations', false)
    .option('--sandbox', 'run offline against the local sandbox', false)
    .option('--no-color', 'no colours, as NO_COLOR=1 (bold and inverse stay)')
    .showHelpAfterError('(run paw-tui --help for usage)')
    .exitOverride();
}

/** Global options that take a value (the word after them is never a command). */
const VALUED_OPTIONS = ['--workflow', '--profile', '--region', '--table'];

/** The subcommand named in argv, if any: the first word that is a known command. */
function namedCommand(argv: string[]): string | undefined {
  // `--workflow workflow` names a folder, not the `workflow` command.
  return argv.find((a, i) => Object.hasOwn(commandModules, a) && !VALUED_OPTIONS.includes(argv[i - 1] ?? ''));
}

/**
 * Without a subcommand, only help (or a mistyped command, to be named as unknown) needs every
 * command module: the app and --version start ~150 ms sooner without them (npm run bench).
 */
function needsEveryCommand(argv: string[]): boolean {
  return argv.some((a, i) => a === '-h' || a === '--help' || (!a.startsWith('-') && !VALUED_OPTIONS.includes(argv[i - 1] ?? '')));
}

interface AppOptions {
  workflow: string;
  sandbox: boolean;
  profile?: string;
  region?: string;
  table?: string;
}

/** Opens the full-screen app (no subcommand). */
async function startApp(opts: AppOptions): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('paw-tui: no terminal here — use a subcommand (paw-tui --help lists them)\n');
    process.exitCode = 2;
    return;
  }
  // The app handles its own signals: it interrupts builds and restores the terminal first.
  process.off('SIGINT', exitOnInterrupt);
  keepSignalHandlersDuringBlockingWork();
  const { runApp } = await import('./ui/run.js');
  process.exitCode = await runApp(opts);
}

/**
 * The app's own options, read without commander (which, with the child_process it loads, is a
 * tenth of the first frame): null for anything else, which commander then reads and, for a
 * mistake, explains. Both read these the same way: `--workflow dir` or `--workflow=dir`, the
 * last of a repeated option.
 */
function appOptions(argv: string[]): AppOptions | null {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        workflow: { type: 'string', default: 'workflow' },
        profile: { type: 'string' },
        region: { type: 'string' },
        table: { type: 'string' },
        json: { type: 'boolean' },
        yes: { type: 'boolean' },
        sandbox: { type: 'boolean', default: false },
        'no-color': { type: 'boolean' },
      },
    });
    const { workflow, sandbox, profile, region, table } = values;
    return { workflow, sandbox, ...(profile !== undefined && { profile }), ...(region !== undefined && { region }), ...(table !== undefined && { table }) };
  } catch {
    return null;
  }
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The command a mistyped word most likely meant: within two edits, and fewer than half its letters. */
function nearestCommand(word: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(commandModules)) {
    const distance = editDistance(word.toLowerCase(), name);
    if (distance <= 2 && distance * 2 < name.length && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * `paw-tui help [command]`, as git and npm read it: the help of the program, or of the command
 * (a word that is no command is told as such, as `paw-tui <word>` would be).
 */
function helpWord(argv: string[]): string[] {
  if (argv[0] !== 'help') return argv;
  const [, command, ...rest] = argv;
  if (command === undefined || command.startsWith('-')) return ['--help', ...argv.slice(1)];
  return Object.hasOwn(commandModules, command) ? [command, ...rest, '--help'] : [command, ...rest];
}

async function main(words: string[]): Promise<number> {
  const argv = helpWord(words);
  // One switch for colour everywhere: the app's theme and the commands read NO_COLOR.
  if (argv.includes('--no-color')) process.env.NO_COLOR = '1';
  const name = namedCommand(argv);
  const every = !name && needsEveryCommand(argv);
  const app = name || every ? null : appOptions(argv);
  if (app) {
    await startApp(app);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  }
  const program = await buildProgram();
  const names = name ? [name] : every ? Object.keys(commandModules) : [];
  for (const n of names) (await commandModules[n]!()).register(program);
  // A word that is no command: named as such (commander would count it as too many arguments).
  program.allowExcessArguments(true).action(() => {
    const [word] = program.args;
    if (word !== undefined) {
      const near = nearestCommand(word);
      program.error(`error: unknown command '${word}'${near ? ` (did you mean ${near}?)` : ''}`, { code: 'commander.unknownCommand' });
    }
    return startApp(program.opts<AppOptions>());
  });

  await program.parseAsync(argv, { from: 'user' });
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

/** Commander's own errors (help shown, a usage mistake), told by their code: commander may not be loaded. */
function isCommanderError(e: unknown): e is Error & { exitCode: number } {
  const { code, exitCode } = (e ?? {}) as { code?: unknown; exitCode?: unknown };
  return e instanceof Error && typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number';
}

const exitOnInterrupt = () => process.exit(130);
process.on('SIGINT', exitOnInterrupt);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (isCommanderError(e)) {
      // Commander has already printed help, the version or the usage mistake.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`paw-tui: ${errorLine(e)}\n`);
    if (!isPawError(e) && process.env.PAW_DEBUG) process.stderr.write(String((e as Error)?.stack) + '\n');
    process.exitCode = isPawError(e) ? e.exitCode : 1;
  },
);
