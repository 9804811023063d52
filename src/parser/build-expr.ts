import type { CstNode, IToken } from 'chevrotain';
import { EddyError, closest, internalError, spanCover, type Span } from '../common/errors.js';
import type { BinaryOp, Expr, OrderItem, OverFrame, OverSpec } from './ast.js';
import { child, identOf, nodeSpan, nodesOf, optNode, optToken, stringValue, token, tokensOf } from './cst-access.js';
import { buildDataType } from './data-type.js';
import { INTERVAL_UNITS } from './grammar.js';
import type { SourceText } from './source-text.js';
import { canonical } from '../common/exact.js';
import { buildQuery } from './build-statement.js';
import { EXTRACT_UNITS, FLOOR_UNITS, UNIT_FIRST_FUNCTIONS } from './time-units.js';

/** Builds an Expr from an `expr` CST node; precedence is already encoded in the rule nesting. */
export function buildExpr(src: SourceText, node: CstNode): Expr {
  return foldBinary(src, node, 'OR', buildAnd, () => 'OR');
}

function buildAnd(src: SourceText, node: CstNode): Expr {
  return foldBinary(src, node, 'AND', buildNot, () => 'AND');
}

/** Left-folds `operand (op operand)*`; the operator tokens share one CST key so their order is kept. */
function foldBinary(
  src: SourceText,
  node: CstNode,
  opKey: string,
  operand: (src: SourceText, n: CstNode) => Expr,
  opOf: (tok: IToken) => BinaryOp,
): Expr {
  const operands = nodesOf(node, 'operand');
  const ops = tokensOf(node, opKey);
  let left = operand(src, operands[0]!);
  for (let i = 0; i < ops.length; i++) {
    const right = operand(src, operands[i + 1]!);
    left = { kind: 'binary', op: opOf(ops[i]!), left, right, span: spanCover(left.span, right.span) };
  }
  return left;
}

function buildNot(src: SourceText, node: CstNode): Expr {
  const nots = tokensOf(node, 'NOT');
  let e = buildComparison(src, child(node, 'comparison'));
  for (let i = nots.length - 1; i >= 0; i--) {
    e = { kind: 'unary', op: 'NOT', operand: e, span: spanCover(src.tokenSpan(nots[i]!), e.span) };
  }
  return e;
}

function buildComparison(src: SourceText, node: CstNode): Expr {
  let left = buildAdditive(src, child(node, 'additive'));
  for (const pred of nodesOf(node, 'predicate')) left = buildPredicate(src, left, pred);
  return left;
}

function buildPredicate(src: SourceText, left: Expr, node: CstNode): Expr {
  const span = spanCover(left.span, nodeSpan(src, node));
  const compOp = optToken(node, 'CompOp');
  if (compOp) {
    const right = buildAdditive(src, child(node, 'right'));
    return { kind: 'binary', op: comparisonOp(compOp.image), left, right, span };
  }
  const negated = tokensOf(node, 'NOT').length > 0;
  if (optToken(node, 'IS')) return { kind: 'isNull', operand: left, negated, span };
  if (optToken(node, 'BETWEEN')) {
    const low = buildAdditive(src, child(node, 'low'));
    const high = buildAdditive(src, child(node, 'high'));
    return { kind: 'between', operand: left, low, high, negated, span };
  }
  const inQuery = optNode(node, 'inQuery');
  if (inQuery) return { kind: 'inQuery', operand: left, query: buildQuery(src, inQuery), negated, span };
  if (optToken(node, 'IN')) {
    const list = nodesOf(node, 'list').map((n) => buildExpr(src, n));
    return { kind: 'in', operand: left, list, negated, span };
  }
  if (optToken(node, 'LIKE')) {
    const pattern = buildAdditive(src, child(node, 'pattern'));
    const esc = optToken(node, 'escape');
    if (!esc) return { kind: 'like', operand: left, pattern, negated, span };
    // The AST has no escape field: `s LIKE p ESCAPE e` is the call LIKE(s, p, e), bound and run as a function.
    const escape: Expr = { kind: 'literal', value: stringValue(esc), isInteger: false, span: src.tokenSpan(esc) };
    const like: Expr = { kind: 'call', name: 'LIKE', nameSpan: src.tokenSpan(token(node, 'LIKE')), args: [left, pattern, escape], star: false, distinct: false, span };
    return negated ? { kind: 'unary', op: 'NOT', operand: like, span } : like;
  }
  throw internalError('predicate without operator');
}

