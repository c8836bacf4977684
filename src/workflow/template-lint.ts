/**
 * The template lint: constructs nunjucks accepts that jinja2 refuses or renders otherwise, named
 * at template:line:column before anything is rendered. The engine (src/workflow/jinja/) makes
 * everything else render as jinja2 does; what it cannot make identical is listed here, so a
 * template is either identical to the Python library's output or stopped with a reason.
 */
import path from 'node:path';
import { PawError } from '../errors.js';
import { type TemplateFiles, includeRefusal, jinjaSource } from './jinja/engine.js';
import { JINJA2_FILTERS, JINJA2_TESTS, PAW_FILTERS } from './jinja/names.js';
import { ownEntry } from './jinja/values.js';
import { displayPath } from './jsonc.js';

export interface LintFinding {
  file: string;
  /** 1-based, as editors count. */
  line: number;
  column: number;
  rule: LintRule;
  message: string;
  hint: string;
}

export type LintRule = 'nunjucks-tag' | 'js-operator' | 'regex-literal' | 'filter' | 'test' | 'set-unpack' | 'for-loop' | 'renders-differently';

interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

/** What the lexer and the engine know, passed in so the rules stay plain functions. */
export interface LintEngine {
  lex(text: string): { nextToken(): Token | null };
  /** Filter and test names the engine has (jinja2's, as paw-tui implements them, and `hcl`). */
  filters: ReadonlySet<string>;
  tests: ReadonlySet<string>;
}

/** nunjucks-only tags, with what a jinja2 template writes instead. */
const NUNJUCKS_TAGS: Record<string, string> = {
  asyncEach: 'use {% for %}',
  asyncAll: 'use {% for %}',
  ifAsync: 'use {% if %}',
  switch: 'use {% if %} / {% elif %}',
  verbatim: 'use {% raw %}',
  elseif: 'use {% elif %}',
};

const FILTER_HINTS: Record<string, string> = {
  dump: 'use tojson',
  nl2br: "use replace('\\n', '<br />\\n')",
};

/** jinja2 filters whose output paw-tui does not reproduce. */
const DIFFERENT_FILTERS: Record<string, string> = {
  urlize: 'jinja2 adds rel="noopener" and other details; write the <a> tag in the template',
};

const tokenTypes = {
  blockStart: 'block-start',
  blockEnd: 'block-end',
  whitespace: 'whitespace',
  symbol: 'symbol',
  pipe: 'pipe',
  operator: 'operator',
  regex: 'regex',
  comma: 'comma',
  string: 'string',
  none: 'none',
  boolean: 'boolean',
  leftParen: 'left-paren',
} as const;

const OPENING = new Set(['left-paren', 'left-bracket', 'left-curly']);
const CLOSING = new Set(['right-paren', 'right-bracket', 'right-curly']);

