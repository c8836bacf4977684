import { percentFormat } from './format.js';
import {
  Missing,
  PyFloat,
  PyTuple,
  tuple,
  TemplateValueError,
  compare,
  equals,
  isFloat,
  isInt,
  isNumber,
  makeFloat,
  makeInt,
  missingError,
  str,
  toNumber,
  typeName,
} from './values.js';

/** Python's binary operators on template values. */

function operand(v: unknown): unknown {
  if (v instanceof Missing) throw missingError(v);
  if (v === undefined) throw new TemplateValueError('an undefined value cannot be used in an expression');
  return v;
}

function numeric(v: unknown): boolean {
  return isNumber(v) || typeof v === 'boolean';
}

function unsupported(op: string, a: unknown, b: unknown): TemplateValueError {
  return new TemplateValueError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function intOf(v: unknown): number | bigint {
  return typeof v === 'boolean' ? (v ? 1 : 0) : (v as number | bigint);
}

/** int op int, exact: numbers while safe, bigint past 2^53. */
function intOp(a: unknown, b: unknown, op: (x: bigint, y: bigint) => bigint, fast: (x: number, y: number) => number): number | bigint {
  const x = intOf(a);
  const y = intOf(b);
  if (typeof x === 'number' && typeof y === 'number') {
    const r = fast(x, y);
    if (Number.isSafeInteger(r)) return r;
  }
  return makeInt(op(BigInt(x), BigInt(y)));
}

function bothInt(a: unknown, b: unknown): boolean {
  return (isInt(a) || typeof a === 'boolean') && (isInt(b) || typeof b === 'boolean');
}

export function add(a: unknown, b: unknown): unknown {
  operand(a);
  operand(b);
  if (numeric(a) && numeric(b)) {
    if (bothInt(a, b)) return intOp(a, b, (x, y) => x + y, (x, y) => x + y);
    return makeFloat(toNumber(a) + toNumber(b));
  }
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b) && (a instanceof PyTuple) === (b instanceof PyTuple)) {
    return a instanceof PyTuple ? tuple(...a, ...b) : [...a, ...b];
  }
  if (typeof a === 'string') throw new TemplateValueError(`can only concatenate str (not "${typeName(b)}") to str`);
  throw unsupported('+', a, b);
}

export function sub(a: unknown, b: unknown): unknown {
  operand(a);
  operand(b);
  if (!numeric(a) || !numeric(b)) throw unsupported('-', a, b);
  if (bothInt(a, b)) return intOp(a, b, (x, y) => x - y, (x, y) => x - y);
  return makeFloat(toNumber(a) - toNumber(b));
}

function repeat(seq: unknown, times: unknown): unknown {
  const n = Math.max(0, toNumber(times));
  if (typeof seq === 'string') return seq.repeat(n);
  const items = seq as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return seq instanceof PyTuple ? tuple(...out) : out;
}

export function mul(a: unknown, b: unknown): unknown {
  operand(a);
  operand(b);
  if (numeric(a) && numeric(b)) {
    if (bothInt(a, b)) return intOp(a, b, (x, y) => x * y, (x, y) => x * y);
    return makeFloat(toNumber(a) * toNumber(b));
  }
  if ((typeof a === 'string' || Array.isArray(a)) && (isInt(b) || typeof b === 'boolean')) return repeat(a, b);
  if ((typeof b === 'string' || Array.isArray(b)) && (isInt(a) || typeof a === 'boolean')) return repeat(b, a);
  throw unsupported('*', a, b);
}

function divisor(b: unknown, what: string): void {
  if (toNumber(b) === 0 && !(typeof b === 'bigint' && b !== 0n)) throw new TemplateValueError(`ZeroDivisionError: ${what}`);
}

export function div(a: unknown, b: unknown): unknown {
  operand(a);
  operand(b);
  if (!numeric(a) || !numeric(b)) throw unsupported('/', a, b);
  divisor(b, 'division by zero');
  return makeFloat(toNumber(a) / toNumber(b));
}

/**
 * `//` and `%` as Python does them: the result takes the sign of the divisor, on big ints and
 * on floats alike.
 */
function floored(
  symbol: '//' | '%',
  [a, b]: [unknown, unknown],
  ints: { big: (x: bigint, y: bigint) => bigint; small: (x: number, y: number) => number },
  float: (x: number, y: number) => number,
): unknown {
  operand(b);
  if (!numeric(a) || !numeric(b)) throw unsupported(symbol, a, b);
  divisor(b, 'integer division or modulo by zero');
  return bothInt(a, b) ? intOp(a, b, ints.big, ints.small) : makeFloat(float(toNumber(a), toNumber(b)));
}

export function floorDiv(a: unknown, b: unknown): unknown {
  operand(a);
  const floor = (x: number, y: number) => Math.floor(x / y);
  const big = (x: bigint, y: bigint) => {
    const q = x / y;
    return x % y !== 0n && (x < 0n) !== (y < 0n) ? q - 1n : q;
  };
  return floored('//', [a, b], { big, small: floor }, floor);
}

export function mod(a: unknown, b: unknown): unknown {
  operand(a);
  if (typeof a === 'string') return percentFormat(a, b === undefined ? '' : b);
  const big = (x: bigint, y: bigint) => {
    const r = x % y;
    return r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r;
  };
  const float = (x: number, y: number) => {
    const r = x % y;
    return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
  };
  return floored('%', [a, b], { big, small: (x, y) => ((x % y) + y) % y }, float);
}

export function pow(a: unknown, b: unknown): unknown {
  operand(a);
  operand(b);
  if (!numeric(a) || !numeric(b)) throw unsupported('**', a, b);
  if (bothInt(a, b) && toNumber(b) >= 0) return makeInt(BigInt(intOf(a)) ** BigInt(intOf(b)));
  return makeFloat(toNumber(a) ** toNumber(b));
}

export function neg(a: unknown): unknown {
  operand(a);
  if (typeof a === 'bigint') return makeInt(-a);
  if (a instanceof PyFloat) return new PyFloat(-a.value);
  if (typeof a === 'number') return -a === 0 && isFloat(a) ? makeFloat(-a) : -a;
  if (typeof a === 'boolean') return a ? -1 : 0;
  throw new TemplateValueError(`bad operand type for unary -: '${typeName(a)}'`);
}

export function pos(a: unknown): unknown {
  operand(a);
  if (!numeric(a)) throw new TemplateValueError(`bad operand type for unary +: '${typeName(a)}'`);
  return typeof a === 'boolean' ? (a ? 1 : 0) : a;
}

/** `~`: both sides as text (an undefined member is empty text, as in jinja2). */
export function concat(a: unknown, b: unknown): string {
  return str(a) + str(b);
}

/** A chain of comparisons `a < b < c`, each pair tested as Python does. */
export function compareChain(first: unknown, ...rest: unknown[]): boolean {
  let left = first;
  for (let i = 0; i < rest.length; i += 2) {
    const op = rest[i] as string;
    const right = rest[i + 1];
    if (!compareOne(left, op, right)) return false;
    left = right;
  }
  return true;
}

function compareOne(a: unknown, op: string, b: unknown): boolean {
  if (a instanceof Missing) throw missingError(a);
  if (b instanceof Missing) throw missingError(b);
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '<':
      return compare(operand(a), operand(b)) < 0;
    case '>':
      return compare(operand(a), operand(b)) > 0;
    case '<=':
      return compare(operand(a), operand(b)) <= 0;
    case '>=':
      return compare(operand(a), operand(b)) >= 0;
    default:
      throw new TemplateValueError(`the operator ${op} does not exist in jinja2`);
  }
}
