import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Just enough of HCL for the simulated packer: variable values from `-var-file`s (`key = "value"`
 * lines), and from the templates the amazon-ebs sources, the build's name, its provisioners and
 * its manifest post-processor. Read loosely, as a human skimming the file would; anything it
 * does not understand is ignored rather than refused, except what real Packer would refuse too
 * (unbalanced braces, unset variables, missing scripts).
 */

export interface TemplateError {
  file: string;
  line: number;
  message: string;
  detail?: string;
}

export interface Provisioner {
  type: string;
  /** Commands of an `inline` list. */
  inline: string[];
  /** `script` / `scripts` paths, relative to the build's folder. */
  scripts: string[];
  line: number;
}

export interface EbsSource {
  name: string;
  attrs: Map<string, string>;
  /** Names used in `subnet_filter` / `security_group_filter` / `vpc_filter` `tag:Name` filters, as expressions. */
  filters: { subnet?: string; securityGroup?: string; vpc?: string };
  runTags: Map<string, string>;
  /** `tags` (the AMI's) and `snapshot_tags`, as expressions. */
  tags: Map<string, string>;
  snapshotTags: Map<string, string>;
}

export interface BuildBlock {
  name?: string;
  sources: string[];
  provisioners: Provisioner[];
  /** Output paths of `manifest` post-processors. */
  manifests: string[];
}

export interface PackerTemplate {
  files: string[];
  variables: Map<string, { hasDefault: boolean; defaultValue?: string; file: string; line: number }>;
  sources: EbsSource[];
  builds: BuildBlock[];
  requiredPlugins: boolean;
}

/** An HCL string literal's value (`\"`, `\\`, `\n`, `$${`, `%%{` ...). */
export function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return body
    .replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
      if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
      return ({ n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' } as Record<string, string>)[c] ?? c;
    })
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

const STRING = /"(?:[^"\\\n]|\\.)*"/;

/** `key = "value"` lines of a var file. */
export function readVarFile(file: string): { values: Map<string, string>; errors: TemplateError[] } {
  const values = new Map<string, string>();
  const errors: TemplateError[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith('//')) return;
      const m = new RegExp(`^([A-Za-z_][\\w-]*)\\s*=\\s*(${STRING.source}|[\\w.+-]+)\\s*(?:(?:#|//).*)?$`).exec(line);
      if (m) values.set(m[1]!, m[2]!.startsWith('"') ? unquote(m[2]!) : m[2]!);
      else
        errors.push({
          file,
          line: i + 1,
          message: 'Invalid expression',
          detail: `Expected the start of an expression, but found an invalid expression token: ${line}`,
        });
    });
  return { values, errors };
}

/** The text with comments and string contents blanked (same length), so braces can be counted. */
function codeOnly(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|#[^\n]*|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m) =>
    m.startsWith('"') ? `"${' '.repeat(m.length - 2)}"` : m.replace(/[^\n]/g, ' '),
  );
}

interface Block {
  header: string;
  body: string;
  /** 1-based line of the header. */
  line: number;
}

