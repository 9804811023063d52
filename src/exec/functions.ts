import { EddyError } from '../common/errors.js';
import type { Value } from '../common/types.js';
import { javaRegex } from '../planner/java-regex.js';
import { COLLECTION_FUNCTIONS } from './collection-functions.js';
import { likeEscapeRegex } from '../planner/like-pattern.js';
import { cachedRegex, codePointLength, initcap, padString, position, regexpExtract, regexpReplace, substring, trimChars } from './string-functions.js';
import { addUnits, ceilTimestamp, dateFormatter, dateParser, diffUnits, extractField, floorTimestamp, parseDefaultTimestamp } from './time-functions.js';

/**
 * Scalar functions by upper-case name, called by compiled expressions (src/exec/expr-compiler.ts).
 * Every function returns NULL when any argument is NULL (Flink), except COALESCE, which the
 * compiler also inlines so that later arguments are evaluated lazily. Argument types are checked
 * by the planner; these functions trust them. CURRENT_WATERMARK is compiled inline (it reads the
 * watermark, not its argument).
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

/** Shifts the decimal point of x by d places through its decimal text, avoiding binary artefacts (1.005 * 100 = 100.49999). */
const shift = (x: number, d: number): number => Number(`${x}e${d}`);

/** ROUND half away from zero (Java BigDecimal HALF_UP, as Flink), to `d` decimal places. */
export function roundHalfUp(x: number, d: number): number {
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const r = sign * shift(Math.round(shift(Math.abs(x), d)), -d);
  return r + 0;
}

/** TRUNCATE toward zero to `d` decimal places (negative d zeroes digits left of the point). */
export function truncateDigits(x: number, d: number): number {
  if (!Number.isFinite(x)) return x;
  return shift(Math.trunc(shift(x, d)), -d) + 0;
}

const SPACE = ' ';

/** Wraps `f` so that a NULL in any argument gives NULL without calling it. */
function strict(f: (...args: never[]) => Value): Fn {
  return (...args) => {
    for (const a of args) if (a === null) return null;
    return (f as (...a: Value[]) => Value)(...args);
  };
}

const trim = (leading: boolean, trailing: boolean): Fn => strict((s: string, chars: string = SPACE) => trimChars(s, chars, leading, trailing));
const extract = (unit: string): Fn => strict((ts: number) => extractField(unit, ts));
const floorOrCeil = (toUnit: (unit: string, ts: number) => number, ofNumber: (x: number) => number): Fn =>
  strict((x: number, unit?: string) => (unit === undefined ? ofNumber(x) + 0 : toUnit(unit, x)));

const dateFormatters = new Map<string, (ts: number) => string>();
const dateParsers = new Map<string, ((s: string) => number | null) | null>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size > 1000) cache.clear();
    v = make();
    cache.set(key, v);
  }
  return v;
}

const formatDate = (ts: Value, pattern: string): string => cached(dateFormatters, pattern, () => dateFormatter(pattern))(asTimestamp(ts)!);
/** DATE_FORMAT also takes timestamp text (Flink parses it first); unparseable text gives NULL. */
const asTimestamp = (v: Value): number | null => (typeof v === 'string' ? parseDefaultTimestamp(v) : (v as number));
const safeParser = (pattern: string): ((s: string) => number | null) | null => {
  try {
    return dateParser(pattern);
  } catch {
    return null;
  }
};

const likeRegexes = new Map<string, RegExp>();
/** LIKE ... ESCAPE with a pattern known only per row; a bad escape sequence fails the query, as in Flink. */
const likeRegex = (pattern: string, escape: string): RegExp =>
  cached(likeRegexes, `${escape}${pattern}`, () => {
    try {
      return likeEscapeRegex(pattern, escape);
    } catch (err) {
      throw new EddyError('QUERY_FAILED', (err as Error).message, undefined, 'the escape character may only precede %, _ or itself');
    }
  });

