import { decimalParams, isDecimal, type SqlType, type Value } from '../common/types.js';
import {
  canonical,
  decimalToDouble,
  fitsPrecision,
  pow10,
  rescale,
  rescaleBig,
  divHalfUp,
  toBig,
  type ExactInt,
} from '../common/exact.js';
import { divisionByZero } from './functions.js';

/**
 * DECIMAL arithmetic, chosen once per operator and operand types (see exact.ts for the value
 * form). Operands may be integers (scale 0) or DECIMALs; the result type comes from the planner
 * (decimalArithmeticType). Results are exact, rounded HALF_UP to the result scale where the type
 * has fewer fractional digits than the exact result, and NULL when they need more digits than the
 * result precision (Flink: overflow gives NULL). Division or MOD by zero fails the query, as for
 * integers.
 */
export type DecimalBinary = (a: ExactInt, b: ExactInt) => ExactInt | null;

const scaleOf = (t: SqlType): number => decimalParams(t === 'NULL' ? 'INT' : t)!.scale;

/** a op b for op in + - * / %, with operand types `lt`, `rt` and result type `to` (a DECIMAL). */
export function decimalBinary(op: '+' | '-' | '*' | '/' | '%', lt: SqlType, rt: SqlType, to: SqlType): DecimalBinary {
  const sa = scaleOf(lt);
  const sb = scaleOf(rt);
  const { precision: p, scale: s } = decimalParams(to)!;
  switch (op) {
    case '+':
    case '-': {
      const sign = op === '+' ? 1n : -1n;
      const exact = Math.max(sa, sb);
      const fa = 10 ** (exact - sa);
      const fb = (op === '+' ? 1 : -1) * 10 ** (exact - sb);
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number' && exact === s) {
          const x = a * fa;
          const y = b * fb;
          const z = x + y;
          if (Number.isSafeInteger(x) && Number.isSafeInteger(y) && Number.isSafeInteger(z)) return fitsPrecision(z, p) ? z : null;
        }
        const z = rescaleBig(toBig(a), sa, exact) + sign * rescaleBig(toBig(b), sb, exact);
        return fit(rescaleBig(z, exact, s), p);
      };
    }
    case '*': {
      const exact = sa + sb;
      return (a, b) => {
        if (typeof a === 'number' && typeof b === 'number' && exact === s) {
          const z = a * b;
          if (Number.isSafeInteger(z)) return fitsPrecision(z, p) ? z : null;
        }
        return fit(rescaleBig(toBig(a) * toBig(b), exact, s), p);
      };
    }
    case '/': {
      // a / 10^sa ÷ b / 10^sb at scale s: a × 10^(sb + s - sa) / b, rounded HALF_UP.
      const e = sb + s - sa;
      return (a, b) => {
        if (b === 0) throw divisionByZero();
        const n = e >= 0 ? toBig(a) * pow10(e) : toBig(a);
        const d = e >= 0 ? toBig(b) : toBig(b) * pow10(-e);
        return fit(divHalfUp(n, d), p);
      };
    }
    case '%': {
      // The remainder with the dividend's sign (Java's BigDecimal.remainder), exact at max(sa, sb).
      const exact = Math.max(sa, sb);
      return (a, b) => {
        if (b === 0) throw divisionByZero();
        return fit(rescaleBig(rescaleBig(toBig(a), sa, exact) % rescaleBig(toBig(b), sb, exact), exact, s), p);
      };
    }
  }
}

function fit(x: bigint, precision: number): ExactInt | null {
  return fitsPrecision(x, precision) ? canonical(x) : null;
}

/** An exact value of type `from` (an integer or DECIMAL) at scale `to`, exactly (for comparisons: no precision limit). */
export function upscaler(from: SqlType, to: number): ((x: ExactInt) => ExactInt) | null {
  const s = scaleOf(from);
  if (s === to) return null;
  const f = 10 ** (to - s);
  return (x) => {
    if (typeof x === 'number' && to - s <= 15) {
      const y = x * f;
      if (Number.isSafeInteger(y)) return y;
    }
    return canonical(rescaleBig(toBig(x), s, to));
  };
}

/** A DECIMAL, BIGINT or other numeric value as a double (DECIMAL ↔ DOUBLE arithmetic and comparisons). */
export function toDoubleOf(from: SqlType): ((x: Value) => number) | null {
  if (isDecimal(from)) {
    const s = scaleOf(from);
    return (x) => decimalToDouble(x as ExactInt, s);
  }
  if (from === 'BIGINT') return (x) => (typeof x === 'number' ? x : Number(x));
  return null;
}

/** DECIMAL(_, from) → DECIMAL(p, to): HALF_UP, NULL on overflow (Flink's CAST). */
export function decimalToDecimal(from: SqlType, to: SqlType): (x: ExactInt) => ExactInt | null {
  const s = scaleOf(from);
  const t = decimalParams(to)!;
  return (x) => rescale(x, s, t.scale, t.precision);
}
