import type { CstNode, IToken } from 'chevrotain';
import { EddyError, internalError, spanCover, type Span } from '../common/errors.js';
import type { BinaryOp, Expr } from './ast.js';
import { child, identOf, nodeSpan, nodesOf, optNode, optToken, stringValue, token, tokensOf } from './cst-access.js';
import { buildDataType } from './data-type.js';
import { INTERVAL_UNITS } from './grammar.js';
import type { SourceText } from './source-text.js';

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
  if (optToken(node, 'IN')) {
    const list = nodesOf(node, 'list').map((n) => buildExpr(src, n));
    return { kind: 'in', operand: left, list, negated, span };
  }
  if (optToken(node, 'LIKE')) {
    return { kind: 'like', operand: left, pattern: buildAdditive(src, child(node, 'pattern')), negated, span };
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

function buildAdditive(src: SourceText, node: CstNode): Expr {
  return foldBinary(src, node, 'AddOp', buildMultiplicative, (t) => t.image as BinaryOp);
}

function buildMultiplicative(src: SourceText, node: CstNode): Expr {
  return foldBinary(src, node, 'MulOp', buildUnary, (t) => t.image as BinaryOp);
}

function buildUnary(src: SourceText, node: CstNode): Expr {
  const signs = tokensOf(node, 'sign');
  let e = buildPrimary(src, child(node, 'primary'));
  for (let i = signs.length - 1; i >= 0; i--) {
    const op = signs[i]!.image === '-' ? '-' : '+';
    e = { kind: 'unary', op, operand: e, span: spanCover(src.tokenSpan(signs[i]!), e.span) };
  }
  return e;
}

function buildPrimary(src: SourceText, node: CstNode): Expr {
  const span = nodeSpan(src, node);
  const num = optToken(node, 'NumberLiteral');
  if (num) return { kind: 'literal', value: Number(num.image), isInteger: /^\d+$/.test(num.image), span };
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
  const caseNode = optNode(node, 'caseExpr');
  if (caseNode) return buildCase(src, caseNode);
  const inner = optNode(node, 'expr');
  // The parentheses belong to the node's span, so a caret under it covers what the user wrote.
  if (inner) return { ...buildExpr(src, inner), span };
  return buildNameExpr(src, child(node, 'nameExpr'));
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
  return {
    kind: 'call',
    name: identOf(src, first).name.toUpperCase(),
    nameSpan: src.tokenSpan(first),
    args: nodesOf(node, 'arg').map((a) => buildExpr(src, a)),
    star: optToken(node, 'Star') !== undefined,
    distinct: optToken(node, 'DISTINCT') !== undefined,
    ...(filter ? { filter: buildExpr(src, filter) } : {}),
    span: nodeSpan(src, node),
  };
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