/** The findings of one template text (not of what it includes). */
export function lintText(engine: LintEngine, file: string, text: string): LintFinding[] {
  const findings: LintFinding[] = [];
  const tokens: Token[] = [];
  try {
    const lexer = engine.lex(blankRawBlocks(jinjaSource(text)));
    for (let tok = lexer.nextToken(); tok; tok = lexer.nextToken()) if (tok.type !== tokenTypes.whitespace) tokens.push(tok);
  } catch {
    // A template the lexer cannot read stops at render with nunjucks' own message.
    return [];
  }
  const at = (tok: Token, rule: LintRule, message: string, hint: string) =>
    findings.push({ file, line: tok.lineno + 1, column: tok.colno + 1, rule, message, hint });

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const next = tokens[i + 1];
    if (tok.type === tokenTypes.blockStart && next?.type === tokenTypes.symbol) {
      const tag = next.value;
      const instead = ownEntry(NUNJUCKS_TAGS, tag);
      if (instead !== undefined) at(next, 'nunjucks-tag', `{% ${tag} %} is nunjucks syntax; jinja2 refuses it`, instead);
      const filter = tokens[i + 2];
      if (tag === 'filter' && filter?.type === tokenTypes.symbol) checkFilter(filter);
      if (tag === 'for') checkFor(i + 2);
      if (tag === 'set' && tokens[i + 3]?.type === tokenTypes.comma) {
        at(next, 'set-unpack', '{% set a, b = … %} gives every name the whole value here; jinja2 unpacks it', 'set each name on its own: {% set a = pair[0] %}');
      }
      i += 1;
      continue;
    }
    if (tok.type === tokenTypes.pipe && next?.type === tokenTypes.symbol) checkFilter(next);
    else if (tok.type === tokenTypes.operator && (tok.value === '===' || tok.value === '!==')) {
      at(tok, 'js-operator', `${tok.value} is JavaScript; jinja2 has no such operator`, `use ${tok.value === '===' ? '==' : '!='}`);
    } else if (tok.type === tokenTypes.regex) {
      at(tok, 'regex-literal', 'r/…/ is a nunjucks regular expression; jinja2 has none', 'use string tests (in, startswith) or filters (replace)');
    } else if (tok.type === tokenTypes.symbol && tok.value === 'is') {
      const name = next?.type === tokenTypes.symbol && next.value === 'not' ? tokens[i + 2] : next;
      if (name && [tokenTypes.symbol, tokenTypes.none, tokenTypes.boolean].includes(name.type as never) && !engine.tests.has(name.value)) {
        const jinja = JINJA2_TESTS.has(name.value);
        at(name, 'test', jinja ? `test '${name.value}' is jinja2's but paw-tui does not have it` : `jinja2 has no test named '${name.value}'`, jinja ? 'write the condition with operators' : 'see jinja2\'s list of builtin tests');
      }
    }
  }
  return findings;

  /** The for-loop forms of jinja2 that nunjucks reads otherwise: a loop filter, bracketed targets. */
  function checkFor(start: number): void {
    let depth = 0;
    let afterIn = false;
    for (let j = start; j < tokens.length && tokens[j]!.type !== tokenTypes.blockEnd; j++) {
      const t = tokens[j]!;
      if (!afterIn && t.type === tokenTypes.leftParen) {
        at(t, 'for-loop', 'bracketed loop targets are not read here; jinja2 unpacks them', 'write the names bare: {% for k, v in pairs %}, and unpack nested pairs inside the loop');
        return;
      }
      if (OPENING.has(t.type)) depth++;
      else if (CLOSING.has(t.type)) depth--;
      else if (depth === 0 && t.type === tokenTypes.symbol && t.value === 'in') afterIn = true;
      else if (depth === 0 && afterIn && t.type === tokenTypes.symbol && t.value === 'if') {
        at(t, 'for-loop', "a loop filter ({% for x in items if … %}) is jinja2's; here it would not filter", 'select first (items|selectattr(…), items|reject(…)) or put {% if %} inside the loop');
        return;
      } else if (depth === 0 && afterIn && t.type === tokenTypes.symbol && t.value === 'recursive') {
        at(t, 'for-loop', "recursive loops are jinja2's; paw-tui does not have them", 'write the levels out, or use a macro that calls itself');
        return;
      }
    }
  }

  function checkFilter(tok: Token): void {
    const name = tok.value;
    const different = ownEntry(DIFFERENT_FILTERS, name);
    if (different !== undefined) at(tok, 'renders-differently', `filter '${name}' renders differently from jinja2`, different);
    else if (!JINJA2_FILTERS.has(name) && !PAW_FILTERS.has(name)) {
      at(tok, 'filter', `jinja2 has no filter named '${name}'`, FILTER_HINTS[name] ?? "see jinja2's list of builtin filters");
    } else if (!engine.filters.has(name)) at(tok, 'filter', `filter '${name}' is jinja2's but paw-tui does not have it`, 'write it with other filters');
  }
}

/** The text of raw blocks as blanks (newlines kept, so positions stay): it is data, not code. */
function blankRawBlocks(text: string): string {
  return text.replace(/(\{%-?\s*(raw|verbatim)\s*-?%\})([\s\S]*?)(?=\{%-?\s*end\2\s*-?%\})/g, (_m, open: string, _tag: string, body: string) => open + body.replace(/[^\n]/g, ' '));
}

const INCLUDING_TAGS = new Set(['include', 'import', 'from', 'extends']);

/** Names of templates a text includes by a literal name (`{% include "x" %}`). */
function includedNames(engine: LintEngine, text: string): string[] {
  const names: string[] = [];
  try {
    const lexer = engine.lex(blankRawBlocks(jinjaSource(text)));
    let previous: Token | undefined;
    let tag: string | undefined;
    for (let tok = lexer.nextToken(); tok; tok = lexer.nextToken()) {
      if (tok.type === tokenTypes.whitespace) continue;
      if (previous?.type === tokenTypes.blockStart) tag = tok.value;
      else if (tok.type === tokenTypes.blockEnd) tag = undefined;
      else if (tag && INCLUDING_TAGS.has(tag) && tok.type === tokenTypes.string) names.push(tok.value);
      previous = tok;
    }
  } catch {
    return names;
  }
  return names;
}

/** The findings of a template and of every template it includes by a literal name, once each. */
export function lintTemplate(engine: LintEngine, file: string, text: string, files?: TemplateFiles): LintFinding[] {
  const seen = new Set<string>([path.resolve(file)]);
  const findings: LintFinding[] = [];
  const visit = (name: string, body: string) => {
    findings.push(...lintText(engine, name, body));
    if (!files) return;
    for (const included of includedNames(engine, body)) {
      if (includeRefusal(included, files)) continue;
      const target = path.resolve(files.dir, included);
      if (seen.has(target)) continue;
      seen.add(target);
      const source = files.read(target);
      if (source !== undefined) visit(target, source);
    }
  };
  visit(file, text);
  return findings;
}

/** `templates/.pkr.hcl:3:12: what` — the one line a finding is shown as. */
export function findingLine(f: LintFinding): string {
  return `${displayPath(f.file)}:${f.line}:${f.column}: ${f.message}`;
}

/** The findings as one error: the first one's line and hint, and how many more there are. */
export function lintError(findings: LintFinding[]): PawError {
  const [first, ...rest] = findings;
  if (!first) throw new Error('lintError needs a finding');
  const more = rest.length === 0 ? '' : ` (${rest.length} more: ${rest.map(findingLine).join('; ')})`;
  return new PawError(findingLine(first), { hint: `${first.hint}${more}` });
}
