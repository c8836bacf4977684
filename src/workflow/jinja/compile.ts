/**
 * jinja2 semantics on top of nunjucks: the parser keeps what Python needs (float literals,
 * `.name` versus `[key]`, 1-tuples) and the compiler emits calls into `runtime.py` (Python
 * values, operators, truthiness, scoping) instead of JavaScript operators. Installed once on the
 * nunjucks module that render.ts loads.
 */
import * as members from './members.js';
import * as ops from './operators.js';
import { pythonNumber } from './json.js';
import { Missing, PyDict, TemplateValueError, tuple, makeFloat, ownEntry, str, truthy, typeName } from './values.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- nunjucks' parser and compiler are untyped */
type Any = any;

function lookupName(context: Any, frame: Any, name: string): unknown {
  const fromFrame = frame.lookup(name);
  if (fromFrame !== undefined) return fromFrame;
  const fromContext = context.lookup(name);
  if (fromContext !== undefined) return fromContext;
  switch (name) {
    case 'True':
    case 'true':
      return true;
    case 'False':
    case 'false':
      return false;
    case 'None':
    case 'none':
      return null;
    default:
      return new Missing(name);
  }
}

/** What a for loop walks; a plain object (paw-tui's own scaffold data) as [key, value] pairs. */
function iterate(v: unknown): unknown[] {
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.entries(v);
  return members.toList(v);
}

/**
 * What `{% for a, b in … %}` walks: each item unpacked as Python unpacks it (a string into its
 * characters, a dict into its keys), exactly as many values as names, else jinja2's ValueError.
 */
function iterateUnpacking(v: unknown, names: number): unknown[][] {
  return iterate(v).map((item) => {
    let values: unknown[];
    try {
      values = members.toList(item);
    } catch (e) {
      if (!(e instanceof TemplateValueError)) throw e;
      throw new TemplateValueError(`cannot unpack non-iterable ${typeName(item)} object`);
    }
    if (values.length > names) throw new TemplateValueError(`too many values to unpack (expected ${names})`);
    if (values.length < names) throw new TemplateValueError(`not enough values to unpack (expected ${names}, got ${values.length})`);
    return values;
  });
}

function call(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (fn instanceof Missing) throw new TemplateValueError(`${fn.name} is undefined`);
  if (typeof fn !== 'function') throw new TemplateValueError(`${name} is not callable`);
  return fn.apply(context, args);
}

/** The helpers compiled templates call, as `runtime.py.<name>`. */
export const pyRuntime = {
  lookup: lookupName,
  getattr: members.getattr,
  getitem: members.getitem,
  slice: members.slice,
  setattr: members.setattr,
  contains: members.contains,
  iterate,
  iterateUnpacking,
  call,
  out: (v: unknown) => str(v),
  truthy,
  or: (a: unknown, b: () => unknown) => (truthy(a) ? a : b()),
  and: (a: unknown, b: () => unknown) => (truthy(a) ? b() : a),
  float: (n: number) => makeFloat(n),
  bigint: (text: string) => pythonNumber(text),
  tuple,
  dict: (entries: [unknown, unknown][]) => new PyDict(entries),
  cycle: (i: number) => (...items: unknown[]) => {
    if (items.length === 0) throw new TemplateValueError('no items for cycling given');
    return items[i % items.length];
  },
  ...ops,
};

let installed = false;

