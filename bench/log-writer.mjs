// The process in the pseudo-terminal of the log-pane measure: writes the generated log (stamped,
// log-flood.mjs), then stays until the consumer says it has everything (a line on stdin).
// Usage: node log-writer.mjs <log file> <stamps file>
import { flood } from './log-flood.mjs';

const [file, stampsFile] = process.argv.slice(2);
await flood(file, stampsFile);
// node-pty destroys its socket 200 ms after the child exits, dropping output a busy consumer has
// not read yet; the measure is of throughput, so the writer does not race that here.
process.stdin.once('data', () => process.exit(0));
setTimeout(() => process.exit(0), 30_000);
