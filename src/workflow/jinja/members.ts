import { strFormat } from './format.js';
import {
  Missing,
  Namespace,
  PyDict,
  PyRange,
  PyTuple,
  tuple,
  PyView,
  TemplateValueError,
  equals,
  isInt,
  missingError,
  ownEntry,
  repr,
  toNumber,
  typeName,
} from './values.js';

/** nunjucks passes keyword arguments as a last object marked `__keywords`. */
export function splitArgs(args: unknown[]): { pos: unknown[]; kw: PyDict } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords === true) {
    const kw = new PyDict(Object.entries(last).filter(([k]) => k !== '__keywords'));
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args, kw: new PyDict() };
}

function textArg(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new TemplateValueError(`${what} must be str, not ${typeName(v)}`);
  return v;
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : new Set([...textArg(chars, 'strip arg')]);
  const chs = [...s];
  const drop = (c: string) => (set ? set.has(c) : /\s/.test(c));
  let a = 0;
  let b = chs.length;
  if (left) while (a < b && drop(chs[a]!)) a++;
  if (right) while (b > a && drop(chs[b - 1]!)) b--;
  return chs.slice(a, b).join('');
}

export function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined ? -1 : toNumber(maxsplit);
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest !== '' && (max < 0 || parts.length < max)) {
      const m = /\s+/.exec(rest);
      if (!m) break;
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    if (rest !== '') parts.push(max >= 0 && parts.length >= max ? rest.replace(/\s+$/, '') : rest);
    return parts;
  }
  const d = textArg(sep, 'separator');
  if (d === '') throw new TemplateValueError('empty separator');
  const all = s.split(d);
  return max < 0 || all.length <= max + 1 ? all : [...all.slice(0, max), all.slice(max).join(d)];
}

export function pyTitle(s: string): string {
  return s.replace(/[^\W\d_]+/gu, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

export function pyCapitalize(s: string): string {
  return s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase();
}

export function pyReplace(s: string, old: string, rep: string, count: unknown): string {
  const n = count === undefined ? -1 : toNumber(count);
  if (n < 0) return s.split(old).join(rep);
  const parts = s.split(old);
  return parts.length - 1 <= n ? parts.join(rep) : parts.slice(0, n + 1).join(rep) + old + parts.slice(n + 1).join(old);
}

function affix(s: string, arg: unknown, test: (s: string, a: string) => boolean): boolean {
  if (arg instanceof PyTuple) return arg.some((a) => test(s, textArg(a, 'prefix')));
  return test(s, textArg(arg, 'prefix'));
}

const STR_METHODS: Record<string, (s: string, pos: unknown[], kw: PyDict) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s) => pyTitle(s),
  capitalize: (s) => pyCapitalize(s),
  strip: (s, [c]) => stripChars(s, c, true, true),
  lstrip: (s, [c]) => stripChars(s, c, true, false),
  rstrip: (s, [c]) => stripChars(s, c, false, true),
  split: (s, [sep, max], kw) => pySplit(s, sep ?? kw.get('sep'), max ?? kw.get('maxsplit')),
  splitlines: (s) => s.split(/\r\n|\r|\n/).filter((_l, i, a) => i < a.length - 1 || a[i] !== ''),
  startswith: (s, [p]) => affix(s, p, (x, a) => x.startsWith(a)),
  endswith: (s, [p]) => affix(s, p, (x, a) => x.endsWith(a)),
  replace: (s, [o, r, n]) => pyReplace(s, textArg(o, 'replace arg'), textArg(r, 'replace arg'), n),
  format: (s, pos, kw) => strFormat(s, pos, kw, getattr),
  join: (s, [items]) => toList(items).map((x) => textArg(x, 'sequence item')).join(s),
  zfill: (s, [w]) => {
    const width = toNumber(w);
    const signChar = /^[-+]/.test(s) ? s.charAt(0) : '';
    return signChar + s.slice(signChar.length).padStart(width - signChar.length, '0');
  },
  center: (s, [w, f]) => {
    const room = toNumber(w) - [...s].length;
    if (room <= 0) return s;
    const fill = (f as string | undefined) ?? ' ';
    const left = Math.floor(room / 2) + (room % 2 & toNumber(w) % 2);
    return fill.repeat(left) + s + fill.repeat(room - left);
  },
  ljust: (s, [w, f]) => s.padEnd(toNumber(w), (f as string | undefined) ?? ' '),
  rjust: (s, [w, f]) => s.padStart(toNumber(w), (f as string | undefined) ?? ' '),
  find: (s, [sub]) => s.indexOf(textArg(sub, 'find arg')),
  rfind: (s, [sub]) => s.lastIndexOf(textArg(sub, 'find arg')),
  index: (s, [sub]) => {
    const i = s.indexOf(textArg(sub, 'index arg'));
    if (i < 0) throw new TemplateValueError('substring not found');
    return i;
  },
  count: (s, [sub]) => (textArg(sub, 'count arg') === '' ? [...s].length + 1 : s.split(sub as string).length - 1),
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\d]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
};

