import type { Span } from '../common/errors.js';
import { EddyError } from '../common/errors.js';
import type { SqlType, Value } from '../common/types.js';
import { NUMERIC_TYPES, isDecimal } from '../common/types.js';
import { EXTRACT_UNITS, FLOOR_UNITS, TIMESTAMPADD_UNITS } from '../parser/time-units.js';
import type { BoundExpr } from './bound.js';
import { parseDatePattern } from './date-pattern.js';
import { groupCount, javaRegex } from './java-regex.js';
import { likeEscapeRegex } from './like-pattern.js';
import { comparable, promoteNumeric, unifyTypes } from './type-rules.js';
import { COLLECTION_FUNCTIONS } from './collection-signatures.js';

/** A bound argument's type and where it was written, so type errors can point at it; `expr` is the bound argument when known. */
export interface ArgInfo {
  readonly type: SqlType;
  readonly span: Span;
  readonly expr?: BoundExpr;
}

export interface Signature {
  /** Shown in hints, e.g. "UPPER(string)". */
  readonly usage: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly result: (args: readonly ArgInfo[], name: string) => SqlType;
}

const isNum = (t: SqlType): boolean => NUMERIC_TYPES.has(t) || t === 'NULL';
/** Numeric including DECIMAL: for functions computing in doubles (the executor converts DECIMAL arguments) and ABS. */
const isNumOrDecimal = (t: SqlType): boolean => isNum(t) || isDecimal(t);
const isInt = (t: SqlType): boolean => t === 'INT' || t === 'BIGINT' || t === 'NULL';
const isStr = (t: SqlType): boolean => t === 'VARCHAR' || t === 'NULL';
const isTs = (t: SqlType): boolean => t === 'TIMESTAMP' || t === 'NULL';

function need(name: string, arg: ArgInfo, ok: (t: SqlType) => boolean, what: string, usage: string): void {
  if (!ok(arg.type)) {
    throw new EddyError('TYPE_MISMATCH', `${name} does not accept ${arg.type}`, arg.span, `${name} needs ${what}: ${usage}`);
  }
}

/** The value of a literal argument, or undefined when the argument is computed per row. */
const literalOf = (a: ArgInfo | undefined): Value | undefined => (a?.expr?.kind === 'literal' ? a.expr.value : undefined);

/** A function whose arguments have fixed kinds, checked one by one. */
function fixed(usage: string, kinds: readonly [(t: SqlType) => boolean, string][], minArgs: number, result: SqlType | ((args: readonly ArgInfo[]) => SqlType)): Signature {
  return {
    usage,
    minArgs,
    maxArgs: kinds.length,
    result: (args, name) => {
      args.forEach((a, i) => need(name, a, kinds[i]![0], kinds[i]![1], usage));
      return typeof result === 'function' ? result(args) : result;
    },
  };
}

const STR: [(t: SqlType) => boolean, string] = [isStr, 'a VARCHAR argument'];
const INT: [(t: SqlType) => boolean, string] = [isInt, 'an integer argument'];
const NUM: [(t: SqlType) => boolean, string] = [isNum, 'a numeric argument'];
const NUMD: [(t: SqlType) => boolean, string] = [isNumOrDecimal, 'a numeric argument'];
const TS: [(t: SqlType) => boolean, string] = [isTs, 'a TIMESTAMP argument'];
const sameNumeric = (args: readonly ArgInfo[]): SqlType => (args[0]!.type === 'NULL' ? 'INT' : args[0]!.type);

/** A literal regex must compile (Java syntax); a literal group index must exist in it. */
function checkRegex(args: readonly ArgInfo[], name: string, usage: string): void {
  const pattern = literalOf(args[1]);
  if (typeof pattern !== 'string') return;
  let re: RegExp;
  try {
    re = javaRegex(pattern);
  } catch (err) {
    throw new EddyError('TYPE_MISMATCH', `invalid regular expression '${pattern}': ${(err as Error).message}`, args[1]!.span, `${name} takes a Java regular expression: ${usage}`);
  }
  const group = literalOf(args[2]);
  if (name === 'REGEXP_EXTRACT' && typeof group === 'number' && (group < 0 || group > groupCount(re))) {
    throw new EddyError('TYPE_MISMATCH', `group ${group} does not exist in '${pattern}'`, args[2]!.span, `the pattern has ${groupCount(re)} group(s); 0 is the whole match`);
  }
}

function checkDatePattern(arg: ArgInfo | undefined, usage: string): void {
  const pattern = literalOf(arg);
  if (typeof pattern !== 'string') return;
  try {
    parseDatePattern(pattern);
  } catch (err) {
    throw new EddyError('TYPE_MISMATCH', (err as Error).message, arg!.span, `use SimpleDateFormat letters y M d H h m s S D E a, e.g. ${usage}`);
  }
}

