// The program's entry. `--version` and `--help` alone are answered from here, before commander,
// the commands and the app load (start-up, npm run bench); anything else goes to cli.ts.
import { readFileSync } from 'node:fs';

// The build's constant, read here rather than through version.ts so that this file stays a chunk
// of its own (version.ts is shared with the app).
declare const __PAW_VERSION__: string | undefined;

/** The answer to argv when nothing else needs to load, or undefined. */
function earlyAnswer(argv: string[]): string | undefined {
  if (argv.length !== 1) return undefined;
  if ((argv[0] === '--version' || argv[0] === '-V') && typeof __PAW_VERSION__ === 'string') return `${__PAW_VERSION__}\n`;
  if (argv[0] === '--help' || argv[0] === '-h') {
    // Written by the build from commander's own help (scripts/build.mjs).
    try {
      return readFileSync(new URL('./help.txt', import.meta.url), 'utf8');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const answer = earlyAnswer(process.argv.slice(2));
if (answer !== undefined) process.stdout.write(answer);
else await import('./cli.js');
