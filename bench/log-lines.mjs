// Generates the log pane's input: packer-like coloured lines, as `packer build -color=true`
// prints them for two parallel builds, with apt progress lines that rewrite themselves with \r.
// Every line carries a 13-digit placeholder that the writer stamps with the wall-clock time at
// which it wrote the line, so the pane's lag behind the process can be read off its frames.
import { writeFileSync } from 'node:fs';

export const STAMP_PLACEHOLDER = 't=0000000000000';
export const END_MARKER = 'paw-bench: end of log';

const builds = ['amazon-ebs.ubuntu', 'amazon-ebs.ubuntu-arm'];
const packages = ['libc6', 'openssl', 'python3.10', 'libssl3', 'curl', 'git', 'build-essential', 'zlib1g-dev', 'libffi-dev', 'ca-certificates'];

function line(i) {
  const build = builds[i % 2];
  const pkg = packages[i % packages.length];
  const stamp = `[${STAMP_PLACEHOLDER}]`;
  if (i % 500 === 0) return `\x1b[1;32m==> ${build}: Provisioning with shell script: /tmp/packer-shell${i}\x1b[0m ${stamp}\n`;
  if (i % 97 === 0) {
    // A progress line redrawn in place, as apt and curl do on a terminal.
    return `\x1b[0;32m    ${build}: Progress: [ 42%] [####################....................] ${stamp}\r\x1b[0;32m    ${build}: Progress: [100%] [########################################] ${stamp}\x1b[0m\n`;
  }
  if (i % 31 === 0)
    return `\x1b[1;31m==> ${build}: W: Some index files failed to download. They have been ignored, or old ones used instead. ${stamp}\x1b[0m\n`;
  return `\x1b[0;32m    ${build}: Get:${i % 400} jammy-updates/main ${pkg} 2.35-0ubuntu3.${i % 10} [${(i * 7) % 9000} kB] ${stamp}\x1b[0m\n`;
}

/** Writes `count` lines plus the end marker to `file`; returns its size in bytes. */
export function writeLogFile(file, count) {
  const parts = [];
  for (let i = 1; i <= count; i++) parts.push(line(i));
  parts.push(`\x1b[1;32m==> Builds finished. ${END_MARKER} [${STAMP_PLACEHOLDER}]\x1b[0m\n`);
  const text = parts.join('');
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}
