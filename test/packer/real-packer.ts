import { execFileSync } from 'node:child_process';

/**
 * The real `packer` binary for tests that need it: in CI its absence is a failure (CI installs
 * Debian's packer); elsewhere those tests are skipped with the reason printed.
 */
export function realPacker(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      execFileSync(`${dir}/packer`, ['version'], { stdio: 'ignore' });
      return `${dir}/packer`;
    } catch {
      // not in this folder
    }
  }
  if (process.env.CI) throw new Error('packer is not installed, and CI must run the tests that need it (apt-get install packer)');
  process.stdout.write('skipping tests that need the real packer binary: packer is not on PATH\n');
  return null;
}
