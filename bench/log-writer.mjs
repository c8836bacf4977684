// The process in the pseudo-terminal: writes the generated log to stdout in line-aligned chunks,
// stamping each line with the time of the write, and records the stamps it used (for the lag).
// Usage: node log-writer.mjs <log file> <stamps file>; exits when a line arrives on stdin.
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { STAMP_PLACEHOLDER } from './log-lines.mjs';

const [file, stampsFile] = process.argv.slice(2);
const data = readFileSync(file);
const placeholder = Buffer.from(STAMP_PLACEHOLDER);
const digitsOffset = placeholder.indexOf('0');
const CHUNK = 32 * 1024;
const stamps = [];
// Characters the consumer has received once a chunk is through: the pty turns each \n into \r\n.
const ends = [];
let received = 0;

let start = 0;
while (start < data.length) {
  let end = Math.min(data.length, start + CHUNK);
  if (end < data.length) end = data.indexOf(10, end) + 1 || data.length;
  const chunk = data.subarray(start, end);
  const stamp = String(Date.now());
  for (let at = chunk.indexOf(placeholder); at !== -1; at = chunk.indexOf(placeholder, at + placeholder.length)) {
    chunk.write(stamp, at + digitsOffset, 'latin1');
  }
  stamps.push(Number(stamp));
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) received++;
  received += chunk.length;
  ends.push(received);
  // A TTY stdout writes synchronously on POSIX; the drain wait covers pipes too.
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  start = end;
}
writeFileSync(stampsFile, JSON.stringify({ stamps, ends }));
// Stay until the consumer says it has everything (a line on stdin). node-pty destroys its
// socket 200 ms after the child exits, dropping output a busy consumer has not read yet; the
// measure is of throughput, so the writer does not race that here.
process.stdin.once('data', () => process.exit(0));
setTimeout(() => process.exit(0), 30_000);
