import type { Span } from '../common/errors.js';
import { EddyError, assertNever, internalError } from '../common/errors.js';
import type { SqlType } from '../common/types.js';
import { isNumeric, decimalType } from '../common/types.js';
import { isCollection } from '../common/collection-types.js';
import type { BinaryOp, Expr } from '../parser/ast.js';
import type { BoundExpr } from './bound.js';
import { exprToSql } from './expr-sql.js';
import { AGGREGATE_FUNCTIONS, SCALAR_FUNCTIONS, WINDOW_FUNCTIONS, scalarCallType, windowAux } from './functions.js';
import { userCallType, type UserFunction } from './user-functions.js';
import type { ColumnExpr, Scope } from './scope.js';
import { resolveColumn } from './scope.js';
import { parseTimestampLiteral } from './timestamp-literal.js';
import { castAllowed, comparable, promoteNumeric, unifyTypes } from './type-rules.js';
import { withFieldIndex } from './collection-signatures.js';
import { decimalArithmeticType, isDecimalArithmetic } from './decimal-type-rules.js';

/** How names resolve in one clause. Grouped clauses (SELECT/HAVING of an aggregate) override `intercept` and `column`. */
export interface ExprContext {
  readonly scope: Scope;
  /** The clause being bound, for messages: "WHERE", "GROUP BY", "an aggregate argument" ... */
  readonly clause: string;
  /** Consulted first at every node; a non-undefined result replaces binding that subtree. */
  readonly intercept?: (e: Expr) => BoundExpr | undefined;
  /** Resolves column references; defaults to the scope. */
  readonly column?: (e: ColumnExpr) => BoundExpr;
}

const INT_MAX = 2 ** 31 - 1;
const isNum = isNumeric;
const isStr = (t: SqlType): boolean => t === 'VARCHAR' || t === 'NULL';
const isBool = (t: SqlType): boolean => t === 'BOOLEAN' || t === 'NULL';
const ARITH: ReadonlySet<BinaryOp> = new Set(['+', '-', '*', '/', '%']);
const COMPARE: ReadonlySet<BinaryOp> = new Set(['=', '<>', '<', '<=', '>', '>=']);

/**
 * Type of a numeric literal as written: integers fitting in 32 bits are INT, in 64 bits BIGINT,
 * larger ones DECIMAL(digits, 0) (as Flink), others DOUBLE (Flink: DECIMAL; see README).
 */
export function literalType(value: number | string | boolean | bigint | null, isInteger: boolean): SqlType {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return 'VARCHAR';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'bigint') {
    if (value >= -(2n ** 63n) && value < 2n ** 63n) return 'BIGINT';
    return decimalType(Math.max(19, String(value < 0n ? -value : value).length), 0);
  }
  if (!isInteger) return 'DOUBLE';
  return Math.abs(value) <= INT_MAX ? 'INT' : 'BIGINT';
}

/** A VARCHAR literal compared with a TIMESTAMP becomes a TIMESTAMP literal at plan time; anything else is returned unchanged. */
function coerceTimestampLiteral(b: BoundExpr, other: SqlType, span: Span): BoundExpr {
  if (other !== 'TIMESTAMP' || b.kind !== 'literal' || b.type !== 'VARCHAR' || typeof b.value !== 'string') return b;
  const ms = parseTimestampLiteral(b.value);
  if (ms === undefined) {
    throw new EddyError('TYPE_MISMATCH', `'${b.value}' is not a valid TIMESTAMP`, span, "write timestamps as 'yyyy-MM-dd HH:mm:ss[.SSS]'");
  }
  return { kind: 'literal', value: ms, type: 'TIMESTAMP' };
}

function requireBoolean(b: BoundExpr, span: Span, what: string): void {
  if (!isBool(b.type)) {
    throw new EddyError('TYPE_MISMATCH', `${what} must be BOOLEAN, got ${b.type}`, span, 'write a condition, e.g. a comparison such as x > 0');
  }
}

/** Binds `e` and checks it is BOOLEAN (WHERE, HAVING, FILTER, CASE WHEN); `what` names the clause in the message. */
export function bindCondition(e: Expr, ctx: ExprContext, what: string): BoundExpr {
  const b = bindExpr(e, ctx);
  requireBoolean(b, e.span, what);
  return b;
}