export const SCALAR_FUNCTIONS: Readonly<Record<string, Fn>> = {
  ...COLLECTION_FUNCTIONS,
  UPPER: strict((s: string) => s.toUpperCase()),
  LOWER: strict((s: string) => s.toLowerCase()),
  INITCAP: strict(initcap),
  // SQL TRIM removes spaces only by default, not all whitespace.
  TRIM: trim(true, true),
  LTRIM: trim(true, false),
  RTRIM: trim(false, true),
  CHAR_LENGTH: strict(codePointLength),
  CHARACTER_LENGTH: strict(codePointLength),
  SUBSTRING: strict(substring),
  SUBSTR: strict(substring),
  REPLACE: strict((s: string, from: string, to: string) => s.split(from).join(to)),
  // Flink: the index-th (0-based) piece of the string split at the separator; NULL when out of range.
  SPLIT_INDEX: strict((s: string, sep: string, i: number) => (i < 0 || s === '' ? null : (s.split(sep)[i] ?? null))),
  POSITION: strict((needle: string, s: string) => position(needle, s)),
  LOCATE: strict((needle: string, s: string, from?: number) => position(needle, s, from)),
  LPAD: strict((s: string, len: number, pad: string) => padString(s, len, pad, true)),
  RPAD: strict((s: string, len: number, pad: string) => padString(s, len, pad, false)),
  REGEXP_EXTRACT: strict((s: string, pattern: string, group: number = 0) => regexpExtract(s, cachedRegex(pattern), group)),
  REGEXP_REPLACE: strict((s: string, pattern: string, repl: string) => regexpReplace(s, cachedRegex(pattern, 'g'), repl)),
  LIKE: strict((s: string, pattern: string, escape: string) => likeRegex(pattern, escape).test(s)),
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
  ABS: strict((x: number) => Math.abs(x) + 0),
  SIGN: strict((x: number) => Math.sign(x) + 0),
  MOD: strict((x: number, y: number) => (Number.isInteger(x) && Number.isInteger(y) ? integerMod(x, y) : x % y)),
  ROUND: strict((x: number, d: number = 0) => roundHalfUp(x, d)),
  TRUNCATE: strict((x: number, d: number = 0) => truncateDigits(x, d)),
  FLOOR: floorOrCeil(floorTimestamp, Math.floor),
  CEIL: floorOrCeil(ceilTimestamp, Math.ceil),
  CEILING: floorOrCeil(ceilTimestamp, Math.ceil),
  POWER: strict((x: number, y: number) => Math.pow(x, y)),
  SQRT: strict(Math.sqrt),
  LN: strict(Math.log),
  LOG10: strict(Math.log10),
  LOG2: strict(Math.log2),
  LOG: strict((a: number, b?: number) => (b === undefined ? Math.log(a) : Math.log(b) / Math.log(a))),
  EXP: strict(Math.exp),
  EXTRACT: strict((unit: string, ts: number) => extractField(unit, ts)),
  YEAR: extract('YEAR'),
  QUARTER: extract('QUARTER'),
  MONTH: extract('MONTH'),
  WEEK: extract('WEEK'),
  DAYOFYEAR: extract('DOY'),
  DAYOFMONTH: extract('DAY'),
  DAYOFWEEK: extract('DOW'),
  HOUR: extract('HOUR'),
  MINUTE: extract('MINUTE'),
  SECOND: extract('SECOND'),
  DATE_FORMAT: strict((ts: Value, pattern: string) => (asTimestamp(ts) === null ? null : formatDate(ts, pattern))),
  TO_TIMESTAMP: strict((s: string, pattern?: string) => {
    if (pattern === undefined) return parseDefaultTimestamp(s);
    const parse = cached(dateParsers, pattern, () => safeParser(pattern));
    return parse === null ? null : parse(s);
  }),
  TIMESTAMPADD: strict((unit: string, n: number, ts: number) => addUnits(unit, n, ts)),
  TIMESTAMPDIFF: strict((unit: string, a: number, b: number) => diffUnits(unit, a, b)),
  CURRENT_WATERMARK: () => null,
  // The wall clock when the row is processed (a processing-time attribute's value); windows over one read their own clock (src/exec/operators/processing-time.ts).
  PROCTIME: () => Date.now(),
};

/**
 * Versions of a function specialized for its literal arguments (`literals[i]` is the value of a
 * literal argument, undefined for a computed one): the regex or date pattern is compiled once per
 * query instead of looked up per row. Returns undefined when nothing can be specialized.
 */
export const SPECIALIZE: Readonly<Record<string, (literals: readonly (Value | undefined)[]) => Fn | undefined>> = {
  REGEXP_EXTRACT: ([, pattern]) => {
    if (typeof pattern !== 'string') return undefined;
    const re = javaRegex(pattern);
    return strict((s: string, _p: string, group: number = 0) => regexpExtract(s, re, group));
  },
  REGEXP_REPLACE: ([, pattern, repl]) => {
    if (typeof pattern !== 'string') return undefined;
    const re = javaRegex(pattern, 'g');
    return strict((s: string, _p: string, r: string) => regexpReplace(s, re, typeof repl === 'string' ? repl : r));
  },
  DATE_FORMAT: ([, pattern]) => {
    if (typeof pattern !== 'string') return undefined;
    const format = dateFormatter(pattern);
    return strict((ts: Value) => {
      const t = asTimestamp(ts);
      return t === null ? null : format(t);
    });
  },
  TO_TIMESTAMP: ([, pattern]) => {
    if (typeof pattern !== 'string') return undefined;
    const parse = dateParser(pattern);
    return strict((s: string) => parse(s));
  },
  LIKE: ([, pattern, escape]) => {
    if (typeof pattern !== 'string' || typeof escape !== 'string') return undefined;
    const re = likeEscapeRegex(pattern, escape);
    return strict((s: string) => re.test(s));
  },
  EXTRACT: ([unit]) => (typeof unit === 'string' ? strict((_u: string, ts: number) => extractField(unit, ts)) : undefined),
};
