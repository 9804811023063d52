import type { UserFunction } from './user-functions.js';
import type { SqlType, Value } from '../common/types.js';
import type { BinaryOp } from '../parser/ast.js';

/**
 * A resolved, typed expression over the columns of one input row (by position).
 * Produced by the binder; compiled to a JS function by src/exec/expr-compiler.ts.
 */
export type BoundExpr =
  | { readonly kind: 'literal'; readonly value: Value; readonly type: SqlType }
  | { readonly kind: 'inputRef'; readonly index: number; readonly name: string; readonly type: SqlType }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: BoundExpr; readonly right: BoundExpr; readonly type: SqlType }
  | { readonly kind: 'unary'; readonly op: 'NOT' | '-'; readonly operand: BoundExpr; readonly type: SqlType }
  | { readonly kind: 'isNull'; readonly operand: BoundExpr; readonly negated: boolean; readonly type: 'BOOLEAN' }
  | { readonly kind: 'between'; readonly operand: BoundExpr; readonly low: BoundExpr; readonly high: BoundExpr; readonly negated: boolean; readonly type: 'BOOLEAN' }
  | { readonly kind: 'in'; readonly operand: BoundExpr; readonly list: readonly BoundExpr[]; readonly negated: boolean; readonly type: 'BOOLEAN' }
  | { readonly kind: 'like'; readonly operand: BoundExpr; readonly pattern: BoundExpr; readonly negated: boolean; readonly type: 'BOOLEAN' }
  | {
      readonly kind: 'case';
      readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
      readonly else: BoundExpr;
      readonly type: SqlType;
    }
  | { readonly kind: 'cast'; readonly operand: BoundExpr; readonly type: SqlType }
  /** A scalar function from src/exec/functions.ts, by upper-case name; or, with `udf`, a user-defined function (`fn` its name as declared). */
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly BoundExpr[]; readonly type: SqlType; readonly udf?: UserFunction };

export type AggFn =
  | 'COUNT_STAR' | 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX'
  | 'APPROX_COUNT_DISTINCT' | 'STDDEV_POP' | 'STDDEV_SAMP' | 'VAR_POP' | 'VAR_SAMP'
  | 'FIRST_VALUE' | 'LAST_VALUE' | 'LISTAGG' | 'APPROX_PERCENTILE';

/** The aggregates that can take a value back, so can aggregate an updating input (Flink's *WithRetract functions). */
export const RETRACTABLE_AGGREGATES: ReadonlySet<AggFn> = new Set<AggFn>(['COUNT_STAR', 'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'VAR_POP', 'VAR_SAMP', 'STDDEV_POP', 'STDDEV_SAMP']);

/** One aggregate of a GROUP BY: its argument and filter are expressions over the aggregate's input row. */
export interface AggCall {
  readonly fn: AggFn;
  readonly arg?: BoundExpr;
  /**
   * Extra arguments: LISTAGG's separator and APPROX_PERCENTILE's p (literals), FIRST_VALUE /
   * LAST_VALUE's event-time column (an inputRef, read per row).
   */
  readonly args?: readonly BoundExpr[];
  readonly distinct: boolean;
  readonly filter?: BoundExpr;
  readonly type: SqlType;
  /** As written, for EXPLAIN and column naming, e.g. "COUNT(*)", "MAX(price)". */
  readonly display: string;
}

/** Window assigners; sizes in milliseconds. Windows align to the epoch plus `offset`. */
export type WindowSpec =
  | { readonly kind: 'tumble'; readonly size: number; readonly offset: number }
  | { readonly kind: 'hop'; readonly slide: number; readonly size: number; readonly offset: number }
  | { readonly kind: 'cumulate'; readonly step: number; readonly size: number; readonly offset: number }
  | { readonly kind: 'session'; readonly gap: number };