function compareOperands(left: BoundExpr, right: BoundExpr, l: Expr, r: Expr, span: Span): [BoundExpr, BoundExpr] {
  const a = coerceTimestampLiteral(left, right.type, l.span);
  const b = coerceTimestampLiteral(right, a.type, r.span);
  if (!comparable(a.type, b.type)) {
    throw new EddyError('TYPE_MISMATCH', `cannot compare ${a.type} with ${b.type}`, span, `CAST one side so both have the same type, e.g. CAST(${exprToSql(b)} AS ${a.type})`);
  }
  return [a, b];
}

function arithmeticType(op: BinaryOp, l: BoundExpr, r: BoundExpr, e: Extract<Expr, { kind: 'binary' }>): SqlType {
  const [lt, rt] = [l.type, r.type];
  if (op !== '||' && ARITH.has(op) && isDecimalArithmetic(lt, rt)) return decimalArithmeticType(op as '+' | '-' | '*' | '/' | '%', lt, rt);
  if (isNum(lt) && isNum(rt)) return promoteNumeric(lt, rt);
  if ((op === '+' || op === '-') && lt === 'TIMESTAMP' && (rt === 'INTERVAL' || rt === 'NULL')) return 'TIMESTAMP';
  if (op === '+' && lt === 'INTERVAL' && rt === 'TIMESTAMP') return 'TIMESTAMP';
  if ((op === '+' || op === '-') && lt === 'INTERVAL' && rt === 'INTERVAL') return 'INTERVAL';
  if (op === '*' && ((lt === 'INTERVAL' && isNum(rt)) || (isNum(lt) && rt === 'INTERVAL'))) return 'INTERVAL';
  const temporal = lt === 'TIMESTAMP' || lt === 'INTERVAL' || rt === 'TIMESTAMP' || rt === 'INTERVAL';
  const badLeft = !isNum(lt) && !(temporal && (lt === 'TIMESTAMP' || lt === 'INTERVAL'));
  const span = badLeft ? e.left.span : !isNum(rt) && !temporal ? e.right.span : e.span;
  const hint = temporal
    ? "add or subtract an INTERVAL, e.g. ts - INTERVAL '5' SECOND"
    : `CAST the ${badLeft ? lt : rt} operand to a number, e.g. CAST(${exprToSql(badLeft ? l : r)} AS DOUBLE)`;
  throw new EddyError('TYPE_MISMATCH', `operator ${op} cannot be applied to ${lt} and ${rt}`, span, hint);
}

function bindBinary(e: Extract<Expr, { kind: 'binary' }>, ctx: ExprContext): BoundExpr {
  const left = bindExpr(e.left, ctx);
  const right = bindExpr(e.right, ctx);
  const op = e.op;
  if (ARITH.has(op)) return { kind: 'binary', op, left, right, type: arithmeticType(op, left, right, e) };
  if (COMPARE.has(op)) {
    if (op !== '=' && op !== '<>' && (isCollection(left.type) || isCollection(right.type))) {
      throw new EddyError('TYPE_MISMATCH', `operator ${op} cannot order ${isCollection(left.type) ? left.type : right.type} values`, e.span, 'collections compare only with = and <>; compare their elements, e.g. arr[1] < 5');
    }
    const [l, r] = compareOperands(left, right, e.left, e.right, e.span);
    return { kind: 'binary', op, left: l, right: r, type: 'BOOLEAN' };
  }
  if (op === '||') {
    for (const [b, a] of [[left, e.left], [right, e.right]] as const) {
      if (!isStr(b.type)) {
        throw new EddyError('TYPE_MISMATCH', `|| needs VARCHAR operands, got ${b.type}`, a.span, `CAST it to a string: CAST(${exprToSql(b)} AS VARCHAR)`);
      }
    }
    return { kind: 'binary', op, left, right, type: 'VARCHAR' };
  }
  if (op === 'AND' || op === 'OR') {
    for (const [b, a] of [[left, e.left], [right, e.right]] as const) {
      if (!isBool(b.type)) {
        throw new EddyError('TYPE_MISMATCH', `${op} needs BOOLEAN operands, got ${b.type}`, a.span, `write a condition, e.g. ${exprToSql(b)} <> 0`);
      }
    }
    return { kind: 'binary', op, left, right, type: 'BOOLEAN' };
  }
  throw internalError(`unexpected binary operator ${op}`);
}

