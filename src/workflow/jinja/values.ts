/**
 * Python values as templates see them, so that printing, truthiness and equality follow jinja2
 * (which runs on Python) rather than JavaScript:
 * - int: a JS integer number, or a bigint past 2^53 (20-digit ids stay exact);
 * - float: a non-integral JS number, or a `PyFloat` box when the value is integral (`1.0`);
 * - str: a JS string; None: null; True/False: booleans;
 * - list: an array; tuple: a `PyTuple`; dict: a `PyDict` (keys keep their insertion order, even
 *   numeric-looking ones that a JS object would reorder).
 * A name the template never received is a `Missing`; a missing member is `undefined` (jinja2's
 * default Undefined: prints empty).
 */

export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return floatRepr(this.value);
  }
}

export class PyTuple extends Array<unknown> {
  static get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** A table's own entry for a name read from a template (never one inherited from Object). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export function tuple(...items: unknown[]): PyTuple {
  const t = new PyTuple();
  t.push(...items);
  return t;
}

/** What range() returns: iterated, indexed and measured as its numbers, printed `range(0, 3)`. */
export class PyRange extends Array<unknown> {
  start = 0;
  stop = 0;
  step = 1;
  static get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** A view printed as `dict_items([...])`, iterated as its tuples. */
export class PyView extends Array<unknown> {
  kind = 'dict_items';
  static get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

export class PyDict {
  readonly map = new Map<unknown, unknown>();
  constructor(entries?: Iterable<readonly [unknown, unknown]>) {
    if (entries) for (const [k, v] of entries) this.map.set(k, v);
  }
  has(key: unknown): boolean {
    return this.map.has(dictKey(key));
  }
  get(key: unknown): unknown {
    return this.map.get(dictKey(key));
  }
  set(key: unknown, value: unknown): void {
    this.map.set(dictKey(key), value);
  }
  keys(): unknown[] {
    return [...this.map.keys()];
  }
  /** A copy that reports each key a template looks up (the layer fingerprint notes what is read). */
  observed(onRead: (key: string) => void): PyDict {
    const copy = new PyDict(this.map);
    copy.has = (key) => {
      onRead(String(key));
      return this.has(key);
    };
    copy.get = (key) => {
      onRead(String(key));
      return this.get(key);
    };
    return copy;
  }
  get size(): number {
    return this.map.size;
  }
  [Symbol.iterator](): IterableIterator<unknown> {
    return this.map.keys();
  }
}

/** 1 and 1.0 are the same dict key in Python. */
function dictKey(key: unknown): unknown {
  return key instanceof PyFloat ? key.value : key;
}

/** jinja2's namespace(): the one object `{% set ns.x = ... %}` may change. */
export class Namespace {
  readonly attrs = new PyDict();
}

/** A top-level name the template was not given: paw-tui stops where jinja2 would print nothing. */
export class Missing {
  constructor(readonly name: string) {}
}

/** A failure jinja2 would raise too (TypeError, UndefinedError …): the message says what. */
export class TemplateValueError extends Error {}

export function missingError(m: Missing): TemplateValueError {
  return new TemplateValueError(`${m.name} is undefined`);
}

export function isFloat(v: unknown): v is number | PyFloat {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

export function isInt(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

export function isNumber(v: unknown): v is number | bigint | PyFloat {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof PyFloat;
}

/** A float result: boxed when integral, so that it still prints as a float. */
export function makeFloat(n: number): number | PyFloat {
  return Number.isInteger(n) || !Number.isFinite(n) ? new PyFloat(n) : n;
}

/** An int result: a bigint when a number cannot hold it exactly. */
export function makeInt(n: number | bigint): number | bigint {
  if (typeof n === 'bigint') return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  return n;
}

export function toNumber(v: unknown): number {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v as number;
}

export function isDict(v: unknown): v is PyDict {
  return v instanceof PyDict;
}

export function isSequence(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

/** Python's float repr: shortest round-trip digits, exponent from 1e16 and below 1e-4. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant = '', exp = '0'] = n.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(n);
  return s.includes('.') ? s : `${s}.0`;
}

/** Python's repr() of a str: single quotes unless the text holds one and no double quote. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

export function repr(v: unknown): string {
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyView) return `dict_items([${v.map(repr).join(', ')}])`;
  if (v instanceof PyRange) return v.step === 1 ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  if (v instanceof PyTuple) return v.length === 1 ? `(${repr(v[0])},)` : `(${v.map(repr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (v instanceof PyDict) return `{${[...v.map].map(([k, val]) => `${repr(k)}: ${repr(val)}`).join(', ')}}`;
  return str(v);
}

/** Python's str(): what `{{ value }}` prints. */
export function str(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof Missing) throw missingError(v);
  if (Array.isArray(v) || v instanceof PyDict) return repr(v);
  if (v instanceof Namespace) return '<Namespace>';
  if (typeof v === 'function') throw new TemplateValueError('printing a function or macro object is not supported');
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    throw new TemplateValueError('printing a whole object (not data) is not supported: print one of its attributes');
  }
  // nunjucks' SafeString (macro output, caller()) and other objects that print themselves.
  return String(v);
}

/** Python truthiness. */
export function truthy(v: unknown): boolean {
  if (v instanceof Missing || v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  if (typeof v === 'object' && String(v) === '' && 'val' in v) return false;
  return Boolean(v);
}

/** Python `==`. */
export function equals(a: unknown, b: unknown): boolean {
  if (isNumber(a) || typeof a === 'boolean') {
    if (!(isNumber(b) || typeof b === 'boolean')) return false;
    if (typeof a === 'bigint' || typeof b === 'bigint') {
      return isInt(a) && isInt(b) ? BigInt(a) === BigInt(b) : toNumber(a) === toNumber(b);
    }
    return toNumber(a) === toNumber(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || (a instanceof PyTuple) !== (b instanceof PyTuple)) return false;
    // A range equals only a range (of the same numbers), never a list.
    if ((a instanceof PyRange) !== (b instanceof PyRange)) return false;
    return a.every((x, i) => equals(x, b[i]));
  }
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    return [...a.map].every(([k, v]) => b.has(k) && equals(v, b.get(k)));
  }
  if (a === undefined || b === undefined) return a === b;
  return a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && String(a) === String(b) && 'val' in a);
}

/** Python ordering (<): numbers with numbers, strings with strings, sequences element-wise. */
export function compare(a: unknown, b: unknown): number {
  if ((isNumber(a) || typeof a === 'boolean') && (isNumber(b) || typeof b === 'boolean')) {
    if (typeof a === 'bigint' || typeof b === 'bigint') {
      if (isInt(a) && isInt(b)) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
    }
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!equals(a[i], b[i])) return compare(a[i], b[i]);
    }
    return a.length - b.length;
  }
  throw new TemplateValueError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

export function typeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (v === undefined) return 'Undefined';
  if (typeof v === 'boolean') return 'bool';
  if (isFloat(v)) return 'float';
  if (isInt(v)) return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyRange) return 'range';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyDict) return 'dict';
  return 'object';
}

/** Turns plain JS data (paw-tui's own context values) into Python values. */
export function fromJs(v: unknown): unknown {
  if (Array.isArray(v) || v instanceof PyDict || v instanceof PyFloat) return v;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return new PyDict(Object.entries(v).map(([k, x]) => [k, fromJs(x)]));
  }
  return v;
}

/** Python values back to plain JSON-like data (bigints become numbers; for comparisons and tests). */
export function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return [...v].map(toPlain);
  if (v instanceof PyDict) return Object.fromEntries([...v.map].map(([k, x]) => [String(k), toPlain(x)]));
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  }
  return v;
}
