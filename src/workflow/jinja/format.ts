import { PyDict, PyTuple, TemplateValueError, isFloat, isInt, isNumber, repr, str, toNumber, typeName } from './values.js';

/** Python's `'%s' % x` (printf-style formatting). */
export function percentFormat(template: string, args: unknown): string {
  const positional = args instanceof PyTuple ? [...args] : [args];
  let next = 0;
  let usedMapping = false;
  const out = template.replace(
    /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g,
    (_m, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
      if (type === '%') return '%';
      let value: unknown;
      if (key !== undefined) {
        if (!(args instanceof PyDict)) throw new TemplateValueError('format requires a mapping');
        usedMapping = true;
        if (!args.has(key)) throw new TemplateValueError(`KeyError: ${repr(key)}`);
        value = args.get(key);
      } else {
        if (next >= positional.length) throw new TemplateValueError('not enough arguments for format string');
        value = positional[next++];
      }
      const w = width === '*' ? toNumber(positional[next++]) : width ? Number(width) : 0;
      const p = precision === '*' ? toNumber(positional[next++]) : precision !== undefined ? Number(precision) : undefined;
      return pad(convert(value, type, flags, p), w, flags, isNumericType(type));
    },
  );
  if (!usedMapping && !(args instanceof PyDict) && next < positional.length) {
    throw new TemplateValueError('not all arguments converted during string formatting');
  }
  return out;
}

function isNumericType(type: string): boolean {
  return 'diouxXeEfFgG'.includes(type);
}

function convert(value: unknown, type: string, flags: string, precision: number | undefined): string {
  switch (type) {
    case 's':
      return precision === undefined ? str(value) : str(value).slice(0, precision);
    case 'r':
    case 'a':
      return repr(value);
    case 'c':
      return typeof value === 'string' ? value : String.fromCodePoint(toNumber(value));
    default:
      if (!isNumber(value) && typeof value !== 'boolean') {
        throw new TemplateValueError(`%${type} format: a real number is required, not ${typeName(value)}`);
      }
      return sign(formatNumber(value, type, precision, flags.includes('#')), flags);
  }
}

function sign(text: string, flags: string): string {
  if (text.startsWith('-')) return text;
  if (flags.includes('+')) return `+${text}`;
  if (flags.includes(' ')) return ` ${text}`;
  return text;
}

/** A number formatted by a printf / format-spec type letter. */
export function formatNumber(value: unknown, type: string, precision: number | undefined, alternate = false): string {
  const n = toNumber(value);
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
    case 'n':
      return typeof value === 'bigint' ? value.toString() : String(Math.trunc(n));
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
      if (!isInt(value) && typeof value !== 'boolean') throw new TemplateValueError(`%${type} format: an integer is required, not float`);
      const big = BigInt(typeof value === 'bigint' ? value : Math.trunc(n));
      const radix = type === 'o' ? 8 : type === 'b' ? 2 : 16;
      const digits = (big < 0n ? -big : big).toString(radix);
      const prefix = alternate ? (type === 'o' ? '0o' : type === 'b' ? '0b' : '0x') : '';
      const text = `${big < 0n ? '-' : ''}${prefix}${digits}`;
      return type === 'X' ? text.toUpperCase() : text;
    }
    case 'f':
    case 'F':
      return fixed(n, precision ?? 6);
    case 'e':
    case 'E': {
      const text = exponent(n, precision ?? 6);
      return type === 'E' ? text.toUpperCase() : text;
    }
    case 'g':
    case 'G': {
      const text = general(n, precision ?? 6, alternate);
      return type === 'G' ? text.toUpperCase() : text;
    }
    case '%':
      return `${fixed(n * 100, precision ?? 6)}%`;
    default:
      throw new TemplateValueError(`unsupported format character '${type}'`);
  }
}

function special(n: number): string | undefined {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return undefined;
}

/** A finite double as mantissa × 2^exponent, both exact. */
function binaryParts(n: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(n));
  const high = view.getUint32(0);
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  const biased = (high >>> 20) & 0x7ff;
  return biased === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/**
 * |n| × 10^digits rounded to an integer half to even, from the double's exact value: Python's
 * formatting and round() work this way, where JavaScript's toFixed rounds ties away from zero.
 */
export function scaledHalfEven(n: number, digits: number): bigint {
  const { mantissa, exponent } = binaryParts(n);
  let num = mantissa;
  let den = 1n;
  if (digits >= 0) num *= 10n ** BigInt(digits);
  else den *= 10n ** BigInt(-digits);
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  const q = num / den;
  const twice = 2n * (num - q * den);
  return twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q;
}

function negative(n: number): boolean {
  return n < 0 || Object.is(n, -0);
}