function bindCase(e: Extract<Expr, { kind: 'case' }>, ctx: ExprContext): BoundExpr {
  const subject = e.operand ? bindExpr(e.operand, ctx) : undefined;
  const whens = e.whens.map((w) => {
    let when: BoundExpr;
    if (subject && e.operand) {
      const [l, r] = compareOperands(subject, bindExpr(w.when, ctx), e.operand, w.when, w.when.span);
      when = { kind: 'binary', op: '=', left: l, right: r, type: 'BOOLEAN' };
    } else {
      when = bindCondition(w.when, ctx, 'a CASE WHEN condition');
    }
    return { when, then: bindExpr(w.then, ctx), span: w.then.span };
  });
  const elseBound = e.else ? bindExpr(e.else, ctx) : undefined;
  let type: SqlType = 'NULL';
  const branches = [...whens.map((w) => ({ b: w.then, span: w.span })), ...(elseBound && e.else ? [{ b: elseBound, span: e.else.span }] : [])];
  for (const { b, span } of branches) {
    const u = unifyTypes(type, b.type);
    if (u === undefined) {
      throw new EddyError('TYPE_MISMATCH', `CASE branches have no common type (${type} and ${b.type})`, span, 'CAST the branches to one type');
    }
    type = u;
  }
  return {
    kind: 'case',
    whens: whens.map(({ when, then }) => ({ when, then })),
    else: elseBound ?? { kind: 'literal', value: null, type },
    type,
  };
}

function bindCast(e: Extract<Expr, { kind: 'cast' }>, ctx: ExprContext): BoundExpr {
  const operand = bindExpr(e.operand, ctx);
  const to: SqlType = e.type;
  if (operand.type === to) return operand;
  if (!castAllowed(operand.type, to)) {
    throw new EddyError('TYPE_MISMATCH', `cannot CAST ${operand.type} to ${to}`, e.span, `${operand.type} values cannot be converted to ${to}`);
  }
  if (to === 'TIMESTAMP' && operand.kind === 'literal' && operand.type === 'VARCHAR') {
    return coerceTimestampLiteral(operand, 'TIMESTAMP', e.operand.span);
  }
  if (operand.kind === 'literal' && operand.value === null) return { kind: 'literal', value: null, type: to };
  return { kind: 'cast', operand, type: to };
}

function bindCall(e: Extract<Expr, { kind: 'call' }>, ctx: ExprContext): BoundExpr {
  if (AGGREGATE_FUNCTIONS.has(e.name)) {
    throw new EddyError('UNSUPPORTED', `aggregate function ${e.name} is not allowed in ${ctx.clause}`, e.span, ctx.clause === 'WHERE' ? 'filter groups with HAVING instead' : 'aggregates may appear only in SELECT and HAVING, not nested');
  }
  if (WINDOW_FUNCTIONS.has(e.name)) {
    throw new EddyError('UNSUPPORTED', `${e.name}(...) may only appear in GROUP BY`, e.span, `group by it: GROUP BY ..., ${e.name}(ts, INTERVAL '10' SECOND), and use ${e.name}_START/${e.name}_END in SELECT`);
  }
  const aux = windowAux(e.name);
  if (aux) {
    throw new EddyError('NOT_GROUPED', `${e.name} needs a matching ${aux.fn}(...) in GROUP BY`, e.span, `add ${aux.fn}(ts, <interval>) to GROUP BY with the same arguments`);
  }
  if (e.star || e.distinct || e.filter) {
    throw new EddyError('UNSUPPORTED', `${e.star ? '*' : e.distinct ? 'DISTINCT' : 'FILTER'} is only allowed in aggregate functions`, e.span, `${e.name} is a scalar function`);
  }
  const lit = e.args[0];
  if (e.name === 'TO_TIMESTAMP' && e.args.length === 1 && lit?.kind === 'literal' && typeof lit.value === 'string') {
    // The parser spells the literal TIMESTAMP '...' as TO_TIMESTAMP('...'): a constant, fixed at plan time.
    const ms = parseTimestampLiteral(lit.value);
    if (ms === undefined) {
      throw new EddyError('TYPE_MISMATCH', `'${lit.value}' is not a valid TIMESTAMP`, lit.span, "write timestamps as 'yyyy-MM-dd HH:mm:ss[.SSS]'");
    }
    return { kind: 'literal', value: ms, type: 'TIMESTAMP' };
  }
  const args = e.args.map((a) => bindExpr(a, ctx));
  const udf = SCALAR_FUNCTIONS[e.name] === undefined ? userFunctions?.(e.name) : undefined;
  if (udf) return { kind: 'call', fn: udf.name, args, type: userCallType(udf, args.map((b, i) => ({ type: b.type, span: e.args[i]!.span })), e.span), udf };
  const type = scalarCallType(e.name, args.map((b, i) => ({ type: b.type, span: e.args[i]!.span, expr: b })), e.nameSpan, e.span);
  return { kind: 'call', fn: e.name, args: e.name === 'FIELD' ? withFieldIndex(args) : args, type };
}

