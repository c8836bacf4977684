// Bundles the CLI into dist/ with esbuild. Dynamic imports become separate chunks, so the
// AWS SDK, nunjucks and node-pty load only when a command needs them (SPEC §10: start-up).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// dist/cli.js is src/start.ts, which loads the program (src/cli.ts, dist/main.mjs) only when
// --version or --help alone is not the question. It is CommonJS and everything else ES modules
// (.mjs), as dist/package.json tells Node: a CommonJS file starts without Node's ES module
// loader. Extra entry points: programs that paw-tui starts as processes of their own.
const entries = { main: 'src/cli.ts' };
if (existsSync('src/sandbox/fake-packer.ts')) entries['fake-packer'] = 'src/sandbox/fake-packer.ts';

rmSync('dist', { recursive: true, force: true });
const define = { 'process.env.DEV': '"false"', 'process.env.NODE_ENV': '"production"', __PAW_VERSION__: JSON.stringify(pkg.version) };
await build({
  entryPoints: entries,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // ESM builds first: a split chunk of a CommonJS package exports only `default`, so
  // `const { EC2Client } = await import('@aws-sdk/client-ec2')` was undefined in dist/.
  mainFields: ['module', 'main'],
  target: 'node20',
  jsx: 'automatic',
  sourcemap: false,
  logLevel: 'warning',
  // Native and CommonJS-heavy packages stay in node_modules.
  external: ['node-pty', '@xterm/headless', 'dynalite', 'nunjucks', 'react-devtools-core', 'jsonc-parser'],
  banner: {
    js: "import { createRequire as __pawCreateRequire } from 'node:module'; const require = __pawCreateRequire(import.meta.url);",
  },
  // NODE_ENV: React's development build (checks, per-render timing marks) made the log pane
  // ~1.6x slower in `npm run bench`; what ships runs React's production build.
  define,
});
await build({
  entryPoints: ['src/start.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  define,
  plugins: [
    {
      name: 'program-beside',
      setup: (b) => b.onResolve({ filter: /^\.\/cli\.js$/ }, () => ({ path: './main.mjs', external: true })),
    },
  ],
});
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
// The simulated packer is run directly as PAW_PACKER, under the name dist/fake-packer.js: a
// CommonJS stand-in that loads it.
if (entries['fake-packer']) {
  writeFileSync('dist/fake-packer.js', "#!/usr/bin/env node\nvoid import('./fake-packer.mjs');\n");
  chmodSync('dist/fake-packer.js', 0o755);
}

// --help alone is answered from this file, without loading commander: commander's own help, as
// printed when anything else is on the line too (80 columns, as for a pipe).
writeFileSync('dist/help.txt', execFileSync(process.execPath, ['dist/cli.js', '--sandbox', '--help'], { encoding: 'utf8' }));
