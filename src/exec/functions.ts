import { EddyError } from '../common/errors.js';
import type { Value } from '../common/types.js';

/**
 * Scalar functions by upper-case name, called by compiled expressions (src/exec/expr-compiler.ts).
 * Every function returns NULL when any argument is NULL (Flink), except COALESCE, which the
 * compiler also inlines so that later arguments are evaluated lazily. Argument types are checked
 * by the planner; these functions trust them.
 */

type Fn = (...args: Value[]) => Value;

/** MOD / `%` on integers: like Java, the sign follows the dividend; zero divisor is an error. */
export function integerMod(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return (a % b) + 0; // `+ 0` turns -0 into 0
}

export function divisionByZero(): EddyError {
  return new EddyError('QUERY_FAILED', 'division by zero', undefined, 'guard the divisor, e.g. NULLIF(x, 0)');
}

/** ROUND half away from zero (Java BigDecimal HALF_UP, as Flink), to `d` decimal places. */
export function roundHalfUp(x: number, d: number): number {
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const abs = Math.abs(x);
  // Shifting through the decimal exponent avoids binary artefacts such as 1.005 * 100 = 100.49999.
  const shifted = Math.round(Number(`${abs}e${d}`));
  const r = sign * Number(`${shifted}e${-d}`);
  return r + 0;
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // count every unit but low surrogates
  }
  return n;
}

const SPACES = /^ +| +$/g;

export const SCALAR_FUNCTIONS: Readonly<Record<string, Fn>> = {
  UPPER: (s) => (s === null ? null : (s as string).toUpperCase()),
  LOWER: (s) => (s === null ? null : (s as string).toLowerCase()),
  // SQL TRIM removes spaces only, not all whitespace.
  TRIM: (s) => (s === null ? null : (s as string).replace(SPACES, '')),
  CHAR_LENGTH: (s) => (s === null ? null : codePointLength(s as string)),
  CHARACTER_LENGTH: (s) => (s === null ? null : codePointLength(s as string)),
  CONCAT: (...args) => {
    let out = '';
    for (const a of args) {
      if (a === null) return null;
      out += a as string;
    }
    return out;
  },
  COALESCE: (...args) => {
    for (const a of args) if (a !== null) return a;
    return null;
  },
  NULLIF: (a, b) => (a === null ? null : a === b ? null : a),
  ABS: (x) => (x === null ? null : Math.abs(x as number) + 0),
  MOD: (a, b) => {
    if (a === null || b === null) return null;
    const x = a as number;
    const y = b as number;
    if (Number.isInteger(x) && Number.isInteger(y)) return integerMod(x, y);
    return x % y;
  },
  ROUND: (x, d = 0) => (x === null || d === null ? null : roundHalfUp(x as number, d as number)),
  FLOOR: (x) => (x === null ? null : Math.floor(x as number)),
  CEIL: (x) => (x === null ? null : Math.ceil(x as number) + 0),
  CEILING: (x) => (x === null ? null : Math.ceil(x as number) + 0),
  POWER: (x, y) => (x === null || y === null ? null : Math.pow(x as number, y as number)),
  SQRT: (x) => (x === null ? null : Math.sqrt(x as number)),
};