/** The unit argument of EXTRACT / FLOOR TO / TIMESTAMPADD: the parser makes it an upper-case string literal. */
function unitArg(arg: ArgInfo, units: readonly string[], name: string, usage: string): string {
  const unit = literalOf(arg);
  if (typeof unit !== 'string' || !units.includes(unit)) {
    throw new EddyError('TYPE_MISMATCH', `${name} needs a time unit (${units.join(', ')})`, arg.span, `write ${usage}`);
  }
  return unit;
}

/** FLOOR/CEIL of a number, or of a TIMESTAMP to a unit (written `FLOOR(ts TO HOUR)`). */
function floorCeil(fn: string): Signature {
  const usage = `${fn}(number) or ${fn}(timestamp TO unit)`;
  return {
    usage,
    minArgs: 1,
    maxArgs: 2,
    result: (args, name) => {
      const x = args[0]!;
      if (args.length === 2) {
        need(name, x, isTs, 'a TIMESTAMP before TO', usage);
        unitArg(args[1]!, FLOOR_UNITS, name, `${name}(ts TO HOUR)`);
        return 'TIMESTAMP';
      }
      if (x.type === 'TIMESTAMP') {
        throw new EddyError('TYPE_MISMATCH', `${name} of a TIMESTAMP needs a unit`, x.span, `write ${name}(ts TO HOUR) (units: ${FLOOR_UNITS.join(', ')})`);
      }
      need(name, x, isNum, 'a numeric argument', usage);
      return sameNumeric(args);
    },
  };
}

/** YEAR(ts), HOUR(ts) ...: shorthands of EXTRACT. */
const extractShorthand = (name: string): Signature => fixed(`${name}(timestamp)`, [TS], 1, 'BIGINT');

const STRING_FUNCTIONS: Readonly<Record<string, Signature>> = {
  UPPER: fixed('UPPER(string)', [STR], 1, 'VARCHAR'),
  LOWER: fixed('LOWER(string)', [STR], 1, 'VARCHAR'),
  INITCAP: fixed('INITCAP(string)', [STR], 1, 'VARCHAR'),
  TRIM: fixed('TRIM([BOTH|LEADING|TRAILING] [characters] FROM string)', [STR, STR], 1, 'VARCHAR'),
  LTRIM: fixed('LTRIM(string[, characters])', [STR, STR], 1, 'VARCHAR'),
  RTRIM: fixed('RTRIM(string[, characters])', [STR, STR], 1, 'VARCHAR'),
  CHAR_LENGTH: fixed('CHAR_LENGTH(string)', [STR], 1, 'INT'),
  CHARACTER_LENGTH: fixed('CHARACTER_LENGTH(string)', [STR], 1, 'INT'),
  SUBSTRING: fixed('SUBSTRING(string FROM start [FOR length])', [STR, INT, INT], 2, 'VARCHAR'),
  SUBSTR: fixed('SUBSTR(string, start[, length])', [STR, INT, INT], 2, 'VARCHAR'),
  REPLACE: fixed('REPLACE(string, search, replacement)', [STR, STR, STR], 3, 'VARCHAR'),
  SPLIT_INDEX: fixed('SPLIT_INDEX(string, separator, index)', [STR, STR, INT], 3, 'VARCHAR'),
  POSITION: fixed('POSITION(needle IN string)', [STR, STR], 2, 'INT'),
  LOCATE: fixed('LOCATE(needle, string[, from])', [STR, STR, INT], 2, 'INT'),
  LPAD: fixed('LPAD(string, length, padding)', [STR, INT, STR], 3, 'VARCHAR'),
  RPAD: fixed('RPAD(string, length, padding)', [STR, INT, STR], 3, 'VARCHAR'),
  REGEXP_EXTRACT: {
    usage: "REGEXP_EXTRACT(string, regex[, group]), e.g. REGEXP_EXTRACT(url, 'id=(\\d+)', 1)",
    minArgs: 2,
    maxArgs: 3,
    result: (args, name) => {
      fixed(STRING_FUNCTIONS.REGEXP_EXTRACT!.usage, [STR, STR, INT], 2, 'VARCHAR').result(args, name);
      checkRegex(args, name, STRING_FUNCTIONS.REGEXP_EXTRACT!.usage);
      return 'VARCHAR';
    },
  },
  REGEXP_REPLACE: {
    usage: "REGEXP_REPLACE(string, regex, replacement), e.g. REGEXP_REPLACE(s, '[0-9]+', '#')",
    minArgs: 3,
    maxArgs: 3,
    result: (args, name) => {
      fixed(STRING_FUNCTIONS.REGEXP_REPLACE!.usage, [STR, STR, STR], 3, 'VARCHAR').result(args, name);
      checkRegex(args, name, STRING_FUNCTIONS.REGEXP_REPLACE!.usage);
      return 'VARCHAR';
    },
  },
  LIKE: {
    usage: "string LIKE pattern ESCAPE 'c', e.g. name LIKE '100!%' ESCAPE '!'",
    minArgs: 3,
    maxArgs: 3,
    result: (args, name) => {
      const usage = STRING_FUNCTIONS.LIKE!.usage;
      fixed(usage, [STR, STR, STR], 3, 'BOOLEAN').result(args, name);
      const [pattern, escape] = [literalOf(args[1]), literalOf(args[2])];
      if (typeof escape === 'string' && Array.from(escape).length !== 1) {
        throw new EddyError('TYPE_MISMATCH', `the LIKE escape must be one character, got '${escape}'`, args[2]!.span, `write ${usage}`);
      }
      if (typeof pattern === 'string' && typeof escape === 'string') {
        try {
          likeEscapeRegex(pattern, escape);
        } catch (err) {
          throw new EddyError('TYPE_MISMATCH', (err as Error).message, args[1]!.span, `the escape character may only precede %, _ or itself`);
        }
      }
      return 'BOOLEAN';
    },
  },
  CONCAT: {
    usage: 'CONCAT(string, string, ...)',
    minArgs: 1,
    maxArgs: Infinity,
    result: (args, name) => {
      for (const a of args) need(name, a, isStr, 'VARCHAR arguments (CAST numbers to VARCHAR)', 'CONCAT(string, string, ...)');
      return 'VARCHAR';
    },
  },
};

