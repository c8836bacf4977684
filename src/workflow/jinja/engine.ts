import path from 'node:path';
import { interruptibleBlocking } from '../../signals.js';
import type { Environment, ILoader } from 'nunjucks';
import type { LintEngine } from '../template-lint.js';
import { hclString } from '../hcl.js';
import { installJinjaSemantics, withExtension } from './compile.js';
import { FILTERS, TESTS } from './filters.js';
import { cycler, namespace, range } from './members.js';
import { NUNJUCKS_ONLY_FILTERS, NUNJUCKS_ONLY_TESTS } from './names.js';
import { TemplateValueError, str } from './values.js';

type Nunjucks = typeof import('nunjucks');
let nunjucksModule: Promise<Nunjucks> | undefined;

/** nunjucks is heavy and only needed to render: loaded on first use, jinja2 semantics installed. */
export function loadNunjucks(): Promise<Nunjucks> {
  nunjucksModule ??= import('nunjucks').then((m) => {
    const nunjucks = (m as { default?: Nunjucks }).default ?? m;
    installJinjaSemantics(nunjucks);
    return nunjucks;
  });
  return nunjucksModule;
}

/**
 * jinja2 reads templates with newlines normalised to `\n` and drops one trailing newline
 * (keep_trailing_newline=False); doing the same makes the output byte-identical.
 */
export function jinjaSource(text: string): string {
  const normalised = text.replace(/\r\n|\r/g, '\n');
  return normalised.endsWith('\n') ? normalised.slice(0, -1) : normalised;
}

/** Where `{% include %}` / `{% import %}` may read: relative names, inside the workflow folder. */
export interface TemplateFiles {
  /** Folder relative names are read from (a step's templates/). */
  dir: string;
  /** Nothing outside this folder is read (the workflow folder). */
  root: string;
  read(file: string): string | undefined;
}

/** Why an include name is refused, or undefined when it may be read. */
export function includeRefusal(name: string, files: Pick<TemplateFiles, 'dir' | 'root'>): string | undefined {
  if (path.isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name)) return `"${name}" is an absolute path; name templates relative to templates/`;
  const file = path.resolve(files.dir, name);
  const rel = path.relative(files.root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return `"${name}" is outside the workflow folder`;
  return undefined;
}

export async function jinjaEnvironment(files: TemplateFiles): Promise<Environment> {
  const nunjucks = await loadNunjucks();
  const loader = {
    getSource(name: string) {
      const refusal = includeRefusal(name, files);
      if (refusal) throw new TemplateValueError(`include ${refusal}`);
      const file = path.resolve(files.dir, name);
      const text = files.read(file);
      if (text === undefined) return null;
      return { src: jinjaSource(text), path: file, noCache: true };
    },
  };
  const env = new nunjucks.Environment(loader as unknown as ILoader, { autoescape: false });
  for (const [name, filter] of Object.entries(FILTERS)) env.addFilter(name, filter);
  for (const [name, test] of Object.entries(TESTS)) (env as unknown as { addTest(n: string, t: unknown): void }).addTest(name, test);
  env.addFilter('hcl', (v: unknown) => {
    if (v === null || v === undefined) throw new TemplateValueError(`hcl: the value is ${v === null ? 'None' : 'undefined'}`);
    return hclString(typeof v === 'string' ? v : str(v));
  });
  // nunjucks' own filters and tests that jinja2 lacks stop with "not found" instead of rendering.
  const builtins = env as unknown as { filters: Record<string, unknown>; tests: Record<string, unknown> };
  for (const name of NUNJUCKS_ONLY_FILTERS) delete builtins.filters[name];
  for (const name of NUNJUCKS_ONLY_TESTS) delete builtins.tests[name];
  env.addGlobal('namespace', namespace);
  env.addGlobal('cycler', cycler);
  env.addGlobal('range', range);
  env.addExtension('with', withExtension(nunjucks));
  return env;
}

/** Renders one template text (the file name is used in messages and for relative includes). */
export async function renderJinja(files: TemplateFiles, file: string, text: string, vars: Record<string, unknown>): Promise<string> {
  const nunjucks = await loadNunjucks();
  const env = await jinjaEnvironment(files);
  // Compiling and rendering hold the thread: Ctrl-C must still end a render that runs long.
  return interruptibleBlocking(() => new nunjucks.Template(jinjaSource(text), env, file, true).render(vars));
}

let lintNames: Promise<LintEngine> | undefined;

/** The lexer and the filter and test names templates render with, for the template lint. */
export function lintEngine(): Promise<LintEngine> {
  lintNames ??= (async () => {
    const nunjucks = await loadNunjucks();
    const env = (await jinjaEnvironment({ dir: '/', root: '/', read: () => undefined })) as unknown as { filters: object; tests: object };
    return {
      lex: (text: string) => (nunjucks as unknown as { lexer: { lex(t: string): ReturnType<LintEngine['lex']> } }).lexer.lex(text),
      filters: new Set(Object.keys(env.filters)),
      tests: new Set(Object.keys(env.tests)),
    };
  })();
  return lintNames;
}
