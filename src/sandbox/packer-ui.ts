import { appendFileSync } from 'node:fs';

/**
 * How Packer 1.6 writes to the terminal: one colour per build (green, cyan, magenta, yellow,
 * blue), `==> build: ` lines in bold for steps ("say"), `    build: ` lines for output
 * ("message"), errors in bold red; and, with PACKER_LOG set, a timestamped debug log to
 * PACKER_LOG_PATH (or stderr), which carries details the terminal never shows.
 */

const BUILD_COLOURS = [32, 36, 35, 33, 34];
const RED = 31;

export class PackerUi {
  private readonly debugPath: string | null;
  private readonly debugOn: boolean;

  constructor(
    private readonly color: boolean,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.debugOn = !!env.PACKER_LOG && env.PACKER_LOG !== '0';
    this.debugPath = env.PACKER_LOG_PATH || null;
  }

  paint(text: string, colour: number, bold: boolean): string {
    return this.color ? `\x1b[${bold ? 1 : 0};${colour}m${text}\x1b[0m` : text;
  }

  /** Plain output of packer itself (no build prefix, no colour). */
  raw(text: string): void {
    process.stdout.write(text + '\n');
    this.debug(`ui: ${text}`);
  }

  forBuild(name: string, index: number): BuildUi {
    return new BuildUi(this, name, BUILD_COLOURS[index % BUILD_COLOURS.length]!);
  }

  write(text: string, colour: number, bold: boolean, end = '\n'): void {
    process.stdout.write(this.paint(text, colour, bold) + end);
  }

  /** A line of the debug log: `2024/06/13 12:00:00 [INFO] ...`. */
  debug(text: string): void {
    if (!this.debugOn) return;
    const d = new Date();
    const p = (n: number) => String(n).padStart(2, '0');
    const stamp = `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    const line = `${stamp} ${text}\n`;
    if (this.debugPath) {
      try {
        appendFileSync(this.debugPath, line);
      } catch {
        // Packer too carries on when its log file cannot be written.
      }
    } else {
      process.stderr.write(line);
    }
  }
}

export class BuildUi {
  constructor(
    private readonly ui: PackerUi,
    readonly name: string,
    private readonly colour: number,
  ) {}

  /** `==> name: message`, a step. */
  say(message: string): void {
    for (const line of message.split('\n')) {
      this.ui.write(`==> ${this.name}: ${line}`, this.colour, true);
      this.ui.debug(`ui: ==> ${this.name}: ${line}`);
    }
  }

  /** `    name: message`, output of a step or of the machine. */
  message(message: string): void {
    this.ui.write(`    ${this.name}: ${message}`, this.colour, false);
    this.ui.debug(`ui: ${this.name}: ${message}`);
  }

  /**
   * A line the machine rewrites with `\r` (apt's and dpkg's progress): every state is written
   * over the previous one on the same terminal line.
   */
  progress(states: string[]): void {
    const text = states.map((s) => this.ui.paint(`    ${this.name}: ${s}`, this.colour, false)).join('\r');
    process.stdout.write(text + '\n');
    this.ui.debug(`ui: ${this.name}: ${states[states.length - 1]}`);
  }

  /** `==> name: message` in red: errors, and what the machine wrote to stderr. */
  error(message: string): void {
    for (const line of message.split('\n')) {
      this.ui.write(`==> ${this.name}: ${line}`, RED, true);
      this.ui.debug(`ui error: ==> ${this.name}: ${line}`);
    }
  }

  /** The line without a prefix in the build's colour (`output will be in this color.`, `Build '...' finished`). */
  headline(message: string, failed = false): void {
    this.ui.write(message, failed ? RED : this.colour, true);
    this.ui.debug(`ui: ${message}`);
  }

  /** A prompt on the build's line, waiting for an answer on the same line. */
  prompt(message: string): void {
    this.ui.write(`==> ${this.name}: ${message}`, this.colour, true, ' ');
  }

  debug(text: string): void {
    this.ui.debug(`packer-builder-amazon-ebs plugin: ${text}`);
  }
}

/** Packer's durations: the two largest units, `4 minutes 36 seconds`, `9 seconds 120 milliseconds`. */
export function packerDuration(ms: number): string {
  const units: [string, number][] = [
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1_000],
    ['millisecond', 1],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.length ? parts.slice(0, 2).join(' ') : '0 milliseconds';
}
