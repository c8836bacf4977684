// Home's first frame loads only what it draws (SPEC §10, start-up): Ink, React and the app's own
// screens. The schema library, the AWS SDK, the template engine and the sandbox's database load
// after it. The app runs in a pseudo-terminal with a module hook that notes every module as it
// loads, and a mark at the write that first shows home's title.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dist = path.resolve('dist');
const ready = existsSync(path.join(dist, 'cli.js')) && existsSync(path.join(dist, 'main.mjs'));

/** What must not load before the first frame, as esbuild names the packages inside a chunk. */
const LATER = [/\/\/ node_modules\/zod\//, /\/\/ node_modules\/@aws-sdk\//, /\/\/ node_modules\/@smithy\//, /\/\/ node_modules\/commander\//];
const LATER_PACKAGES = /node_modules\/(zod|nunjucks|dynalite|@aws-sdk|@smithy|node-pty|@xterm)\//;

describe.skipIf(!ready)("home's first frame", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paw-first-frame-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads no command-line parser, schema library, AWS SDK, template engine, database or fetch before it shows', async () => {
    const log = path.join(dir, 'loaded.log');
    writeFileSync(
      path.join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(log)}, url + '\\n');\n  return next(url, context);\n}\n`,
    );
    writeFileSync(
      path.join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`,
    );
    // The first write that shows the title marks the frame, in the same file, from the main thread.
    writeFileSync(
      path.join(dir, 'mark.mjs'),
      `import { appendFileSync } from 'node:fs';\nconst write = process.stdout.write;\nlet marked = false;\n` +
        // Node's fetch (undici) loads on first use of the name: 30 ms that nothing on the first
        // frame needs (yoga-layout's loader asked for it, patches/yoga-layout).
        `const fetchProperty = Object.getOwnPropertyDescriptor(globalThis, 'fetch');\n` +
        `Object.defineProperty(globalThis, 'fetch', { configurable: true, enumerable: fetchProperty.enumerable, set: fetchProperty.set,\n` +
        `  get() { if (!marked) appendFileSync(${JSON.stringify(log)}, 'FETCH\\n'); return fetchProperty.get ? fetchProperty.get.call(globalThis) : fetchProperty.value; } });\n` +
        `process.stdout.write = function (chunk, ...rest) {\n` +
        `  if (!marked && /paw-tui · .+ · home/.test(String(chunk).replace(/\\x1b\\[[0-9;?]*[A-Za-z]/g, ''))) {\n` +
        `    marked = true;\n    appendFileSync(${JSON.stringify(log)}, 'FIRST FRAME\\n');\n  }\n  return write.call(this, chunk, ...rest);\n};\n`,
    );
    // Not the default folder name: home shows its steps only if the option was read.
    const workflow = path.join(dir, 'given-workflow');
    cpSync('workflow', workflow, { recursive: true, filter: (src) => !src.includes(`${path.sep}.paw`) });
    const pty = (await import('node-pty')).default;
    const env: Record<string, string> = { ...(process.env as Record<string, string>), TERM: 'xterm-256color' };
    delete env.CI;
    const child = pty.spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(path.join(dir, 'register.mjs')).href,
        '--import',
        pathToFileURL(path.join(dir, 'mark.mjs')).href,
        path.join(dist, 'cli.js'),
        '--sandbox',
        // The app's options are read as commander reads them, `=` form and all.
        `--workflow=${workflow}`,
      ],
      { name: 'xterm-256color', cols: 120, rows: 40, cwd: dir, env },
    );
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    let screen = '';
    child.onData((d) => (screen = (screen + d).slice(-20_000)));
    try {
      const deadline = Date.now() + 30_000;
      const shown = () => existsSync(log) && readFileSync(log, 'utf8').includes('FIRST FRAME') && screen.includes('not built');
      while (!shown() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const lines = readFileSync(log, 'utf8').split('\n');
    const frame = lines.indexOf('FIRST FRAME');
    expect(frame, 'home never showed its title').toBeGreaterThan(0);
    expect(screen, 'home never showed the steps of the workflow given').toContain('not built');
    const before = lines.slice(0, frame).filter((u) => u.startsWith('file:'));
    // The module hook sees the app: the test is not looking at an empty list.
    expect(before.some((u) => u.endsWith('/dist/main.mjs'))).toBe(true);
    const tooEarly = before.filter((url) => {
      if (LATER_PACKAGES.test(url)) return true;
      if (!url.includes('/dist/')) return false;
      const text = readFileSync(new URL(url), 'utf8');
      return LATER.some((marker) => marker.test(text));
    });
    expect(tooEarly.map((u) => path.basename(new URL(u).pathname))).toEqual([]);
    expect(lines.slice(0, frame), 'fetch was used before the first frame').not.toContain('FETCH');
  }, 60_000);
});