const LIST_METHODS: Record<string, (l: unknown[], pos: unknown[], kw: PyDict) => unknown> = {
  index: (l, [x]) => {
    const i = l.findIndex((y) => equals(y, x));
    if (i < 0) throw new TemplateValueError(`${repr(x)} is not in list`);
    return i;
  },
  count: (l, [x]) => l.filter((y) => equals(y, x)).length,
  copy: (l) => [...l],
  append: (l, [x]) => {
    l.push(x);
    return null;
  },
  extend: (l, [x]) => {
    l.push(...toList(x));
    return null;
  },
  pop: (l, [i]) => {
    if (l.length === 0) throw new TemplateValueError('pop from empty list');
    const at = i === undefined ? l.length - 1 : index(l.length, i);
    return l.splice(at, 1)[0];
  },
  insert: (l, [i, x]) => {
    l.splice(Math.max(0, Math.min(l.length, index(l.length, i, true))), 0, x);
    return null;
  },
};

const TUPLE_METHODS = { index: LIST_METHODS.index!, count: LIST_METHODS.count! };

const DICT_METHODS: Record<string, (d: PyDict, pos: unknown[], kw: PyDict) => unknown> = {
  items: (d) => dictItems(d),
  keys: (d) => d.keys(),
  values: (d) => [...d.map.values()],
  get: (d, [k, dflt]) => (d.has(k) ? d.get(k) : (dflt ?? null)),
  copy: (d) => new PyDict(d.map),
  update: (d, [other], kw) => {
    if (other instanceof PyDict) for (const [k, v] of other.map) d.set(k, v);
    for (const [k, v] of kw.map) d.set(k, v);
    return null;
  },
  setdefault: (d, [k, dflt]) => {
    if (!d.has(k)) d.set(k, dflt ?? null);
    return d.get(k);
  },
  pop: (d, [k, dflt]) => {
    if (!d.has(k)) {
      if (dflt === undefined) throw new TemplateValueError(`KeyError: ${repr(k)}`);
      return dflt;
    }
    const v = d.get(k);
    d.map.delete(k);
    return v;
  },
};

export function dictItems(d: PyDict): PyView {
  const view = new PyView();
  for (const [k, v] of d.map) view.push(tuple(k, v));
  return view;
}

function bind<T>(self: T, method: (s: T, pos: unknown[], kw: PyDict) => unknown): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const { pos, kw } = splitArgs(args);
    return method(self, pos, kw);
  };
}

/** Python's `obj.name` as jinja2 resolves it: the attribute, else the item, else Undefined. */
export function getattr(obj: unknown, name: string, what?: string): unknown {
  if (obj instanceof Missing) throw missingError(obj);
  if (obj === undefined) throw new TemplateValueError(`${what ?? 'the value'} is undefined (reading '${name}')`);
  if (obj === null) return undefined;
  if (typeof obj === 'string') {
    const method = ownEntry(STR_METHODS, name);
    return method && bind(obj, method);
  }
  if (obj instanceof PyDict) {
    const method = ownEntry(DICT_METHODS, name);
    if (method) return bind(obj, method);
    return obj.has(name) ? obj.get(name) : undefined;
  }
  if (obj instanceof PyTuple) {
    if (Object.hasOwn(TUPLE_METHODS, name)) return bind(obj as unknown[], TUPLE_METHODS[name as keyof typeof TUPLE_METHODS]);
    return Object.hasOwn(obj, name) && !/^\d+$/.test(name) ? (obj as unknown as Record<string, unknown>)[name] : undefined;
  }
  if (Array.isArray(obj)) {
    const method = ownEntry(LIST_METHODS, name);
    return method && bind(obj, method);
  }
  if (obj instanceof Namespace) return obj.attrs.has(name) ? obj.attrs.get(name) : undefined;
  if (typeof obj === 'object' && Object.hasOwn(obj, name)) return (obj as Record<string, unknown>)[name];
  if (typeof obj === 'function' && Object.hasOwn(obj, name)) return (obj as unknown as Record<string, unknown>)[name];
  return undefined;
}

function index(length: number, i: unknown, clamp = false): number {
  if (!isInt(i) && typeof i !== 'boolean') throw new TemplateValueError(`indices must be integers, not ${typeName(i)}`);
  const n = toNumber(i);
  const at = n < 0 ? length + n : n;
  if (!clamp && (at < 0 || at >= length)) return -1;
  return at;
}