function fixed(n: number, precision: number): string {
  const s = special(n);
  if (s) return s;
  const digits = scaledHalfEven(n, precision).toString().padStart(precision + 1, '0');
  const text = precision > 0 ? `${digits.slice(0, -precision)}.${digits.slice(-precision)}` : digits;
  return negative(n) ? `-${text}` : text;
}

/** The decimal exponent and the precision+1 significant digits of n, rounded half to even. */
function significant(n: number, precision: number): { digits: string; exp: number } {
  if (n === 0) return { digits: '0'.repeat(precision + 1), exp: 0 };
  let exp = Math.floor(Math.log10(Math.abs(n)));
  for (;;) {
    const q = scaledHalfEven(n, precision - exp).toString();
    if (q.length > precision + 1) exp += 1;
    else if (q.length < precision + 1) exp -= 1;
    else return { digits: q, exp };
  }
}

function exponent(n: number, precision: number): string {
  const s = special(n);
  if (s) return s;
  const { digits, exp } = significant(n, precision);
  const mant = precision > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative(n) ? '-' : ''}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function general(n: number, precision: number, alternate: boolean): string {
  const s = special(n);
  if (s) return s;
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return alternate ? fixed(0, p - 1) : '0';
  const { exp } = significant(n, p - 1);
  let text = exp >= -4 && exp < p ? fixed(n, p - 1 - exp) : exponent(n, p - 1);
  if (!alternate) text = text.replace(/\.?0+(?=e|$)/, (m) => (m.startsWith('.') || text.includes('.') ? '' : m));
  return text;
}

function pad(text: string, width: number, flags: string, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0') && numeric) {
    const signChar = /^[-+ ]/.test(text) ? text.charAt(0) : '';
    return signChar + text.slice(signChar.length).padStart(width - signChar.length, '0');
  }
  return text.padStart(width);
}

/** Python's format(value, spec) for str.format: [[fill]align][sign][#][0][width][,][.precision][type]. */
export function formatSpec(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
  if (!m) throw new TemplateValueError(`invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signFlag, alt, zero, widthText, grouping, precText, type] = m;
  const width = widthText ? Number(widthText) : 0;
  const precision = precText !== undefined ? Number(precText) : undefined;
  let text: string;
  const numeric = isNumber(value) || typeof value === 'boolean';
  if (typeof value === 'string' || (!numeric && type === undefined) || type === 's') {
    text = str(value);
    if (precision !== undefined) text = text.slice(0, precision);
  } else if (!numeric) {
    throw new TemplateValueError(`unknown format code '${type}' for object of type '${typeName(value)}'`);
  } else {
    const t = type ?? (isFloat(value) ? (precision !== undefined ? 'g' : '') : 'd');
    text = t === '' ? str(value) : formatNumber(value, t, precision, Boolean(alt));
    if (grouping) text = text.replace(/^(-?)(\d+)/, (_x, s: string, d: string) => s + d.replace(/\B(?=(\d{3})+(?!\d))/g, grouping));
    if (signFlag === '+' && !text.startsWith('-')) text = `+${text}`;
    if (signFlag === ' ' && !text.startsWith('-')) text = ` ${text}`;
  }
  const align = alignChar ?? (zero && numeric ? '=' : numeric ? '>' : '<');
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const room = width - [...text].length;
  if (room <= 0) return text;
  if (align === '<') return text + fill.repeat(room);
  if (align === '>') return fill.repeat(room) + text;
  if (align === '^') return fill.repeat(Math.floor(room / 2)) + text + fill.repeat(room - Math.floor(room / 2));
  const signChar = /^[-+ ]/.test(text) ? text.charAt(0) : '';
  return signChar + fill.repeat(room) + text.slice(signChar.length);
}

/** Python's str.format: `{}`, `{0}`, `{name}`, `{!r}`, `{:spec}`; `{{` and `}}` escape braces. */
export function strFormat(template: string, positional: unknown[], keywords: PyDict, getField: (v: unknown, name: string) => unknown): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (m, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const [head = '', ...rest] = (field ?? '').split('.');
    let value: unknown;
    if (head === '') value = positional[auto++];
    else if (/^\d+$/.test(head)) value = positional[Number(head)];
    else {
      if (!keywords.has(head)) throw new TemplateValueError(`KeyError: ${repr(head)}`);
      value = keywords.get(head);
    }
    if (value === undefined && (head === '' || /^\d+$/.test(head))) throw new TemplateValueError('IndexError: Replacement index out of range for positional args tuple');
    for (const attr of rest) value = getField(value, attr);
    if (conv === 'r' || conv === 'a') value = repr(value);
    else if (conv === 's') value = str(value);
    return formatSpec(value, spec ?? '');
  });
}