function comparisonOp(image: string): BinaryOp {
  switch (image) {
    case '=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '<>':
      return image;
    case '!=':
      return '<>';
    default:
      throw internalError(`comparison operator ${image}`);
  }
}

export function buildAdditive(src: SourceText, node: CstNode): Expr {
  return foldBinary(src, node, 'AddOp', buildMultiplicative, (t) => t.image as BinaryOp);
}

function buildMultiplicative(src: SourceText, node: CstNode): Expr {
  return foldBinary(src, node, 'MulOp', buildUnary, (t) => t.image as BinaryOp);
}

function buildUnary(src: SourceText, node: CstNode): Expr {
  const signs = tokensOf(node, 'sign');
  let e = buildPrimary(src, child(node, 'primary'));
  for (const s of nodesOf(node, 'subscript')) e = buildSubscript(src, e, s);
  for (let i = signs.length - 1; i >= 0; i--) {
    const op = signs[i]!.image === '-' ? '-' : '+';
    e = { kind: 'unary', op, operand: e, span: spanCover(src.tokenSpan(signs[i]!), e.span) };
  }
  return e;
}

function buildPrimary(src: SourceText, node: CstNode): Expr {
  const span = nodeSpan(src, node);
  const num = optToken(node, 'NumberLiteral');
  if (num) {
    const isInteger = /^\d+$/.test(num.image);
    // Integers beyond 2^53 stay exact (BIGINT, or DECIMAL(n, 0) beyond 64 bits).
    const value = isInteger && num.image.length > 15 ? canonical(BigInt(num.image)) : Number(num.image);
    return { kind: 'literal', value, isInteger, span };
  }
  const str = optToken(node, 'StringLiteral');
  if (str) return { kind: 'literal', value: stringValue(str), isInteger: false, span };
  if (optToken(node, 'TRUE')) return { kind: 'literal', value: true, isInteger: false, span };
  if (optToken(node, 'FALSE')) return { kind: 'literal', value: false, isInteger: false, span };
  if (optToken(node, 'NULL')) return { kind: 'literal', value: null, isInteger: false, span };
  const interval = optNode(node, 'intervalLit');
  if (interval) return buildInterval(src, interval);
  const tsText = optToken(node, 'timestampText');
  if (tsText) return buildTimestampLiteral(src, token(node, 'TIMESTAMP'), tsText, span);
  const cast = optNode(node, 'castExpr');
  if (cast) {
    const { type } = buildDataType(src, child(cast, 'dataType'));
    return { kind: 'cast', operand: buildExpr(src, child(cast, 'expr')), type, span };
  }
  const exists = optNode(node, 'exists');
  if (exists) return { kind: 'exists', query: buildQuery(src, exists), span };
  const scalar = optNode(node, 'scalarQuery');
  if (scalar) return { kind: 'scalarQuery', query: buildQuery(src, scalar), span };
  const ctor = optNode(node, 'constructorExpr');
  if (ctor) return buildConstructor(src, ctor);
  const caseNode = optNode(node, 'caseExpr');
  if (caseNode) return buildCase(src, caseNode);
  const inner = optNode(node, 'expr');
  // The parentheses belong to the node's span, so a caret under it covers what the user wrote.
  if (inner) return { ...buildExpr(src, inner), span };
  return buildNameExpr(src, child(node, 'nameExpr'));
}

/**
 * `base[index]` is Calcite's ITEM(base, index) and `.field` after it FIELD(value, 'field'): calls, so
 * every walk over expressions treats them as functions (the planner types them, functions.ts runs them).
 */
