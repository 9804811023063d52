import { decimalParams, isDecimal, type SqlType, type Value } from '../../common/types.js';
import { bigintAdd, bigintSub, canonical, toBig, type ExactInt } from '../../common/exact.js';
import { decimalBinary } from '../decimal-ops.js';

/**
 * How SUM and AVG add up values of one type: doubles as JS numbers; BIGINT exactly, wrapping at
 * 64 bits as Flink's long (a number while safe, else BigInt: exact.ts); DECIMAL(38, s) exactly,
 * NULL on overflow (Flink's decimal SUM). `add`/`sub` take two non-NULL values.
 */
export interface SumArith {
  readonly add: (a: Value, b: Value) => Value;
  readonly sub: (a: Value, b: Value) => Value;
  /** JS source for `add` on two non-NULL side-effect-free expressions. */
  addSource(a: string, b: string, bind: (x: unknown) => string): string;
  /** sum / n for AVG (n > 0), in the AVG result type. */
  readonly mean: (sum: Value, n: number) => Value;
}

const numberArith = (integerMean: boolean): SumArith => ({
  add: (a, b) => (a as number) + (b as number),
  sub: (a, b) => (a as number) - (b as number),
  addSource: (a, b) => `${a} + ${b}`,
  mean: (sum, n) => (integerMean ? Math.trunc((sum as number) / n) + 0 : (sum as number) / n),
});

const bigintArith: SumArith = {
  add: (a, b) => (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a + b) ? a + b : bigintAdd(a as ExactInt, b as ExactInt)),
  sub: (a, b) => (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a - b) ? a - b : bigintSub(a as ExactInt, b as ExactInt)),
  addSource: (a, b, bind) => `(typeof ${a} === 'number' && typeof ${b} === 'number' && Number.isSafeInteger(${a} + ${b}) ? ${a} + ${b} : ${bind(bigintAdd)}(${a}, ${b}))`,
  // Flink's AVG(BIGINT): the long sum divided by the count, truncated.
  mean: (sum, n) => (typeof sum === 'number' ? Math.trunc(sum / n) + 0 : canonical(toBig(sum as ExactInt) / BigInt(n))),
};

/** The arithmetic of SUM/AVG over values of `argType` giving `resultType` (the planner's aggregate type). */
export function sumArith(argType: SqlType | undefined, resultType: SqlType): SumArith {
  if (argType !== undefined && isDecimal(argType)) {
    const sumType: SqlType = `DECIMAL(38, ${decimalParams(argType)!.scale})`;
    const plus = decimalBinary('+', sumType, sumType, sumType);
    const minus = decimalBinary('-', sumType, sumType, sumType);
    const div = isDecimal(resultType) ? decimalBinary('/', sumType, 'BIGINT', resultType) : null;
    return {
      add: (a, b) => plus(a as ExactInt, b as ExactInt),
      sub: (a, b) => minus(a as ExactInt, b as ExactInt),
      addSource: (a, b, bind) => `${bind(plus)}(${a}, ${b})`,
      mean: (sum, n) => (div === null ? sum : div(sum as ExactInt, n)),
    };
  }
  if (resultType === 'BIGINT') return bigintArith;
  return numberArith(resultType === 'INT');
}