/** Python's `obj[key]` as jinja2 resolves it: the item, else (for a str key) the attribute, else Undefined. */
export function getitem(obj: unknown, key: unknown, what?: string): unknown {
  if (obj instanceof Missing) throw missingError(obj);
  if (key instanceof Missing) throw missingError(key);
  if (obj === undefined) throw new TemplateValueError(`${what ?? 'the value'} is undefined (reading [${repr(key)}])`);
  if (obj === null) return undefined;
  if (typeof obj === 'string' || Array.isArray(obj)) {
    if (isInt(key) || typeof key === 'boolean') {
      const items = typeof obj === 'string' ? [...obj] : obj;
      const at = index(items.length, key);
      return at < 0 ? undefined : items[at];
    }
    return typeof key === 'string' ? getattr(obj, key) : undefined;
  }
  if (obj instanceof PyDict) {
    if (obj.has(key)) return obj.get(key);
    return typeof key === 'string' ? getattr(obj, key) : undefined;
  }
  return typeof key === 'string' ? getattr(obj, key) : undefined;
}

/** Python slicing `obj[start:stop:step]` of a str, list or tuple. */
export function slice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (obj instanceof Missing) throw missingError(obj);
  if (obj === undefined) throw new TemplateValueError('cannot slice an undefined value');
  const items = typeof obj === 'string' ? [...obj] : Array.isArray(obj) ? obj : undefined;
  if (!items) return undefined;
  const st = step === null || step === undefined ? 1 : toNumber(step);
  if (st === 0) throw new TemplateValueError('slice step cannot be zero');
  const len = items.length;
  const norm = (v: unknown, dflt: number, lo: number, hi: number) => {
    if (v === null || v === undefined) return dflt;
    const n = toNumber(v);
    return Math.min(hi, Math.max(lo, n < 0 ? n + len : n));
  };
  const out: unknown[] = obj instanceof PyRange ? new PyRange() : [];
  const [a, b] = st > 0 ? [norm(start, 0, 0, len), norm(stop, len, 0, len)] : [norm(start, len - 1, -1, len - 1), norm(stop, -1, -1, len - 1)];
  for (let i = a; st > 0 ? i < b : i > b; i += st) out.push(items[i]);
  // A slice of a range is a range: range(3)[1:] is range(1, 3).
  if (obj instanceof PyRange) return Object.assign(out, { start: obj.start + a * obj.step, stop: obj.start + b * obj.step, step: obj.step * st });
  if (typeof obj === 'string') return out.join('');
  return obj instanceof PyTuple ? tuple(...out) : out;
}

/** What a for loop, `|list` or `in` walks: a dict's keys, a string's characters. */
export function toList(v: unknown): unknown[] {
  if (v instanceof Missing) throw missingError(v);
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v instanceof PyDict) return v.keys();
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)];
  throw new TemplateValueError(`'${typeName(v)}' object is not iterable`);
}

export function contains(container: unknown, item: unknown): boolean {
  if (container instanceof Missing) throw missingError(container);
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TemplateValueError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (container instanceof PyDict) return container.has(item);
  return toList(container).some((x) => equals(x, item));
}

/** `{% set ns.attr = value %}`: jinja2 allows it on a namespace() only. */
export function setattr(obj: unknown, name: string, value: unknown): void {
  if (!(obj instanceof Namespace)) throw new TemplateValueError('cannot assign attribute on non-namespace object');
  obj.attrs.set(name, value);
}

export function namespace(...args: unknown[]): Namespace {
  const ns = new Namespace();
  const { pos, kw } = splitArgs(args);
  if (pos[0] instanceof PyDict) for (const [k, v] of pos[0].map) ns.attrs.set(k, v);
  for (const [k, v] of kw.map) ns.attrs.set(k, v);
  return ns;
}

/** jinja2's cycler(): `next()`, `reset()` and the `current` item. */
export function cycler(...items: unknown[]): Record<string, unknown> {
  if (items.length === 0) throw new TemplateValueError('at least one item has to be provided');
  let pos = 0;
  const c: Record<string, unknown> = {
    next: () => {
      const item = items[pos];
      pos = (pos + 1) % items.length;
      return item;
    },
    reset: () => {
      pos = 0;
      return null;
    },
  };
  Object.defineProperty(c, 'current', { enumerable: true, get: () => items[pos] });
  return c;
}

/** Python's range(): one to three integers (a bool is one), else jinja2's TypeError. */
export function range(...args: unknown[]): PyRange {
  if (args.length === 0) throw new TemplateValueError('range expected at least 1 argument, got 0');
  if (args.length > 3) throw new TemplateValueError(`range expected at most 3 arguments, got ${args.length}`);
  for (const a of args) {
    if (!isInt(a) && typeof a !== 'boolean') throw new TemplateValueError(`'${typeName(a)}' object cannot be interpreted as an integer`);
  }
  const n = args.map(toNumber);
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new TemplateValueError('range() arg 3 must not be zero');
  // jinja2's sandbox limit; its plain environment has none, but a template never needs more.
  if (Math.max(0, Math.ceil((stop - start) / step)) > 100_000) throw new TemplateValueError('range too big: more than 100,000 numbers');
  const out = new PyRange();
  Object.assign(out, { start, stop, step });
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