function buildSubscript(src: SourceText, base: Expr, node: CstNode): Expr {
  const index = buildExpr(src, child(node, 'index'));
  const bracket = token(node, 'LBracket');
  const call = (name: string, args: Expr[], at: Span, nameSpan: Span): Expr => ({ kind: 'call', name, nameSpan, args, star: false, distinct: false, span: at });
  const end = src.tokenSpan(token(node, 'RBracket'));
  let e = call('ITEM', [base, index], spanCover(base.span, end), src.tokenSpan(bracket));
  for (const f of tokensOf(node, 'field')) {
    const name = identOf(src, f);
    e = call('FIELD', [e, { kind: 'literal', value: name.name, isInteger: false, span: name.span }], spanCover(e.span, name.span), name.span);
  }
  return e;
}

/** ARRAY[...] / MAP[...] as the calls ARRAY(...) / MAP(...), typed and checked by the planner. */
function buildConstructor(src: SourceText, node: CstNode): Expr {
  const word = token(node, 'ctor');
  return {
    kind: 'call',
    name: word.image.toUpperCase(),
    nameSpan: src.tokenSpan(word),
    args: nodesOf(node, 'item').map((i) => buildExpr(src, i)),
    star: false,
    distinct: false,
    span: nodeSpan(src, node),
  };
}

function buildCase(src: SourceText, node: CstNode): Expr {
  const operandNode = optNode(node, 'operand');
  const elseNode = optNode(node, 'else');
  const thens = nodesOf(node, 'then');
  const whens = nodesOf(node, 'when').map((w, i) => ({ when: buildExpr(src, w), then: buildExpr(src, thens[i]!) }));
  return {
    kind: 'case',
    ...(operandNode ? { operand: buildExpr(src, operandNode) } : {}),
    whens,
    ...(elseNode ? { else: buildExpr(src, elseNode) } : {}),
    span: nodeSpan(src, node),
  };
}

function buildNameExpr(src: SourceText, node: CstNode): Expr {
  const first = token(node, 'first');
  const second = optToken(node, 'second');
  if (second) {
    return { kind: 'column', qualifier: identOf(src, first), name: identOf(src, second), span: nodeSpan(src, node) };
  }
  if (!optToken(node, 'LParen')) return { kind: 'column', name: identOf(src, first), span: src.tokenSpan(first) };
  const filter = optNode(node, 'filter');
  const overNode = optNode(node, 'overClause');
  const argsNode = optNode(node, 'callArgs');
  const name = identOf(src, first).name.toUpperCase();
  const span = nodeSpan(src, node);
  const args = argsNode ? buildCallArgs(src, name, argsNode, span) : [];
  return {
    kind: 'call',
    name: argsNode ? callName(src, name, argsNode) : name,
    nameSpan: src.tokenSpan(first),
    args,
    star: optToken(node, 'Star') !== undefined,
    distinct: argsNode !== undefined && optToken(argsNode, 'DISTINCT') !== undefined,
    ...(filter ? { filter: buildExpr(src, filter) } : {}),
    ...(overNode ? { over: buildOver(src, overNode) } : {}),
    span,
  };
}