/** The blocks `<type> "label"... {` directly in a text (not those nested deeper). */
function blocks(text: string): Block[] {
  const code = codeOnly(text);
  const found: Block[] = [];
  const header = /(^|\n)[ \t]*([A-Za-z_][\w-]*(?:[ \t]+"[^"\n]*")*)[ \t]*\{/g;
  let from = 0;
  for (;;) {
    header.lastIndex = from;
    const m = header.exec(code);
    if (!m) break;
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(code, open);
    const start = m.index + m[1]!.length;
    found.push({ header: text.slice(start, open).trim(), body: text.slice(open + 1, close), line: text.slice(0, start).split('\n').length });
    from = close + 1;
  }
  return found;
}

/** Index of the `}` closing the `{` at `open` (end of text when unclosed). */
function matchingBrace(code: string, open: number): number {
  let depth = 0;
  for (let j = open; j < code.length; j++) {
    if (code[j] === '{') depth++;
    else if (code[j] === '}' && --depth === 0) return j;
  }
  return code.length;
}

/** The body of `key = { ... }` (an object attribute) in a block body, or ''. */
function objectBody(body: string, key: string): string {
  const code = codeOnly(body);
  const m = new RegExp(`(^|\\n)\\s*${key}\\s*=?\\s*\\{`).exec(code);
  if (!m) return '';
  const open = m.index + m[0].length - 1;
  return body.slice(open + 1, matchingBrace(code, open));
}

/** `key = value` attributes at the top of a block body (nested blocks and lists skipped). */
function attributes(body: string): Map<string, string> {
  const attrs = new Map<string, string>();
  const code = codeOnly(body);
  let depth = 0;
  let lineStart = 0;
  for (let i = 0; i <= code.length; i++) {
    if (i === code.length || code[i] === '\n') {
      if (depth === 0) {
        // Comments are blank in `code`: cut the line where its code ends.
        const line = body.slice(lineStart, lineStart + code.slice(lineStart, i).trimEnd().length);
        // Object bodies may quote their keys and use `:` (`"paw:step_id" : var.step_id`).
        const m = /^\s*([A-Za-z_][\w-]*|"[^"\n]*")\s*[=:]\s*(.+?)\s*$/.exec(line);
        if (m && !/^[[{]/.test(m[2]!)) attrs.set(m[1]!.startsWith('"') ? unquote(m[1]!) : m[1]!, m[2]!.replace(/,$/, ''));
      }
      lineStart = i + 1;
    } else if (code[i] === '{' || code[i] === '[') depth++;
    else if (code[i] === '}' || code[i] === ']') depth--;
  }
  return attrs;
}

/** The string items of `key = [ ... ]` in a body. */
function stringList(body: string, key: string): string[] {
  const code = codeOnly(body);
  const m = new RegExp(`(^|\\n)\\s*${key}\\s*=\\s*\\[`).exec(code);
  if (!m) return [];
  const start = m.index + m[0].length;
  const end = code.indexOf(']', start);
  return [...body.slice(start, end < 0 ? undefined : end).matchAll(new RegExp(STRING.source, 'g'))]
    .filter((s) => code[start + (s.index ?? 0)] === '"')
    .map((s) => unquote(s[0]));
}

function labels(header: string): string[] {
  return [...header.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

function tagNameFilter(body: string, blockType: string): string | undefined {
  const block = blocks(body).find((b) => b.header === blockType);
  const m = block && /"tag:Name"\s*[:=]\s*(.+?)\s*,?\s*$/m.exec(block.body);
  return m?.[1];
}

/** Checks brace balance, as Packer's parser would complain about it. */
function unbalanced(file: string, text: string): TemplateError | null {
  const code = codeOnly(text);
  let depth = 0;
  let line = 1;
  let openedAt: number[] = [];
  for (const ch of code) {
    if (ch === '\n') line++;
    else if (ch === '{') {
      openedAt.push(line);
      depth++;
    } else if (ch === '}') {
      depth--;
      openedAt = openedAt.slice(0, -1);
      if (depth < 0) return { file, line, message: 'Argument or block definition required', detail: 'An argument or block definition is required here.' };
    }
  }
  if (depth > 0) {
    return {
      file,
      line: openedAt[openedAt.length - 1] ?? 1,
      message: 'Unclosed configuration block',
      detail: 'There is no closing brace for this block before the end of the file.',
    };
  }
  return null;
}

/** Reads every `*.pkr.hcl` of a folder (or the one file given). */
export function readTemplate(target: string): { template: PackerTemplate; errors: TemplateError[] } {
  const files =
    existsSync(target) && statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((f) => f.endsWith('.pkr.hcl'))
          .sort()
          .map((f) => path.join(target, f))
      : [target];
  const template: PackerTemplate = { files, variables: new Map(), sources: [], builds: [], requiredPlugins: false };
  const errors: TemplateError[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const broken = unbalanced(path.basename(file), text);
    if (broken) {
      errors.push(broken);
      continue;
    }
    for (const b of blocks(text)) {
      const [type] = b.header.split(/\s+/);
      const [first, second] = labels(b.header);
      if (type === 'variable' && first) {
        const attrs = attributes(b.body);
        const d = attrs.get('default');
        template.variables.set(first, {
          hasDefault: d !== undefined,
          defaultValue: d?.startsWith('"') ? unquote(d) : d,
          file: path.basename(file),
          line: b.line,
        });
      } else if (type === 'packer') {
        template.requiredPlugins ||= /required_plugins\s*\{/.test(b.body);
      } else if (type === 'source' && first === 'amazon-ebs' && second) {
        template.sources.push({
          name: second,
          attrs: attributes(b.body),
          filters: {
            subnet: tagNameFilter(b.body, 'subnet_filter'),
            securityGroup: tagNameFilter(b.body, 'security_group_filter'),
            vpc: tagNameFilter(b.body, 'vpc_filter'),
          },
          runTags: attributes(objectBody(b.body, 'run_tags')),
          tags: attributes(objectBody(b.body, 'tags')),
          snapshotTags: attributes(objectBody(b.body, 'snapshot_tags')),
        });
      } else if (type === 'build') {
        const inner = blocks(b.body);
        template.builds.push({
          name: evaluate(attributes(b.body).get('name'), new Map()),
          sources: stringList(b.body, 'sources'),
          provisioners: inner
            .filter((p) => p.header.startsWith('provisioner'))
            .map((p) => {
              const attrs = attributes(p.body);
              const script = attrs.get('script');
              return {
                type: labels(p.header)[0] ?? '',
                inline: stringList(p.body, 'inline'),
                scripts: [...(script?.startsWith('"') ? [unquote(script)] : []), ...stringList(p.body, 'scripts')],
                line: b.line + b.body.slice(0, b.body.indexOf(p.header)).split('\n').length - 1,
              };
            }),
          manifests: inner
            .filter((p) => p.header.startsWith('post-processor') && labels(p.header)[0] === 'manifest')
            .map((p) => {
              const out = attributes(p.body).get('output');
              return out?.startsWith('"') ? unquote(out) : 'packer-manifest.json';
            }),
        });
      }
    }
  }
  return { template, errors };
}

/** An attribute's value: a string (with `${var.x}` filled in), `var.x`, or a bare word. */
export function evaluate(expr: string | undefined, vars: Map<string, string>): string | undefined {
  if (expr === undefined) return undefined;
  const e = expr.trim().replace(/,$/, '');
  const v = /^var\.([\w-]+)$/.exec(e);
  if (v) return vars.get(v[1]!);
  if (e.startsWith('"')) return unquote(e).replace(/\$\{\s*var\.([\w-]+)\s*\}/g, (_, name: string) => vars.get(name) ?? '');
  return e;
}
