import { percentFormat, scaledHalfEven } from './format.js';
import { dictItems, getattr, getitem, pyCapitalize, pyReplace, splitArgs, toList } from './members.js';
import { add } from './operators.js';
import {
  Missing,
  PyDict,
  PyFloat,
  PyTuple,
  tuple,
  TemplateValueError,
  compare,
  equals,
  floatRepr,
  isFloat,
  isInt,
  isNumber,
  makeFloat,
  makeInt,
  missingError,
  str,
  toNumber,
  truthy,
} from './values.js';

/** jinja2's filters and tests with Python's behaviour, for the values of values.ts. */

type Filter = (value: unknown, ...args: unknown[]) => unknown;

/** Python-style arguments: positional in order, then by keyword, then the default. */
function params(raw: unknown[], names: string[], defaults: unknown[] = []): unknown[] {
  const { pos, kw } = splitArgs(raw);
  return names.map((n, i) => (i < pos.length ? pos[i] : kw.has(n) ? kw.get(n) : defaults[i]));
}

function strict(v: unknown): unknown {
  if (v instanceof Missing) throw missingError(v);
  return v;
}

/** `attribute='a.b'` or `attribute=0` as jinja2's make_attrgetter reads it. */
function attrGetter(attribute: unknown, dflt?: unknown): (v: unknown) => unknown {
  const parts = typeof attribute === 'string' ? attribute.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [attribute];
  return (v) => {
    let cur = v;
    for (const p of parts) {
      cur = getitem(cur, p);
      if (cur === undefined) return dflt;
    }
    return cur;
  };
}

function caseKey(v: unknown, caseSensitive: unknown): unknown {
  return !truthy(caseSensitive) && typeof v === 'string' ? v.toLowerCase() : v;
}

