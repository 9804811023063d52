import { assertNever } from '../common/errors.js';
import { isDecimal, type SqlType, type Value } from '../common/types.js';
import type { BinaryOp } from '../parser/ast.js';
import type { BoundExpr } from './bound.js';

type Literal = Extract<BoundExpr, { kind: 'literal' }>;

const lit = (value: Value, type: SqlType): Literal => ({ kind: 'literal', value, type });
const isLit = (e: BoundExpr): e is Literal => e.kind === 'literal';
const WIDENING: ReadonlySet<string> = new Set(['INT>BIGINT', 'INT>FLOAT', 'INT>DOUBLE', 'BIGINT>DOUBLE', 'FLOAT>DOUBLE']);
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function fitsType(v: number, type: SqlType): boolean {
  if (type === 'INT') return Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX;
  if (type === 'BIGINT' || type === 'TIMESTAMP' || type === 'INTERVAL') return Number.isSafeInteger(v);
  return Number.isFinite(v);
}

/** Three-valued AND/OR; a number for comparisons; undefined when folding must be left to run time (division by zero, overflow). */
function evalBinary(op: BinaryOp, l: Value, r: Value, type: SqlType): Value | undefined {
  if (op === 'AND') {
    if (l === false || r === false) return false;
    return l === null || r === null ? null : true;
  }
  if (op === 'OR') {
    if (l === true || r === true) return true;
    return l === null || r === null ? null : false;
  }
  if (l === null || r === null) return null;
  switch (op) {
    case '=':
      return l === r;
    case '<>':
      return l !== r;
    case '<':
    case '<=':
    case '>':
    case '>=':
      // String order is the executor's (code points, not UTF-16 units); only numbers and booleans fold here.
      if (typeof l === 'string' || typeof r === 'string') return undefined;
      return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
    case '||':
      return String(l) + String(r);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      // DECIMAL values are unscaled integers: their arithmetic (and BIGINT beyond 2^53) is the executor's.
      if (typeof l !== 'number' || typeof r !== 'number' || isDecimal(type)) return undefined;
      if ((op === '/' || op === '%') && r === 0) return undefined;
      const integral = type === 'INT' || type === 'BIGINT';
      // `+ 0` turns -0 into 0 for integer results, as the executor does.
      const v = op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : op === '/' ? (integral ? Math.trunc(l / r) + 0 : l / r) : integral ? (l % r) + 0 : l % r;
      return fitsType(v, type) ? v : undefined;
    }
    default:
      return assertNever(op, 'binary operator');
  }
}

/**
 * Folds literal-only subexpressions to literals, keeping SQL NULL semantics (NULL AND FALSE is FALSE, NULL + 1 is NULL).
 * Leaves anything whose run-time result could differ (division by zero, integer overflow, function calls) unfolded.
 */
export function foldExpr(e: BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'literal':
    case 'inputRef':
      return e;
    case 'binary': {
      const left = foldExpr(e.left);
      const right = foldExpr(e.right);
      if (isLit(left) && isLit(right)) {
        const v = evalBinary(e.op, left.value, right.value, e.type);
        if (v !== undefined) return lit(v, e.type);
      }
      // x AND TRUE and x OR FALSE are x for every x, NULL included.
      const identity = e.op === 'AND' ? true : e.op === 'OR' ? false : undefined;
      if (identity !== undefined) {
        if (isLit(right) && right.value === identity) return left;
        if (isLit(left) && left.value === identity) return right;
      }
      return left === e.left && right === e.right ? e : { ...e, left, right };
    }
    case 'unary': {
      const operand = foldExpr(e.operand);
      if (isLit(operand)) {
        if (operand.value === null) return lit(null, e.type);
        if (e.op === 'NOT' && typeof operand.value === 'boolean') return lit(!operand.value, e.type);
        if (e.op === '-' && typeof operand.value === 'number' && fitsType(-operand.value, e.type)) return lit(-operand.value, e.type);
      }
      return operand === e.operand ? e : { ...e, operand };
    }
    case 'isNull': {
      const operand = foldExpr(e.operand);
      if (isLit(operand)) return lit((operand.value === null) !== e.negated, 'BOOLEAN');
      return operand === e.operand ? e : { ...e, operand };
    }
    case 'cast': {
      const operand = foldExpr(e.operand);
      if (isLit(operand) && operand.value === null) return lit(null, e.type);
      // Widening a number keeps its value; other conversions are the executor's to define.
      const widening = WIDENING.has(`${operand.type}>${e.type}`);
      if (isLit(operand) && widening) return lit(typeof operand.value === 'bigint' && e.type !== 'BIGINT' ? Number(operand.value) : operand.value, e.type);
      return operand === e.operand ? e : { ...e, operand };
    }
    case 'between':
      return { ...e, operand: foldExpr(e.operand), low: foldExpr(e.low), high: foldExpr(e.high) };
    case 'in':
      return { ...e, operand: foldExpr(e.operand), list: e.list.map(foldExpr) };
    case 'like':
      return { ...e, operand: foldExpr(e.operand), pattern: foldExpr(e.pattern) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: foldExpr(w.when), then: foldExpr(w.then) })), else: foldExpr(e.else) };
    case 'call':
      return { ...e, args: e.args.map(foldExpr) };
    default:
      return assertNever(e, 'bound expression');
  }
}