const NUMERIC_FUNCTIONS: Readonly<Record<string, Signature>> = {
  ABS: fixed('ABS(number)', [NUMD], 1, sameNumeric),
  SIGN: fixed('SIGN(number)', [NUM], 1, sameNumeric),
  MOD: fixed('MOD(number, number)', [NUM, NUM], 2, (args) => promoteNumeric(args[0]!.type, args[1]!.type)),
  ROUND: fixed('ROUND(number[, digits])', [NUM, [isInt, 'an integer number of digits']], 1, sameNumeric),
  TRUNCATE: fixed('TRUNCATE(number[, digits])', [NUM, [isInt, 'an integer number of digits']], 1, sameNumeric),
  FLOOR: floorCeil('FLOOR'),
  CEIL: floorCeil('CEIL'),
  CEILING: floorCeil('CEILING'),
  POWER: fixed('POWER(base, exponent)', [NUMD, NUMD], 2, 'DOUBLE'),
  SQRT: fixed('SQRT(number)', [NUMD], 1, 'DOUBLE'),
  LN: fixed('LN(number)', [NUMD], 1, 'DOUBLE'),
  LOG10: fixed('LOG10(number)', [NUMD], 1, 'DOUBLE'),
  LOG2: fixed('LOG2(number)', [NUMD], 1, 'DOUBLE'),
  LOG: fixed('LOG(number) or LOG(base, number)', [NUMD, NUMD], 1, 'DOUBLE'),
  EXP: fixed('EXP(number)', [NUMD], 1, 'DOUBLE'),
};