function sortKey(a: unknown, b: unknown): number {
  return compare(a, b);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function jsonText(v: unknown, indent: number | undefined, level = 0): string {
  const nl = indent === undefined ? '' : `\n${' '.repeat(indent * (level + 1))}`;
  const end = indent === undefined ? '' : `\n${' '.repeat(indent * level)}`;
  const sep = indent === undefined ? ', ' : ',';
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (isNumber(v)) {
    if (isFloat(v)) {
      const n = toNumber(v);
      return Number.isNaN(n) ? 'NaN' : !Number.isFinite(n) ? (n > 0 ? 'Infinity' : '-Infinity') : floatRepr(n);
    }
    return str(v);
  }
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${nl}${v.map((x) => jsonText(x, indent, level + 1)).join(sep + nl)}${end}]`;
  if (v instanceof PyDict) {
    if (v.size === 0) return '{}';
    const keys = v.keys().sort((a, b) => compare(String(a), String(b)));
    return `{${nl}${keys.map((k) => `${jsonText(String(k), indent)}: ${jsonText(v.get(k), indent, level + 1)}`).join(sep + nl)}${end}}`;
  }
  throw new TemplateValueError(`Object of type ${typeof v} is not JSON serializable`);
}

function wordwrap(s: string, width: number, breakLong: boolean, wrapString: string, breakHyphens: boolean): string {
  const out: string[] = [];
  for (const para of s.split(/\r\n|\r|\n/)) {
    const words = para.split(/\s+/).filter(Boolean);
    const lines: string[] = [];
    let line = '';
    const chunks: string[] = [];
    for (const w of words) {
      if (!breakHyphens) chunks.push(w);
      else chunks.push(...w.split(/(?<=-)(?=[^-])/));
    }
    for (let w of chunks) {
      while (breakLong && w.length > width && line === '') {
        lines.push(w.slice(0, width));
        w = w.slice(width);
      }
      if (line === '') line = w;
      else if (line.length + 1 + w.length <= width) line += (line.endsWith('-') && breakHyphens && chunks.includes(w) ? ' ' : ' ') + w;
      else {
        lines.push(line);
        line = w;
        while (breakLong && line.length > width) {
          lines.push(line.slice(0, width));
          line = line.slice(width);
        }
      }
    }
    if (line !== '') lines.push(line);
    out.push(lines.join(wrapString));
  }
  return out.join(wrapString);
}

function groupby(value: unknown, ...rest: unknown[]): PyTuple[] {
  const [attribute, dflt, caseSensitive] = params(rest, ['attribute', 'default', 'case_sensitive'], [undefined, undefined, false]);
  const get = attrGetter(attribute, dflt);
  const items = [...toList(value)].sort((a, b) => sortKey(caseKey(get(a), caseSensitive), caseKey(get(b), caseSensitive)));
  const groups: PyTuple[] = [];
  for (const item of items) {
    const key = get(item);
    const last = groups[groups.length - 1];
    if (last && equals(caseKey(last[0], caseSensitive), caseKey(key, caseSensitive))) (last[1] as unknown[]).push(item);
    else {
      const g = tuple(key, [item]);
      Object.assign(g, { grouper: key, list: g[1] });
      groups.push(g);
    }
  }
  return groups;
}

function truncate(value: unknown, ...rest: unknown[]): string {
  const [length, killwords, end, leeway] = params(rest, ['length', 'killwords', 'end', 'leeway'], [255, false, '...', 5]);
  const s = str(value);
  const len = toNumber(length);
  const e = str(end);
  if ([...s].length <= len + toNumber(leeway)) return s;
  if (truthy(killwords)) return [...s].slice(0, len - e.length).join('') + e;
  const cut = [...s].slice(0, len - e.length).join('');
  const space = cut.lastIndexOf(' ');
  return (space >= 0 ? cut.slice(0, space) : cut) + e;
}

function testBy(context: unknown, name: unknown, args: unknown[]): (v: unknown) => boolean {
  const test = TESTS[String(name)];
  if (!test) throw new TemplateValueError(`no test named '${String(name)}'`);
  return (v) => test.call(context, v, ...args);
}

function selectOrReject(keep: boolean, byAttribute: boolean) {
  return function (this: unknown, value: unknown, ...rest: unknown[]): unknown[] {
    const get = byAttribute ? attrGetter(rest.shift()) : (v: unknown) => v;
    const [name, ...args] = rest;
    const test = name === undefined ? truthy : testBy(this, name, args);
    return toList(value).filter((v) => test(get(v)) === keep);
  };
}

function minMax(sign: number) {
  return (value: unknown, ...rest: unknown[]) => {
    const [caseSensitive, attribute] = params(rest, ['case_sensitive', 'attribute'], [false, undefined]);
    const get = attribute === undefined ? (v: unknown) => v : attrGetter(attribute);
    const items = toList(value);
    if (items.length === 0) return undefined;
    return items.reduce((best, v) => (sign * sortKey(caseKey(get(v), caseSensitive), caseKey(get(best), caseSensitive)) > 0 ? v : best));
  };
}

function indent(value: unknown, ...rest: unknown[]): string {
  const [width, first, blank] = params(rest, ['width', 'first', 'blank'], [4, false, false]);
  const pad = typeof width === 'string' ? width : ' '.repeat(toNumber(width));
  const s = str(value);
  const lines = s.split('\n');
  const out = lines.map((l, i) => (i === 0 && !truthy(first)) || (!truthy(blank) && l.trim() === '') ? l : pad + l);
  return out.join('\n');
}

function round(value: unknown, ...rest: unknown[]): unknown {
  const [precision, method] = params(rest, ['precision', 'method'], [0, 'common']);
  const n = toNumber(strict(value));
  const f = 10 ** toNumber(precision);
  let r: number;
  if (method === 'ceil') r = Math.ceil(n * f) / f;
  else if (method === 'floor') r = Math.floor(n * f) / f;
  else if (method === 'common') {
    // Python's round(): the exact value rounded half to even, read back as the nearest float.
    const magnitude = Number.isFinite(n) ? Number(`${scaledHalfEven(n, toNumber(precision))}e${-toNumber(precision)}`) : Math.abs(n);
    r = n < 0 || Object.is(n, -0) ? -magnitude : magnitude;
  }
  else throw new TemplateValueError('method must be common, ceil or floor');
  // Python's round() of an int is an int; floor and ceil divide, giving a float.
  return isInt(value) && method === 'common' ? makeInt(BigInt(Math.round(r))) : makeFloat(r);
}

function toInt(value: unknown, ...rest: unknown[]): unknown {
  const [dflt, base] = params(rest, ['default', 'base'], [0, 10]);
  if (isInt(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isFloat(value)) return makeInt(BigInt(Math.trunc(toNumber(value))));
  if (typeof value === 'string') {
    const t = value.trim().replace(/_/g, '');
    if (toNumber(base) === 10 && /^[-+]?\d+$/.test(t)) return makeInt(BigInt(t));
    if (toNumber(base) !== 10) {
      const n = Number.parseInt(t, toNumber(base));
      if (!Number.isNaN(n)) return n;
    }
    const f = Number(t);
    if (t !== '' && !Number.isNaN(f)) return Math.trunc(f);
  }
  return dflt;
}

function toFloat(value: unknown, ...rest: unknown[]): unknown {
  const [dflt] = params(rest, ['default'], [new PyFloat(0)]);
  if (isNumber(value) || typeof value === 'boolean') return makeFloat(toNumber(value));
  if (typeof value === 'string') {
    const t = value.trim();
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return makeFloat(Number(t));
    if (/^[-+]?(inf|infinity|nan)$/i.test(t)) return makeFloat(t.toLowerCase().includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity);
  }
  return dflt;
}

function filesizeformat(value: unknown, ...rest: unknown[]): string {
  const [binary] = params(rest, ['binary'], [false]);
  const bytes = toNumber(value);
  const base = truthy(binary) ? 1024 : 1000;
  const units = truthy(binary) ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${bytes} Bytes`;
  let unit = units[0]!;
  let scaled = bytes / base;
  for (let i = 0; i < units.length; i++) {
    unit = units[i]!;
    scaled = bytes / base ** (i + 1);
    if (bytes < base ** (i + 2)) break;
  }
  return `${scaled.toFixed(1)} ${unit}`;
}