function buildOver(src: SourceText, node: CstNode): OverSpec {
  const orderBy = nodesOf(node, 'orderBy').map((o): OrderItem => ({
    expr: buildExpr(src, child(o, 'expr')),
    desc: optToken(o, 'direction')?.image.toUpperCase() === 'DESC',
    span: nodeSpan(src, o),
  }));
  const unitTok = optToken(node, 'frameUnit');
  let frame: OverFrame | undefined;
  if (unitTok) {
    const unit = unitTok.image.toUpperCase() as 'ROWS' | 'RANGE';
    const between = optToken(node, 'between') !== undefined;
    if (between && !optToken(node, 'current')) throw new EddyError('SYNTAX', 'expected AND CURRENT ROW', src.tokenSpan(token(node, 'preceding')), 'write ROWS BETWEEN 10 PRECEDING AND CURRENT ROW');
    const words: [string, string][] = [
      ['preceding', 'PRECEDING'],
      ...(between
        ? ([
            ['current', 'CURRENT'],
            ['currentRow', 'ROW'],
          ] as [string, string][])
        : []),
    ];
    for (const [label, word] of words) {
      const t = token(node, label);
      if (t.image.toUpperCase() !== word) throw new EddyError('SYNTAX', `expected ${word}, got '${t.image}'`, src.tokenSpan(t), 'write ROWS BETWEEN 10 PRECEDING AND CURRENT ROW');
    }
    const rows = optToken(node, 'rows');
    const range = optNode(node, 'range');
    let preceding: number | undefined;
    if (rows) preceding = Number(rows.image);
    else if (range) {
      const iv = buildInterval(src, range);
      if (iv.kind !== 'interval') throw new EddyError('SYNTAX', 'expected an interval', iv.span, "write INTERVAL '1' HOUR PRECEDING");
      preceding = iv.ms;
    }
    if ((unit === 'ROWS') !== (range === undefined) && preceding !== undefined) {
      throw new EddyError('SYNTAX', unit === 'ROWS' ? 'ROWS takes a row count' : 'RANGE takes an interval', src.tokenSpan(unitTok), unit === 'ROWS' ? 'write ROWS BETWEEN 10 PRECEDING AND CURRENT ROW' : "write RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW");
    }
    frame = { unit, ...(preceding !== undefined ? { preceding } : {}), span: src.tokenSpan(unitTok) };
  }
  return { partitionBy: nodesOf(node, 'partitionBy').map((e) => buildExpr(src, e)), orderBy, ...(frame ? { frame } : {}), span: nodeSpan(src, node) };
}

/** TRIM(LEADING ... FROM s) is LTRIM(s, chars) and TRAILING is RTRIM, Flink's own two-argument forms. */
function callName(src: SourceText, name: string, node: CstNode): string {
  const spec = optToken(node, 'trimSpec')?.image.toUpperCase();
  return spec === 'LEADING' ? 'LTRIM' : spec === 'TRAILING' ? 'RTRIM' : name;
}

const KEYWORD_FORMS: Readonly<Record<string, string>> = {
  TRIM: 'TRIM([BOTH|LEADING|TRAILING] [characters] FROM string)',
  SUBSTRING: 'SUBSTRING(string FROM start [FOR length]) or SUBSTRING(string, start[, length])',
  EXTRACT: 'EXTRACT(unit FROM timestamp), e.g. EXTRACT(HOUR FROM ts)',
  POSITION: 'POSITION(needle IN string)',
  FLOOR: 'FLOOR(number) or FLOOR(timestamp TO unit), e.g. FLOOR(ts TO HOUR)',
  CEIL: 'CEIL(number) or CEIL(timestamp TO unit), e.g. CEIL(ts TO HOUR)',
  CEILING: 'CEILING(number) or CEILING(timestamp TO unit)',
};

/** A word naming a time unit (EXTRACT's `YEAR`, TIMESTAMPADD's `DAY`), parsed as a column; checked against `units`. */
function unitLiteral(e: Expr, units: readonly string[], fn: string, usage: string): Expr {
  if (e.kind !== 'column' || e.qualifier || e.name.quoted) {
    throw new EddyError('SYNTAX', `${fn} needs a time unit here`, e.span, `write ${usage}; units: ${units.join(', ')}`);
  }
  const unit = e.name.name.toUpperCase();
  if (!units.includes(unit)) {
    const guess = closest(unit, units);
    throw new EddyError('SYNTAX', `unknown time unit '${e.name.name}' in ${fn}`, e.span, guess ? `did you mean ${guess}?` : `units: ${units.join(', ')}`);
  }
  return { kind: 'literal', value: unit, isInteger: false, span: e.span };
}

/**
 * The arguments of a call in positional order. The keyword forms become ordinary argument lists:
 * TRIM(c FROM s) → (s, c), SUBSTRING(s FROM a FOR b) → (s, a, b), EXTRACT(u FROM t) → ('U', t),
 * POSITION(a IN b) → (a, b), FLOOR(t TO u) → (t, 'U').
 */
