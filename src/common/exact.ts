/**
 * Exact integers and decimals. An exact integer (a BIGINT value, or a DECIMAL's unscaled value) is
 * a JS number while it is a safe integer and a BigInt beyond: always in this canonical form, so
 * `===`, Set/Map membership and `<` (JS compares a number with a BigInt exactly) work unchanged and
 * the common path never touches BigInt. Every operation here returns the canonical form.
 *
 * BIGINT arithmetic wraps at 64 bits (two's complement), as Java's long in Flink. A DECIMAL(p, s)
 * value v is stored as the integer v * 10^s; operations take the scales from the types (chosen
 * at compile time) and return null when the result needs more than p digits (Flink's overflow).
 */
export type ExactInt = number | bigint;

export const MAX_DECIMAL_PRECISION = 38;

const BIG_POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) BIG_POW10.push(p);

/** 10^n as a BigInt (n ≥ 0). */
export function pow10(n: number): bigint {
  return BIG_POW10[n] ?? 10n ** BigInt(n);
}

/** The canonical form of an exact integer given as a BigInt. */
export function canonical(x: bigint): ExactInt {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

export const toBig = (x: ExactInt): bigint => (typeof x === 'bigint' ? x : BigInt(x));

/** A BigInt wrapped to a signed 64-bit value, canonical. */
export const wrap64 = (x: bigint): ExactInt => canonical(BigInt.asIntN(64, x));

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** BIGINT a + b, a - b, a * b (wrapping at 64 bits): the slow paths of the generated code, which handles two numbers with a safe result inline. */
export const bigintAdd = (a: ExactInt, b: ExactInt): ExactInt => wrap64(toBig(a) + toBig(b));
export const bigintSub = (a: ExactInt, b: ExactInt): ExactInt => wrap64(toBig(a) - toBig(b));
export const bigintMul = (a: ExactInt, b: ExactInt): ExactInt => wrap64(toBig(a) * toBig(b));
export const bigintNeg = (a: ExactInt): ExactInt => (typeof a === 'number' ? 0 - a : wrap64(-a));
/** BIGINT division truncating toward zero; the caller has checked b ≠ 0. */
export const bigintDiv = (a: ExactInt, b: ExactInt): ExactInt => wrap64(toBig(a) / toBig(b));
export const bigintMod = (a: ExactInt, b: ExactInt): ExactInt => canonical(toBig(a) % toBig(b));

/** A BIGINT or DECIMAL-unscaled value as a double (correctly rounded). */
export const exactToNumber = (x: ExactInt): number => (typeof x === 'number' ? x : Number(x));

/** |x| < 10^precision: whether an unscaled value fits DECIMAL(precision, _). */
export function fitsPrecision(x: ExactInt, precision: number): boolean {
  if (typeof x === 'number') return precision >= 16 || Math.abs(x) < 10 ** precision;
  const b = pow10(precision);
  return x < b && x > -b;
}

/** n / d rounded HALF_UP (ties away from zero), as Java's RoundingMode.HALF_UP; d ≠ 0. */
export function divHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const absD = d < 0n ? -d : d;
  if (twice < absD) return q;
  return (n < 0n) !== (d < 0n) ? q - 1n : q + 1n;
}

/** An unscaled value moved from scale `from` to scale `to` (HALF_UP when digits are dropped), as a BigInt. */
export function rescaleBig(x: bigint, from: number, to: number): bigint {
  if (to === from) return x;
  return to > from ? x * pow10(to - from) : divHalfUp(x, pow10(from - to));
}

/** Rescales an unscaled value to DECIMAL(p, to); null when it does not fit p digits. */
export function rescale(x: ExactInt, from: number, to: number, precision: number): ExactInt | null {
  if (to === from) return fitsPrecision(x, precision) ? x : null;
  if (typeof x === 'number' && to > from && to - from <= 15) {
    const y = x * 10 ** (to - from);
    if (Number.isSafeInteger(y)) return fitsPrecision(y, precision) ? y : null;
  }
  const y = rescaleBig(toBig(x), from, to);
  return fitsPrecision(y, precision) ? canonical(y) : null;
}

/** The text of a DECIMAL with exactly `scale` fractional digits, e.g. (-5, 2) → "-0.05". */
export function formatDecimal(x: ExactInt, scale: number): string {
  if (scale === 0) return String(x);
  const neg = x < 0;
  let digits = String(neg ? -x : x);
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const cut = digits.length - scale;
  return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses decimal text (digits, an optional fraction and exponent) to the unscaled value at
 * `scale`, rounding HALF_UP; undefined when the text is not a number, null when it needs more
 * than `precision` digits (Flink's CAST overflow).
 */
export function parseDecimal(text: string, precision: number, scale: number): ExactInt | null | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (m === null) return undefined;
  const int = m[2]!;
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!(Math.abs(exp) <= 1000)) return /[1-9]/.test(int + frac) && exp > 0 ? null : 0;
  let unscaled = BigInt(int + frac || '0');
  if (m[1] === '-') unscaled = -unscaled;
  const y = rescaleBig(unscaled, frac.length - exp, scale);
  return fitsPrecision(y, precision) ? canonical(y) : null;
}

/** A double as DECIMAL(precision, scale) via its shortest text (Java's BigDecimal.valueOf), HALF_UP; null on overflow; undefined for NaN/±Infinity. */
export function decimalFromDouble(x: number, precision: number, scale: number): ExactInt | null | undefined {
  if (!Number.isFinite(x)) return undefined;
  return parseDecimal(String(x), precision, scale);
}

/** A DECIMAL's unscaled value at `scale` as a double, correctly rounded. */
export function decimalToDouble(x: ExactInt, scale: number): number {
  if (typeof x === 'number' && scale <= 22) return x / 10 ** scale;
  return Number(formatDecimal(x, scale));
}

/** A DECIMAL's unscaled value truncated toward zero to an integer (CAST to BIGINT/INT), as a BigInt. */
export function decimalTrunc(x: ExactInt, scale: number): bigint {
  return toBig(x) / pow10(scale);
}

/** JSON text of a plan or expression that may hold BigInt literals (written as `<digits>n`), for structural comparisons and fingerprints. */
export function planJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