export const FILTERS: Record<string, Filter> = {
  default(value, ...rest) {
    const [dflt, boolean] = params(rest, ['default_value', 'boolean'], ['', false]);
    if (value === undefined || value instanceof Missing || (truthy(boolean) && !truthy(value))) return dflt;
    return value;
  },
  upper: (v) => str(strict(v)).toUpperCase(),
  lower: (v) => str(strict(v)).toLowerCase(),
  capitalize: (v) => pyCapitalize(str(strict(v))),
  title: (v) =>
    str(strict(v))
      .split(/([-\s({[<]+)/)
      .filter(Boolean)
      .map((w) => w.slice(0, 1).toUpperCase() + w.slice(1).toLowerCase())
      .join(''),
  trim(value, ...rest) {
    const [chars] = params(rest, ['chars'], [null]);
    const s = str(strict(value));
    if (chars === null || chars === undefined) return s.replace(/^\s+|\s+$/g, '');
    const set = new Set([...str(chars)]);
    const chs = [...s];
    let a = 0;
    let b = chs.length;
    while (a < b && set.has(chs[a]!)) a++;
    while (b > a && set.has(chs[b - 1]!)) b--;
    return chs.slice(a, b).join('');
  },
  join(value, ...rest) {
    const [sep, attribute] = params(rest, ['d', 'attribute'], ['', undefined]);
    const get = attribute === undefined ? (v: unknown) => v : attrGetter(attribute);
    return toList(strict(value)).map((v) => str(get(v))).join(str(sep));
  },
  escape: (v) => str(strict(v)).replace(/[&<>"']/g, (c) => ESCAPES[c]!),
  string: (v) => str(strict(v)),
  int: toInt,
  float: toFloat,
  round,
  abs(v) {
    const x = strict(v);
    if (typeof x === 'bigint') return x < 0n ? -x : x;
    if (x instanceof PyFloat) return new PyFloat(Math.abs(x.value));
    return Math.abs(toNumber(x));
  },
  tojson(value, ...rest) {
    const [ind] = params(rest, ['indent'], [undefined]);
    const text = jsonText(strict(value), ind === undefined || ind === null ? undefined : toNumber(ind));
    return text.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  },
  format(value, ...rest) {
    const { pos, kw } = splitArgs(rest);
    if (pos.length > 0 && kw.size > 0) throw new TemplateValueError("can't handle positional and keyword arguments at the same time");
    return percentFormat(str(strict(value)), kw.size > 0 ? kw : tuple(...pos));
  },
  wordwrap(value, ...rest) {
    const [width, breakLong, wrapString, breakHyphens] = params(rest, ['width', 'break_long_words', 'wrapstring', 'break_on_hyphens'], [79, true, '\n', true]);
    return wordwrap(str(strict(value)), toNumber(width), truthy(breakLong), str(wrapString), truthy(breakHyphens));
  },
  max: minMax(1),
  min: minMax(-1),
  unique(value, ...rest) {
    const [caseSensitive, attribute] = params(rest, ['case_sensitive', 'attribute'], [false, undefined]);
    const get = attribute === undefined ? (v: unknown) => v : attrGetter(attribute);
    const seen: unknown[] = [];
    const out: unknown[] = [];
    for (const v of toList(strict(value))) {
      const key = caseKey(get(v), caseSensitive);
      if (!seen.some((s) => equals(s, key))) {
        seen.push(key);
        out.push(v);
      }
    }
    return out;
  },
  items(value) {
    if (value === undefined) return [];
    if (!(strict(value) instanceof PyDict)) throw new TemplateValueError('items filter: a mapping is required');
    return [...dictItems(value as PyDict)];
  },
  attr: (value, name) => getattr(strict(value), str(name)) instanceof Function || !(value instanceof PyDict) ? getattr(value, str(name)) : undefined,
  map(this: unknown, value, ...rest) {
    const { pos, kw } = splitArgs(rest);
    const items = toList(strict(value));
    if (pos.length === 0 && kw.has('attribute')) {
      const get = attrGetter(kw.get('attribute'), kw.get('default'));
      return items.map(get);
    }
    const [name, ...args] = pos;
    const filter = FILTERS[str(name)];
    if (!filter) throw new TemplateValueError(`no filter named '${str(name)}'`);
    const kwArgs = kw.size > 0 ? [Object.assign(Object.fromEntries(kw.map), { __keywords: true })] : [];
    return items.map((v) => filter.call(this, v, ...args, ...kwArgs));
  },
  select: selectOrReject(true, false),
  reject: selectOrReject(false, false),
  selectattr: selectOrReject(true, true),
  rejectattr: selectOrReject(false, true),
  sort(value, ...rest) {
    const [reverse, caseSensitive, attribute] = params(rest, ['reverse', 'case_sensitive', 'attribute'], [false, false, undefined]);
    const get = attribute === undefined ? (v: unknown) => v : attrGetter(attribute);
    const out = [...toList(strict(value))].sort((a, b) => sortKey(caseKey(get(a), caseSensitive), caseKey(get(b), caseSensitive)));
    return truthy(reverse) ? out.reverse() : out;
  },
  dictsort(value, ...rest) {
    const [caseSensitive, by, reverse] = params(rest, ['case_sensitive', 'by', 'reverse'], [false, 'key', false]);
    if (!(strict(value) instanceof PyDict)) throw new TemplateValueError('dictsort: a mapping is required');
    const at = by === 'value' ? 1 : 0;
    const out = [...dictItems(value as PyDict)].sort((a, b) => sortKey(caseKey((a as PyTuple)[at], caseSensitive), caseKey((b as PyTuple)[at], caseSensitive)));
    return truthy(reverse) ? out.reverse() : out;
  },
  length(value) {
    const v = strict(value);
    if (v === undefined) return 0;
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (v instanceof PyDict) return v.size;
    throw new TemplateValueError('object has no len()');
  },
  first: (value) => toList(strict(value))[0],
  last: (value) => {
    const items = toList(strict(value));
    return items[items.length - 1];
  },
  list: (value) => [...toList(strict(value))],
  sum(value, ...rest) {
    const [attribute, start] = params(rest, ['attribute', 'start'], [undefined, 0]);
    const get = attribute === undefined ? (v: unknown) => v : attrGetter(attribute);
    return toList(strict(value)).reduce((acc: unknown, v) => add(acc, get(v)), start);
  },
  batch(value, ...rest) {
    const [size, fill] = params(rest, ['linecount', 'fill_with'], [1, undefined]);
    const n = toNumber(size);
    const out: unknown[][] = [];
    for (const v of toList(strict(value))) {
      const open = out.at(-1);
      if (open && open.length !== n) open.push(v);
      else out.push([v]);
    }
    const last = out[out.length - 1];
    if (fill !== undefined && last) while (last.length < n) last.push(fill);
    return out;
  },
  slice(value, ...rest) {
    const [slices, fill] = params(rest, ['slices', 'fill_with'], [1, undefined]);
    const items = toList(strict(value));
    const n = toNumber(slices);
    const per = Math.floor(items.length / n);
    const extra = items.length % n;
    const out: unknown[][] = [];
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const start = offset + i * per;
      if (i < extra) offset++;
      const end = offset + (i + 1) * per;
      const part = items.slice(start, end);
      if (fill !== undefined && i >= extra) part.push(fill);
      out.push(part);
    }
    return out;
  },
  center(value, ...rest) {
    const [width] = params(rest, ['width'], [80]);
    const s = str(strict(value));
    const room = toNumber(width) - [...s].length;
    if (room <= 0) return s;
    const left = Math.floor(room / 2) + (room & toNumber(width) & 1);
    return ' '.repeat(left) + s + ' '.repeat(room - left);
  },
  indent,
  replace(value, ...rest) {
    const [old, rep, count] = params(rest, ['old', 'new', 'count'], [undefined, undefined, undefined]);
    return pyReplace(str(strict(value)), str(old), str(rep), count === null ? undefined : count);
  },
  reverse(value) {
    const v = strict(value);
    if (typeof v === 'string') return [...v].reverse().join('');
    return [...toList(v)].reverse();
  },
  wordcount: (v) => (str(strict(v)).match(/\w+/gu) ?? []).length,
  urlencode(value) {
    const v = strict(value);
    const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%2F/g, '/');
    if (v instanceof PyDict) return [...v.map].map(([k, x]) => `${enc(str(k))}=${enc(str(x))}`).join('&');
    return enc(str(v));
  },
  striptags: (v) =>
    str(strict(v))
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  filesizeformat,
  truncate,
  groupby,
  safe: (v) => strict(v),
};

/** jinja2's other names for a filter or test: each one the same function as the name it stands for. */
function alias<T>(table: Record<string, T>, others: Record<string, string>): void {
  for (const [other, name] of Object.entries(others)) {
    const same = table[name];
    if (same === undefined) throw new Error(`no ${name} to call ${other}`);
    table[other] = same;
  }
}
alias(FILTERS, { d: 'default', e: 'escape', count: 'length' });

type Test = (this: unknown, value: unknown, ...args: unknown[]) => boolean;

export const TESTS: Record<string, Test> = {
  defined: (v) => v !== undefined && !(v instanceof Missing),
  undefined: (v) => v === undefined || v instanceof Missing,
  none: (v) => v === null,
  odd: (v) => toNumber(strict(v)) % 2 === 1 || toNumber(v) % 2 === -1,
  even: (v) => toNumber(strict(v)) % 2 === 0,
  divisibleby: (v, n) => toNumber(strict(v)) % toNumber(n) === 0,
  string: (v) => typeof v === 'string',
  number: (v) => isNumber(v) || typeof v === 'boolean',
  integer: (v) => isInt(v),
  float: (v) => isFloat(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  mapping: (v) => v instanceof PyDict,
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || v instanceof PyDict,
  iterable: (v) => typeof v === 'string' || Array.isArray(v) || v instanceof PyDict,
  callable: (v) => typeof v === 'function',
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  eq: (a, b) => equals(a, b),
  ne: (a, b) => !equals(a, b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  in: (a, b) => (typeof b === 'string' ? typeof a === 'string' && b.includes(a) : b instanceof PyDict ? b.has(a) : toList(b).some((x) => equals(x, a))),
  sameas: (a, b) => a === b,
  escaped: () => false,
};
alias(TESTS, { equalto: 'eq', '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', greaterthan: 'gt', lessthan: 'lt' });
