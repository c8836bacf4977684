// The program's entry. `--version` and `--help` (or `help`) alone are answered from here,
// before commander, the commands and the app load (start-up, npm run bench); anything else goes
// to cli.ts.
//
// The build makes this file CommonJS (dist/cli.js, beside a dist/package.json that says so) and
// the rest ES modules (*.mjs): Node answers a CommonJS file without starting its ES module
// loader, which is most of what `--version` cost beyond starting Node itself.
import { readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

// The build's constant, read here rather than through version.ts so that this file stays alone
// (version.ts is shared with the app).
declare const __PAW_VERSION__: string | undefined;

/** The answer to argv when nothing else needs to load, or undefined. */
function earlyAnswer(argv: string[]): string | undefined {
  if (argv.length !== 1) return undefined;
  if ((argv[0] === '--version' || argv[0] === '-V') && typeof __PAW_VERSION__ === 'string') return `${__PAW_VERSION__}\n`;
  // `paw-tui help`, as git and npm read it.
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    // Written by the build from commander's own help (scripts/build.mjs).
    try {
      return readFileSync(path.join(__dirname, 'help.txt'), 'utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Writes the whole answer to stdout without building Node's stream for it (a pipe or a file). */
function writeAll(text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length;) {
    try {
      done += writeSync(1, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // The reader went away (`paw-tui --help | head -1`): nothing more to say, and no trace.
      if (code === 'EPIPE') return;
      // A non-blocking stdout that is full: the stream waits for it.
      if (code !== 'EAGAIN') throw e;
      process.stdout.write(bytes.subarray(done));
      return;
    }
  }
}

const answer = earlyAnswer(process.argv.slice(2));
if (answer !== undefined) writeAll(answer);
// The program proper: dist/main.mjs once built (scripts/build.mjs).
else void import('./cli.js');