/** Patches nunjucks' Parser and Compiler prototypes (once) and exposes `runtime.py`. */
export function installJinjaSemantics(nunjucks: Any): void {
  if (installed) return;
  installed = true;
  const { nodes, lexer } = nunjucks;
  const Parser = nunjucks.parser.Parser;
  const Compiler = nunjucks.compiler.Compiler;
  installNumberLiterals(lexer);
  installPythonStrings(lexer);
  // Installed before nunjucks' jinja compatibility, which wraps it to read slices.
  Parser.prototype.parseAggregate = parseAggregate(nodes, lexer);
  nunjucks.installJinjaCompat();
  nunjucks.runtime.py = pyRuntime;

  const PyWrap = nodes.Node.extend('PyWrap', { fields: ['fn', 'expr'] });
  const With = nodes.Node.extend('With', { fields: ['names', 'values', 'body'] });
  nunjucks.jinjaNodes = { With };

  // --- parser -------------------------------------------------------------------------------
  const parsePrimary = Parser.prototype.parsePrimary;
  Parser.prototype.parsePrimary = function (this: Any, noPostfix?: boolean) {
    const tok = this.peekToken();
    // `null` is a name in jinja2 (undefined unless given), not nunjucks' none.
    if (tok && tok.type === lexer.TOKEN_NONE && tok.value === 'null') {
      this.nextToken();
      const node = new nodes.Symbol(tok.lineno, tok.colno, tok.value);
      return noPostfix ? node : this.parsePostfix(node);
    }
    if (tok && (tok.type === lexer.TOKEN_FLOAT || tok.type === lexer.TOKEN_INT)) {
      const node = parsePrimary.call(this, true);
      if (tok.type === lexer.TOKEN_FLOAT) node.pyFloat = true;
      else if (!Number.isSafeInteger(node.value)) node.bigText = tok.value;
      return noPostfix ? node : this.parsePostfix(node);
    }
    return parsePrimary.call(this, noPostfix);
  };

  // `{% raw %}` ends at the first `{% endraw %}`, and `{%- raw -%}` trims as jinja2 does.
  Parser.prototype.parseRaw = function (this: Any, tagName?: string) {
    const name = tagName ?? 'raw';
    const begun = this.advanceAfterBlockEnd();
    const end = this.tokens._extractRegex(new RegExp(`([\\s\\S]*?)\\{%(-?)\\s*end${name}\\s*(-?)%\\}`));
    if (!end) this.fail(`unexpected end of template: {% ${name} %} has no {% end${name} %}`, begun.lineno, begun.colno);
    let text: string = end[1];
    if (this.dropLeadingWhitespace) text = text.replace(/^\s*/, '');
    if (end[2] === '-') text = text.replace(/\s*$/, '');
    this.dropLeadingWhitespace = end[3] === '-';
    return new nodes.Output(begun.lineno, begun.colno, [new nodes.TemplateData(begun.lineno, begun.colno, text)]);
  };

  // `a.b` reads an attribute first, `a['b']` an item first: jinja2 tells them apart.
  Parser.prototype.parsePostfix = function (this: Any, start: Any) {
    let node = start;
    for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        const index = this.parseAggregate();
        if (index.children.length > 1) this.fail('invalid index');
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, index.children[0]);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        if (name.type !== lexer.TOKEN_SYMBOL) this.fail(`expected name as lookup value, got ${name.value}`, name.lineno, name.colno);
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(name.lineno, name.colno, name.value));
        node.dot = true;
      } else break;
    }
    return node;
  };

  // Tests bind as filters do (`1 + 2 is odd` is `1 + (2 is odd)`), and take one bare argument.
  const parseUnary = Parser.prototype.parseUnary;
  Parser.prototype.parseUnary = function (this: Any, noFilters?: boolean) {
    let node = parseUnary.call(this, noFilters);
    if (noFilters) return node;
    while (this.skipSymbol('is')) {
      node = parseTest(this, node, nodes, lexer);
      node = this.parseFilter(node);
    }
    return node;
  };

  // --- compiler -----------------------------------------------------------------------------
  const C = Compiler.prototype;
  const assertType = C.assertType;
  C.assertType = function (this: Any, node: Any, ...types: Any[]) {
    if (node instanceof PyWrap) return;
    assertType.call(this, node, ...types);
  };
  const wrap = (fn: string, expr: Any) => new PyWrap(expr.lineno, expr.colno, fn, expr);
  C.compilePyWrap = function (this: Any, node: Any, frame: Any) {
    this._emit(`runtime.py.${node.fn}(`);
    this.compile(node.expr, frame);
    this._emit(node.count === undefined ? ')' : `, ${Number(node.count)})`);
  };
  const where = (self: Any, node: Any) => self._emit(`lineno = ${node.lineno + 1}, colno = ${node.colno + 1}, `);

  const compileLiteral = C.compileLiteral;
  C.compileLiteral = function (this: Any, node: Any, frame: Any) {
    if (node.pyFloat) this._emit(`runtime.py.float(${node.value})`);
    else if (node.pyUndefined) this._emit('undefined');
    else if (node.bigText) this._emit(`runtime.py.bigint(${JSON.stringify(node.bigText)})`);
    else compileLiteral.call(this, node, frame);
  };
  C.compileSymbol = function (this: Any, node: Any, frame: Any) {
    const id = frame.lookup(node.value);
    this._emit(id ? id : `runtime.py.lookup(context, frame, ${JSON.stringify(node.value)})`);
  };
  C.compileLookupVal = function (this: Any, node: Any, frame: Any) {
    const slice = node.val.typename === 'Slice';
    this._emit(`runtime.py.${slice ? 'slice' : node.dot ? 'getattr' : 'getitem'}((`);
    this._compileExpression(node.target, frame);
    this._emit('),');
    this._compileExpression(node.val, frame);
    if (!slice) this._emit(`, ${JSON.stringify(dotted(node.target))}`);
    this._emit(')');
  };
  C.compileFunCall = function (this: Any, node: Any, frame: Any) {
    this._emit('(');
    where(this, node);
    this._emit('runtime.py.call(');
    this._compileExpression(node.name, frame);
    this._emit(`, ${JSON.stringify(this._getNodeName(node.name))}, context, `);
    this._compileAggregate(node.args, frame, '[', '])');
    this._emit(')');
  };
  C.compileOutput = function (this: Any, node: Any, frame: Any) {
    for (const child of node.children) {
      if (child instanceof nodes.TemplateData) {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          compileLiteral.call(this, child, frame);
          this._emitLine(';');
        }
        continue;
      }
      this._emit(`${this.buffer} += (`);
      where(this, child);
      this._emit('runtime.py.out(');
      this.compile(child, frame);
      this._emitLine('));');
    }
  };
  C.compileGroup = function (this: Any, node: Any, frame: Any) {
    if (node.tuple || node.children.length > 1) this._compileAggregate(node, frame, 'runtime.py.tuple(', ')');
    else this._compileAggregate(node, frame, '(', ')');
  };
  const compileDict = C.compileDict;
  C.compileDict = function (this: Any, node: Any, frame: Any) {
    if (node instanceof nodes.KeywordArgs) return compileDict.call(this, node, frame);
    this._emit('runtime.py.dict([');
    node.children.forEach((pair: Any, i: number) => {
      if (i > 0) this._emit(',');
      this._emit('[');
      // `{k: 1}` uses the value of k, as in Python (nunjucks reads it as the string 'k').
      this._compileExpression(pair.key, frame);
      this._emit(',');
      this._compileExpression(pair.value, frame);
      this._emit(']');
    });
    this._emit('])');
  };

  const binary = (name: string) =>
    function (this: Any, node: Any, frame: Any) {
      this._emit(`runtime.py.${name}(`);
      this.compile(node.left, frame);
      this._emit(',');
      this.compile(node.right, frame);
      this._emit(')');
    };
  C.compileAdd = binary('add');
  C.compileSub = binary('sub');
  C.compileMul = binary('mul');
  C.compileDiv = binary('div');
  C.compileFloorDiv = binary('floorDiv');
  C.compileMod = binary('mod');
  C.compilePow = binary('pow');
  C.compileConcat = binary('concat');
  C.compileIn = function (this: Any, node: Any, frame: Any) {
    this._emit('runtime.py.contains(');
    this.compile(node.right, frame);
    this._emit(',');
    this.compile(node.left, frame);
    this._emit(')');
  };
  const lazy = (name: string) =>
    function (this: Any, node: Any, frame: Any) {
      this._emit(`runtime.py.${name}(`);
      this.compile(node.left, frame);
      this._emit(', function() { return ');
      this.compile(node.right, frame);
      this._emit('; })');
    };
  C.compileOr = lazy('or');
  C.compileAnd = lazy('and');
  C.compileNot = function (this: Any, node: Any, frame: Any) {
    this._emit('!runtime.py.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  C.compileNeg = function (this: Any, node: Any, frame: Any) {
    this._emit('runtime.py.neg(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  C.compilePos = function (this: Any, node: Any, frame: Any) {
    this._emit('runtime.py.pos(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  C.compileCompare = function (this: Any, node: Any, frame: Any) {
    this._emit('runtime.py.compareChain(');
    this.compile(node.expr, frame);
    for (const op of node.ops) {
      this._emit(`, ${JSON.stringify(op.type)}, `);
      this.compile(op.expr, frame);
    }
    this._emit(')');
  };
  const compileIf = C.compileIf;
  C.compileIf = function (this: Any, node: Any, frame: Any, async: boolean) {
    if (!(node.cond instanceof PyWrap)) node.cond = wrap('truthy', node.cond);
    this._emitLine(`lineno = ${node.lineno + 1}; colno = ${node.colno + 1};`);
    compileIf.call(this, node, frame, async);
  };
  const compileInlineIf = C.compileInlineIf;
  C.compileInlineIf = function (this: Any, node: Any, frame: Any) {
    if (!(node.cond instanceof PyWrap)) node.cond = wrap('truthy', node.cond);
    if (node.else_ === null) {
      node.else_ = new nodes.Literal(node.lineno, node.colno, null);
      node.else_.pyUndefined = true;
    }
    compileInlineIf.call(this, node, frame);
  };

  const compileFor = C.compileFor;
  C.compileFor = function (this: Any, node: Any, frame: Any) {
    if (!(node.arr instanceof PyWrap)) {
      const unpacking = node.name instanceof nodes.Array;
      node.arr = wrap(unpacking ? 'iterateUnpacking' : 'iterate', node.arr);
      if (unpacking) node.arr.count = node.name.children.length;
    }
    this._emitLine(`lineno = ${node.lineno + 1}; colno = ${node.colno + 1};`);
    compileFor.call(this, node, frame);
  };
  const emitLoopBindings = C._emitLoopBindings;
  C._emitLoopBindings = function (this: Any, node: Any, arr: string, i: string, len: string) {
    emitLoopBindings.call(this, node, arr, i, len);
    this._emitLine(`frame.set("loop.cycle", runtime.py.cycle(${i}));`);
    this._emitLine(`frame.set("loop.previtem", ${i} > 0 ? ${arr}[${i} - 1] : undefined);`);
    this._emitLine(`frame.set("loop.nextitem", ${i} < ${len} - 1 ? ${arr}[${i} + 1] : undefined);`);
  };

  // `{% set %}` inside a for loop or a with block stays there, as in jinja2.
  const compileSet = C.compileSet;
  C.compileSet = function (this: Any, node: Any, frame: Any) {
    this._emitLine(`lineno = ${node.lineno + 1}; colno = ${node.colno + 1};`);
    const target = node.targets[0];
    if (node.targets.length === 1 && target instanceof nodes.LookupVal && target.dot) {
      this._emit('runtime.py.setattr(');
      this._compileExpression(target.target, frame);
      this._emit(`, ${JSON.stringify(target.val.value)}, `);
      if (node.value) this._compileExpression(node.value, frame);
      else this.compile(node.body, frame);
      this._emitLine(');');
      return;
    }
    if (!frame.parent) return compileSet.call(this, node, frame);
    const ids = node.targets.map((t: Any) => {
      const own = frame.get(t.value);
      if (own) return own;
      const id = this._tmpid();
      this._emitLine(`var ${id};`);
      frame.set(t.value, id);
      return id;
    });
    this._emit(`${ids.join(' = ')} = `);
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(';');
    node.targets.forEach((t: Any, i: number) => this._emitLine(`frame.set(${JSON.stringify(t.value)}, ${ids[i]});`));
  };

  C.compileWith = function (this: Any, node: Any, frame: Any) {
    const inner = frame.push();
    const ids = node.names.map((_n: string, i: number) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this._compileExpression(node.values[i], frame);
      this._emitLine(';');
      return id;
    });
    this._emitLine('frame = frame.push();');
    node.names.forEach((n: string, i: number) => {
      this._emitLine(`frame.set(${JSON.stringify(n)}, ${ids[i]});`);
      inner.set(n, ids[i]);
    });
    this.compile(node.body, inner);
    this._emitLine('frame = frame.pop();');
  };
}

/** jinja2's number literals: `1e16`, `1.5e-3`, `1_000`, `0x1f`, `0o17`, `0b101`. */
const FLOAT_LITERAL = /^(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/;
const INT_LITERAL = /^(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)/;

/** The tokenizer reads numbers as jinja2's lexer does; everything else is nunjucks' own. */
function installNumberLiterals(lexer: Any): void {
  const Tokenizer = Object.getPrototypeOf(lexer.lex(''));
  const nextToken = Tokenizer.nextToken;
  Tokenizer.nextToken = function (this: Any) {
    if (!this.in_code || !/[0-9]/.test(this.current()) || this.previous() === '.') return nextToken.call(this);
    const { lineno, colno } = this;
    const rest = this.str.slice(this.index, this.index + 400);
    const float = FLOAT_LITERAL.exec(rest);
    if (float) {
      this.forwardN(float[0].length);
      return { type: lexer.TOKEN_FLOAT, value: float[0].replace(/_/g, ''), lineno, colno };
    }
    const int = INT_LITERAL.exec(rest);
    if (!int) return nextToken.call(this);
    this.forwardN(int[0].length);
    const text = int[0].replace(/_/g, '');
    const value = /^0[box]/i.test(text) ? BigInt(text.toLowerCase()).toString() : text.replace(/^0+(?=\d)/, '');
    return { type: lexer.TOKEN_INT, value, lineno, colno };
  };
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/** A string literal's body as Python reads it (jinja2 decodes with `unicode-escape`). */
export function pythonUnescape(body: string): string {
  return body.replace(/\\([0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[\s\S]?)/g, (all, esc: string) => {
    const simple = ownEntry(SIMPLE_ESCAPES, esc);
    if (simple !== undefined) return simple;
    if (/^[0-7]/.test(esc)) return String.fromCodePoint(Number.parseInt(esc, 8));
    if (/^[xuU][0-9a-fA-F]/.test(esc)) return String.fromCodePoint(Number.parseInt(esc.slice(1), 16));
    if (/^[xuUN]$/.test(esc)) throw new TemplateValueError(`a string has a truncated or unsupported \\${esc} escape`);
    // Python keeps the backslash of an escape it does not know (`"\d"` is two characters).
    return all;
  });
}

/** Strings are read as jinja2 reads them: `\x41`, `\u00e9`, `\d` as Python has them. */
function installPythonStrings(lexer: Any): void {
  const Tokenizer = Object.getPrototypeOf(lexer.lex(''));
  Tokenizer._parseString = function (this: Any, delimiter: string) {
    this.forward();
    let body = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      if (this.current() === '\\') {
        body += this.current();
        this.forward();
      }
      body += this.current();
      this.forward();
    }
    this.forward();
    return pythonUnescape(body);
  };
}

/** nunjucks' aggregate reader with jinja2's rules: a trailing comma, `()` and `(1,)` as tuples, matching brackets. */
function parseAggregate(nodes: Any, lexer: Any) {
  const closing: Record<string, string> = { [lexer.TOKEN_LEFT_PAREN]: lexer.TOKEN_RIGHT_PAREN, [lexer.TOKEN_LEFT_BRACKET]: lexer.TOKEN_RIGHT_BRACKET, [lexer.TOKEN_LEFT_CURLY]: lexer.TOKEN_RIGHT_CURLY };
  const closers = new Set(Object.values(closing));
  return function (this: Any) {
    const tok = this.nextToken();
    let node: Any;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.Group(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_BRACKET) node = new nodes.Array(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_CURLY) node = new nodes.Dict(tok.lineno, tok.colno);
    else return null;
    let trailingComma = false;
    for (;;) {
      const next = this.peekToken();
      if (next && closers.has(next.type)) {
        if (next.type !== closing[tok.type]) this.fail(`unexpected '${next.value}'`, next.lineno, next.colno);
        this.nextToken();
        break;
      }
      if (node.children.length > 0 && !trailingComma) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
        trailingComma = true;
        continue;
      }
      trailingComma = false;
      if (node instanceof nodes.Dict) {
        const key = this.parsePrimary();
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('parseAggregate: expected colon after dict key', tok.lineno, tok.colno);
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
      } else node.addChild(this.parseExpression());
    }
    if (node instanceof nodes.Group && (trailingComma || node.children.length === 0)) node.tuple = true;
    return node;
  };
}

/** After `is`: `[not] name`, then `(args)`, or one bare argument as jinja2's parse_test reads it. */
function parseTest(parser: Any, left: Any, nodes: Any, lexer: Any): Any {
  const negated = parser.skipSymbol('not');
  const nameTok = parser.nextToken();
  const named = nameTok && [lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(nameTok.type);
  if (!named) parser.fail(`expected a test name after 'is'`, nameTok?.lineno, nameTok?.colno);
  const name = new nodes.Symbol(nameTok.lineno, nameTok.colno, String(nameTok.value));
  const next = parser.peekToken();
  let test: Any = name;
  if (next?.type === lexer.TOKEN_LEFT_PAREN) {
    test = new nodes.FunCall(next.lineno, next.colno, name, parser.parseSignature());
  } else if (next && BARE_ARGUMENT.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && ['else', 'or', 'and'].includes(next.value))) {
    if (next.type === lexer.TOKEN_SYMBOL && next.value === 'is') parser.fail('You cannot chain multiple tests with is', next.lineno, next.colno);
    test = new nodes.FunCall(next.lineno, next.colno, name, new nodes.NodeList(next.lineno, next.colno, [parser.parsePrimary()]));
  }
  const node = new nodes.Is(left.lineno, left.colno, left, test);
  return negated ? new nodes.Not(left.lineno, left.colno, node) : node;
}

const BARE_ARGUMENT = new Set(['symbol', 'string', 'int', 'float', 'boolean', 'none', 'left-bracket', 'left-curly']);

/** `builder.step_param.x` as written, for messages. */
function dotted(node: Any): string {
  if (node.typename === 'Symbol') return node.value;
  if (node.typename === 'LookupVal' && node.val.typename === 'Literal') {
    return node.dot ? `${dotted(node.target)}.${node.val.value}` : `${dotted(node.target)}[${JSON.stringify(node.val.value)}]`;
  }
  return 'the value';
}

/** `{% with a = 1, b = 2 %}…{% endwith %}` (jinja2's with statement). */
export function withExtension(nunjucks: Any): Any {
  return {
    tags: ['with'],
    parse(parser: Any, nodes: Any, lexer: Any) {
      const tok = parser.nextToken();
      const names: string[] = [];
      const values: Any[] = [];
      while (!parser.skip(lexer.TOKEN_BLOCK_END)) {
        const name = parser.nextToken();
        if (name.type !== lexer.TOKEN_SYMBOL) parser.fail('with: expected a name', name.lineno, name.colno);
        if (!parser.skipValue(lexer.TOKEN_OPERATOR, '=')) parser.fail('with: expected =', name.lineno, name.colno);
        names.push(name.value);
        values.push(parser.parseExpression());
        parser.skip(lexer.TOKEN_COMMA);
      }
      const body = parser.parseUntilBlocks('endwith');
      parser.advanceAfterBlockEnd();
      void nodes;
      return new nunjucks.jinjaNodes.With(tok.lineno, tok.colno, names, values, body);
    },
  };
}