function buildCallArgs(src: SourceText, name: string, node: CstNode, callSpan: Span): Expr[] {
  const args = nodesOf(node, 'arg').map((a) => buildExpr(src, a));
  const from = nodesOf(node, 'fromArg').map((a) => buildExpr(src, a));
  const forArgs = nodesOf(node, 'forArg').map((a) => buildExpr(src, a));
  const inArgs = nodesOf(node, 'inArg').map((a) => buildExpr(src, a));
  const toUnit = tokensOf(node, 'toUnit');
  const commas = tokensOf(node, 'Comma');
  const spec = optToken(node, 'trimSpec');
  const form = KEYWORD_FORMS[name];
  const misplaced = (tok: IToken | undefined, what: string): EddyError =>
    new EddyError(
      'SYNTAX',
      form ? `unexpected ${what} in ${name}(...)` : `${what} is not allowed in ${name}(...)`,
      tok ? src.tokenSpan(tok) : callSpan,
      form ? `write ${form}` : 'separate function arguments with commas',
    );
  const keywordForm = from.length + forArgs.length + inArgs.length + toUnit.length > 0 || spec !== undefined;
  if (!keywordForm) {
    const unitFirst = UNIT_FIRST_FUNCTIONS.get(name);
    if (unitFirst && args.length > 0) return [unitLiteral(args[0]!, unitFirst, name, `${name}(DAY, ...)`), ...args.slice(1)];
    // POSITION('a' IN ('abc')): the parenthesized haystack was read as an IN list.
    const only = args[0];
    if (name === 'POSITION' && args.length === 1 && only?.kind === 'in' && !only.negated && only.list.length === 1) return [only.operand, only.list[0]!];
    const commaOnly = name === 'TRIM' || name === 'EXTRACT' || name === 'POSITION' || ((name === 'FLOOR' || name === 'CEIL' || name === 'CEILING') && args.length === 2);
    if (commaOnly && args.length > 1) throw misplaced(commas[0], "','");
    return args;
  }
  const fromTok = optToken(node, 'FROM');
  const forTok = optToken(node, 'FOR');
  const inTok = optToken(node, 'IN');
  const toTok = optToken(node, 'to');
  const extra = (allowed: readonly string[]): void => {
    if (commas.length > 0) throw misplaced(commas[0], "','");
    if (!allowed.includes('FROM') && fromTok) throw misplaced(fromTok, 'FROM');
    if (!allowed.includes('FOR') && forTok) throw misplaced(forTok, 'FOR');
    if (!allowed.includes('IN') && inTok) throw misplaced(inTok, 'IN');
    if (!allowed.includes('TO') && toTok) throw misplaced(toTok, 'TO');
    if (!allowed.includes('SPEC') && spec) throw misplaced(spec, spec.image.toUpperCase());
  };
  const needs = (ok: boolean, what: string, at: IToken | undefined): void => {
    if (!ok) throw new EddyError('SYNTAX', `${name}(...) ${what}`, at ? src.tokenSpan(at) : callSpan, `write ${form ?? `${name}(a, b)`}`);
  };
  switch (name) {
    case 'TRIM': {
      extra(['FROM', 'SPEC']);
      needs(from.length === 1, 'needs FROM before the string', spec);
      needs(args.length <= 1, 'takes one set of characters to trim', fromTok);
      return [from[0]!, ...args];
    }
    case 'SUBSTRING':
    case 'SUBSTR': {
      extra(['FROM', 'FOR']);
      needs(args.length === 1 && from.length === 1, 'needs the string, then FROM start', fromTok ?? forTok);
      needs(forArgs.length <= 1 && (!forTok || !fromTok || forTok.startOffset > fromTok.startOffset), 'takes FOR length after FROM start', forTok);
      return [args[0]!, from[0]!, ...forArgs];
    }
    case 'EXTRACT': {
      extra(['FROM']);
      needs(args.length === 1 && from.length === 1, 'needs a unit, then FROM timestamp', fromTok);
      return [unitLiteral(args[0]!, EXTRACT_UNITS, 'EXTRACT', KEYWORD_FORMS.EXTRACT!), from[0]!];
    }
    case 'POSITION': {
      extra(['IN']);
      needs(args.length === 1 && inArgs.length === 1, 'needs a string, IN, and the string to search', inTok);
      return [args[0]!, inArgs[0]!];
    }
    case 'FLOOR':
    case 'CEIL':
    case 'CEILING': {
      extra(['TO']);
      needs(args.length === 1 && toUnit.length === 1, 'needs a timestamp, TO and a unit', toTok);
      const u = toUnit[0]!;
      const unitExpr: Expr = { kind: 'column', name: identOf(src, u), span: src.tokenSpan(u) };
      return [args[0]!, unitLiteral(unitExpr, FLOOR_UNITS, name, KEYWORD_FORMS[name]!)];
    }
    default:
      throw misplaced(fromTok ?? forTok ?? inTok ?? toTok ?? spec, (fromTok ?? forTok ?? inTok ?? toTok ?? spec)!.image.toUpperCase());
  }
}