/** BETWEEN and IN compare scalars (Flink has no order on collections, and IN would compare them by reference). */
function noCollection(b: BoundExpr, span: Span, what: string): BoundExpr {
  if (!isCollection(b.type)) return b;
  throw new EddyError('TYPE_MISMATCH', `${what} cannot compare ${b.type} values`, span, `compare collections with = (x = ARRAY[...] OR x = ARRAY[...]), or their elements`);
}

/** The user-defined functions calls resolve to while a query binds (see withUserFunctions). */
let userFunctions: ((name: string) => UserFunction | undefined) | null = null;

/**
 * Runs a (synchronous) bind with the catalog's user-defined functions in reach of every call, so the
 * many ExprContexts of a query need not carry the catalog. Built-in functions take precedence.
 */
export function withUserFunctions<T>(lookup: (name: string) => UserFunction | undefined, bind: () => T): T {
  const outer = userFunctions;
  userFunctions = lookup;
  try {
    return bind();
  } finally {
    userFunctions = outer;
  }
}

/** Binds an AST expression to a typed BoundExpr over ctx.scope; every type error carries the offending span and a hint. */
export function bindExpr(e: Expr, ctx: ExprContext): BoundExpr {
  const hit = ctx.intercept?.(e);
  if (hit) return hit;
  switch (e.kind) {
    case 'literal':
      return { kind: 'literal', value: e.value, type: literalType(e.value, e.isInteger) };
    case 'interval':
      return { kind: 'literal', value: e.ms, type: 'INTERVAL' };
    case 'column':
      return ctx.column ? ctx.column(e) : resolveColumn(ctx.scope, e);
    case 'binary':
      return bindBinary(e, ctx);
    case 'unary': {
      const operand = bindExpr(e.operand, ctx);
      if (e.op === 'NOT') {
        requireBoolean(operand, e.operand.span, 'the operand of NOT');
        return { kind: 'unary', op: 'NOT', operand, type: 'BOOLEAN' };
      }
      if (!isNum(operand.type) && operand.type !== 'INTERVAL') {
        throw new EddyError('TYPE_MISMATCH', `unary ${e.op} needs a number, got ${operand.type}`, e.operand.span, `CAST it: CAST(${exprToSql(operand)} AS DOUBLE)`);
      }
      if (e.op === '+') return operand;
      if (operand.kind === 'literal' && (typeof operand.value === 'number' || typeof operand.value === 'bigint')) return { ...operand, value: -operand.value };
      return { kind: 'unary', op: '-', operand, type: operand.type };
    }
    case 'isNull':
      return { kind: 'isNull', operand: bindExpr(e.operand, ctx), negated: e.negated, type: 'BOOLEAN' };
    case 'between': {
      const operand = noCollection(bindExpr(e.operand, ctx), e.operand.span, 'BETWEEN');
      const [, low] = compareOperands(operand, bindExpr(e.low, ctx), e.operand, e.low, e.low.span);
      const [, high] = compareOperands(operand, bindExpr(e.high, ctx), e.operand, e.high, e.high.span);
      return { kind: 'between', operand, low, high, negated: e.negated, type: 'BOOLEAN' };
    }
    case 'in': {
      const operand = noCollection(bindExpr(e.operand, ctx), e.operand.span, 'IN');
      const list = e.list.map((x) => compareOperands(operand, bindExpr(x, ctx), e.operand, x, x.span)[1]);
      return { kind: 'in', operand, list, negated: e.negated, type: 'BOOLEAN' };
    }
    case 'like': {
      const operand = bindExpr(e.operand, ctx);
      const pattern = bindExpr(e.pattern, ctx);
      for (const [b, a] of [[operand, e.operand], [pattern, e.pattern]] as const) {
        if (!isStr(b.type)) {
          throw new EddyError('TYPE_MISMATCH', `LIKE needs VARCHAR operands, got ${b.type}`, a.span, `CAST it: CAST(${exprToSql(b)} AS VARCHAR)`);
        }
      }
      return { kind: 'like', operand, pattern, negated: e.negated, type: 'BOOLEAN' };
    }
    case 'case':
      return bindCase(e, ctx);
    case 'cast':
      return bindCast(e, ctx);
    case 'call':
      return bindCall(e, ctx);
    case 'inQuery':
    case 'exists':
      // The WHERE binder takes these out of its top-level AND as semi/anti joins (src/planner/bind-subquery.ts).
      throw new EddyError(
        'UNSUPPORTED',
        `a subquery (${e.kind === 'exists' ? 'EXISTS' : 'IN'}) is supported only as a conjunct of WHERE`,
        e.span,
        'write WHERE ... AND k IN (SELECT ...) or [NOT] EXISTS (SELECT ...) at the top level of the WHERE (as Flink plans them: semi/anti joins)',
      );
    case 'scalarQuery':
      // The WHERE binder joins these in first (src/planner/bind-scalar-subquery.ts); anywhere else they are refused.
      throw new EddyError(
        'UNSUPPORTED',
        'a scalar subquery (SELECT ...) is supported only inside a condition of WHERE',
        e.span,
        'write WHERE price > (SELECT AVG(price) FROM bids); in a SELECT list, join the aggregate instead',
      );
    default:
      return assertNever(e, 'expression');
  }
}

