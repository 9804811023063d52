import type { SqlType } from '../common/types.js';
import { decimalParams, decimalType, isDecimal } from '../common/types.js';
import { MAX_DECIMAL_PRECISION } from '../common/exact.js';

/**
 * Flink's decimal type derivation (LogicalTypeMerging, after Calcite and SQL Server): the result
 * type of + - * / % on DECIMAL operands (integers taking part as DECIMAL(10, 0) / DECIMAL(19, 0)),
 * with precision capped at 38 by adjustPrecisionScale, which keeps at least 6 fractional digits.
 */
const MINIMUM_ADJUSTED_SCALE = 6;

function adjustPrecisionScale(precision: number, scale: number): SqlType {
  if (precision <= MAX_DECIMAL_PRECISION) return decimalType(precision, scale);
  const digitPart = precision - scale;
  const minScalePart = Math.min(scale, MINIMUM_ADJUSTED_SCALE);
  return decimalType(MAX_DECIMAL_PRECISION, Math.max(MAX_DECIMAL_PRECISION - digitPart, minScalePart));
}

/** Whether arithmetic on `a` and `b` is decimal arithmetic: one side DECIMAL, the other DECIMAL, an integer or NULL. */
export function isDecimalArithmetic(a: SqlType, b: SqlType): boolean {
  if (!isDecimal(a) && !isDecimal(b)) return false;
  const ok = (t: SqlType): boolean => isDecimal(t) || t === 'INT' || t === 'BIGINT' || t === 'NULL';
  return ok(a) && ok(b);
}

/** The DECIMAL result type of `a op b` (see isDecimalArithmetic); NULL operands count as the other side's type. */
export function decimalArithmeticType(op: '+' | '-' | '*' | '/' | '%', a: SqlType, b: SqlType): SqlType {
  const l = decimalParams(a === 'NULL' ? b : a)!;
  const r = decimalParams(b === 'NULL' ? a : b)!;
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(l.scale, r.scale);
      return adjustPrecisionScale(Math.max(l.precision - l.scale, r.precision - r.scale) + scale + 1, scale);
    }
    case '*':
      return adjustPrecisionScale(l.precision + r.precision + 1, l.scale + r.scale);
    case '/': {
      const scale = Math.max(MINIMUM_ADJUSTED_SCALE, l.scale + r.precision + 1);
      return adjustPrecisionScale(l.precision - l.scale + r.scale + scale, scale);
    }
    case '%': {
      const scale = Math.max(l.scale, r.scale);
      return adjustPrecisionScale(Math.min(l.precision - l.scale, r.precision - r.scale) + scale, scale);
    }
  }
}

/** The common type of a DECIMAL and a DECIMAL or integer (CASE, COALESCE, UNION, comparisons): every digit of both, at most 38. */
export function commonDecimalType(a: SqlType, b: SqlType): SqlType {
  const l = decimalParams(a)!;
  const r = decimalParams(b)!;
  const scale = Math.max(l.scale, r.scale);
  const digits = Math.max(l.precision - l.scale, r.precision - r.scale);
  return decimalType(Math.min(MAX_DECIMAL_PRECISION, digits + scale), scale);
}

/** SUM(DECIMAL(p, s)) is DECIMAL(38, s); AVG(DECIMAL(p, s)) is DECIMAL(38, max(s, 6)) (Flink's sum / count type). */
export function decimalSumType(t: SqlType): SqlType {
  return decimalType(MAX_DECIMAL_PRECISION, decimalParams(t)!.scale);
}

export function decimalAvgType(t: SqlType): SqlType {
  return decimalArithmeticType('/', decimalSumType(t), 'BIGINT');
}
