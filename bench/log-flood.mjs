// Writes the generated log to stdout in line-aligned chunks as fast as the terminal takes them,
// stamping each line with the time of the write, and records the stamps it used (for the lag):
// { stamps, ends } where `ends` counts the characters a consumer has received once each chunk is
// through (the pty turns each \n into \r\n).
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { STAMP_PLACEHOLDER } from './log-lines.mjs';

const CHUNK = 32 * 1024;

export async function flood(file, stampsFile) {
  const data = readFileSync(file);
  const placeholder = Buffer.from(STAMP_PLACEHOLDER);
  const digitsOffset = placeholder.indexOf('0');
  const stamps = [];
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
}