/** Whether the AST contains a call satisfying `pred` (used to find aggregates and window functions before binding). */
export function containsCall(e: Expr, pred: (name: string) => boolean): boolean {
  switch (e.kind) {
    case 'literal':
    case 'interval':
    case 'column':
      return false;
    case 'binary':
      return containsCall(e.left, pred) || containsCall(e.right, pred);
    case 'unary':
    case 'isNull':
      return containsCall(e.operand, pred);
    case 'between':
      return [e.operand, e.low, e.high].some((x) => containsCall(x, pred));
    case 'in':
      return [e.operand, ...e.list].some((x) => containsCall(x, pred));
    case 'like':
      return containsCall(e.operand, pred) || containsCall(e.pattern, pred);
    case 'case':
      return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])].some((x) => containsCall(x, pred));
    case 'cast':
      return containsCall(e.operand, pred);
    case 'call':
      return pred(e.name) || e.args.some((x) => containsCall(x, pred)) || (e.filter !== undefined && containsCall(e.filter, pred));
    case 'inQuery':
      // The subquery has its own scope: its aggregates are not the outer query's.
      return containsCall(e.operand, pred);
    case 'exists':
    case 'scalarQuery':
      return false;
    default:
      return assertNever(e, 'expression');
  }
}

/** Columns referenced anywhere in the AST. */
export function columnRefs(e: Expr): ColumnExpr[] {
  const out: ColumnExpr[] = [];
  const walk = (x: Expr): void => {
    switch (x.kind) {
      case 'column':
        out.push(x);
        return;
      case 'literal':
      case 'interval':
        return;
      case 'binary':
        walk(x.left);
        walk(x.right);
        return;
      case 'unary':
      case 'isNull':
      case 'cast':
        walk(x.operand);
        return;
      case 'between':
        [x.operand, x.low, x.high].forEach(walk);
        return;
      case 'in':
        [x.operand, ...x.list].forEach(walk);
        return;
      case 'like':
        walk(x.operand);
        walk(x.pattern);
        return;
      case 'case':
        if (x.operand) walk(x.operand);
        x.whens.forEach((w) => (walk(w.when), walk(w.then)));
        if (x.else) walk(x.else);
        return;
      case 'call':
        x.args.forEach(walk);
        if (x.filter) walk(x.filter);
        return;
      case 'inQuery':
        walk(x.operand);
        return;
      case 'exists':
      case 'scalarQuery':
        return;
      default:
        assertNever(x, 'expression');
    }
  };
  walk(e);
  return out;
}