const TIME_FUNCTIONS: Readonly<Record<string, Signature>> = {
  EXTRACT: {
    usage: 'EXTRACT(unit FROM timestamp)',
    minArgs: 2,
    maxArgs: 2,
    result: (args, name) => {
      unitArg(args[0]!, EXTRACT_UNITS, name, 'EXTRACT(HOUR FROM ts)');
      need(name, args[1]!, isTs, 'a TIMESTAMP after FROM', 'EXTRACT(unit FROM timestamp)');
      return 'BIGINT';
    },
  },
  YEAR: extractShorthand('YEAR'),
  QUARTER: extractShorthand('QUARTER'),
  MONTH: extractShorthand('MONTH'),
  WEEK: extractShorthand('WEEK'),
  DAYOFYEAR: extractShorthand('DAYOFYEAR'),
  DAYOFMONTH: extractShorthand('DAYOFMONTH'),
  DAYOFWEEK: extractShorthand('DAYOFWEEK'),
  HOUR: extractShorthand('HOUR'),
  MINUTE: extractShorthand('MINUTE'),
  SECOND: extractShorthand('SECOND'),
  DATE_FORMAT: {
    usage: "DATE_FORMAT(timestamp, 'yyyy-MM-dd HH:mm')",
    minArgs: 2,
    maxArgs: 2,
    result: (args, name) => {
      const usage = TIME_FUNCTIONS.DATE_FORMAT!.usage;
      need(name, args[0]!, (t) => isTs(t) || t === 'VARCHAR', 'a TIMESTAMP (or timestamp text)', usage);
      need(name, args[1]!, isStr, 'a VARCHAR format', usage);
      checkDatePattern(args[1], usage);
      return 'VARCHAR';
    },
  },
  TO_TIMESTAMP: {
    usage: "TO_TIMESTAMP(string[, format]), e.g. TO_TIMESTAMP('05/01/2024 10:00', 'MM/dd/yyyy HH:mm')",
    minArgs: 1,
    maxArgs: 2,
    result: (args, name) => {
      const usage = TIME_FUNCTIONS.TO_TIMESTAMP!.usage;
      args.forEach((a) => need(name, a, isStr, 'VARCHAR arguments', usage));
      checkDatePattern(args[1], usage);
      return 'TIMESTAMP';
    },
  },
  TIMESTAMPADD: {
    usage: 'TIMESTAMPADD(unit, count, timestamp), e.g. TIMESTAMPADD(DAY, 1, ts)',
    minArgs: 3,
    maxArgs: 3,
    result: (args, name) => {
      const usage = TIME_FUNCTIONS.TIMESTAMPADD!.usage;
      unitArg(args[0]!, TIMESTAMPADD_UNITS, name, usage);
      need(name, args[1]!, isInt, 'an integer count', usage);
      need(name, args[2]!, isTs, 'a TIMESTAMP', usage);
      return 'TIMESTAMP';
    },
  },
  TIMESTAMPDIFF: {
    usage: 'TIMESTAMPDIFF(unit, from, to), e.g. TIMESTAMPDIFF(SECOND, start_ts, end_ts)',
    minArgs: 3,
    maxArgs: 3,
    result: (args, name) => {
      const usage = TIME_FUNCTIONS.TIMESTAMPDIFF!.usage;
      unitArg(args[0]!, TIMESTAMPADD_UNITS, name, usage);
      need(name, args[1]!, isTs, 'TIMESTAMP arguments', usage);
      need(name, args[2]!, isTs, 'TIMESTAMP arguments', usage);
      return 'INT';
    },
  },
  // Flink's processing-time attribute (TIMESTAMP_LTZ(3) *PROCTIME*): the wall clock when the row is processed.
  PROCTIME: { usage: 'PROCTIME()', minArgs: 0, maxArgs: 0, result: () => 'TIMESTAMP' },
  CURRENT_WATERMARK: {
    usage: 'CURRENT_WATERMARK(rowtime_column)',
    minArgs: 1,
    maxArgs: 1,
    result: (args, name) => {
      const a = args[0]!;
      if (a.type !== 'TIMESTAMP' || a.expr?.kind !== 'inputRef') {
        throw new EddyError('TYPE_MISMATCH', `${name} needs the stream's TIMESTAMP column, got ${a.expr?.kind === 'inputRef' ? a.type : 'an expression'}`, a.span, 'pass the column its WATERMARK is declared on, e.g. CURRENT_WATERMARK(ts)');
      }
      return 'TIMESTAMP';
    },
  },
};

const CONDITIONAL_FUNCTIONS: Readonly<Record<string, Signature>> = {
  COALESCE: {
    usage: 'COALESCE(value, value, ...)',
    minArgs: 1,
    maxArgs: Infinity,
    result: (args, name) => {
      let t: SqlType = 'NULL';
      for (const a of args) {
        const u = unifyTypes(t, a.type);
        if (u === undefined) {
          throw new EddyError('TYPE_MISMATCH', `${name} arguments have no common type (${t} and ${a.type})`, a.span, `CAST the arguments to one type`);
        }
        t = u;
      }
      return t;
    },
  },
  NULLIF: {
    usage: 'NULLIF(value, value)',
    minArgs: 2,
    maxArgs: 2,
    result: (args, name) => {
      if (!comparable(args[0]!.type, args[1]!.type)) {
        throw new EddyError('TYPE_MISMATCH', `${name} cannot compare ${args[0]!.type} with ${args[1]!.type}`, args[1]!.span, 'CAST one argument to the type of the other');
      }
      return args[0]!.type;
    },
  },
};

/** Type rules of the scalar functions implemented in src/exec/functions.ts (same upper-case names). */
export const SCALAR_SIGNATURES: Readonly<Record<string, Signature>> = {
  ...STRING_FUNCTIONS,
  ...NUMERIC_FUNCTIONS,
  ...TIME_FUNCTIONS,
  ...CONDITIONAL_FUNCTIONS,
  ...COLLECTION_FUNCTIONS,
};
