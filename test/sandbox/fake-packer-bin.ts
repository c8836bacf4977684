import { build } from 'esbuild';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The simulated packer bundled as scripts/build.mjs bundles it, into a folder of the test's own
 * (running `npm run build` here would empty dist/ under other tests' feet).
 */
export async function buildFakePacker(): Promise<string> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'paw-fake-packer-'));
  const outfile = path.join(outdir, 'fake-packer.mjs');
  await build({
    entryPoints: ['src/sandbox/fake-packer.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __pawCreateRequire } from 'node:module'; const require = __pawCreateRequire(import.meta.url);" },
  });
  await chmod(outfile, 0o755);
  return outfile;
}