/**
 * TIMESTAMP '2024-01-01 00:00:00' becomes the call TO_TIMESTAMP('2024-01-01 00:00:00'), so it keeps
 * the TIMESTAMP type through binding; the text is checked here so a typo fails at parse time.
 */
function buildTimestampLiteral(src: SourceText, kw: IToken, text: IToken, span: Span): Expr {
  const value = stringValue(text);
  if (!/^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?Z?$/.test(value) || Number.isNaN(Date.parse(value.replace(' ', 'T')))) {
    throw new EddyError('SYNTAX', `invalid TIMESTAMP literal '${value}'`, src.tokenSpan(text), "write TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.SSS]'");
  }
  const arg: Expr = { kind: 'literal', value, isInteger: false, span: src.tokenSpan(text) };
  return { kind: 'call', name: 'TO_TIMESTAMP', nameSpan: src.tokenSpan(kw), args: [arg], star: false, distinct: false, span };
}

/** Unit words allowed inside the quotes of INTERVAL '10 seconds', with short forms. */
const TEXT_UNITS: ReadonlyMap<string, number> = new Map([
  ...INTERVAL_UNITS,
  ['MS', 1],
  ['S', 1000],
  ['SEC', 1000],
  ['SECS', 1000],
  ['MIN', 60_000],
  ['MINS', 60_000],
  ['H', 3_600_000],
  ['HR', 3_600_000],
  ['HRS', 3_600_000],
  ['D', 86_400_000],
]);

const INTERVAL_HINT = "write INTERVAL '10' SECOND or INTERVAL '10 seconds' (units: MILLISECOND, SECOND, MINUTE, HOUR, DAY)";

function buildInterval(src: SourceText, node: CstNode): Expr {
  const span = nodeSpan(src, node);
  const amountTok = token(node, 'amount');
  const text = amountTok.tokenType.name === 'StringLiteral' ? stringValue(amountTok).trim() : amountTok.image;
  const unitTok = optToken(node, 'unit');
  const bad = (what: string): EddyError => new EddyError('SYNTAX', what, src.tokenSpan(amountTok), INTERVAL_HINT);
  let amount: string;
  let unitMs: number | undefined;
  if (unitTok) {
    amount = text;
    unitMs = INTERVAL_UNITS.get(unitTok.image.toUpperCase());
  } else {
    const m = /^([+-]?[\d.]+)\s*([A-Za-z]+)$/.exec(text);
    if (!m) throw bad(/^[+-]?[\d.]+$/.test(text) ? `INTERVAL '${text}' needs a unit` : `invalid interval '${text}'`);
    amount = m[1]!;
    unitMs = TEXT_UNITS.get(m[2]!.toUpperCase());
    if (unitMs === undefined) throw bad(`unknown interval unit '${m[2]}'`);
  }
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(amount)) throw bad(`invalid interval '${text}'`);
  if (unitMs === undefined) throw internalError('interval unit passed the grammar gate but has no size');
  return { kind: 'interval', ms: Math.round(Number(amount) * unitMs), span };
}
