import { perLayout, type ObjectLayout } from '../common/object-layout.js';
import type { Row, Value } from '../common/types.js';
import type { BoundExpr } from '../planner/bound.js';
import type { CompiledAggregator } from './accumulators/compile-aggregator.js';
import { compileExpr, compileRowBuilder } from './expr-compiler.js';
import { compileKeyExtractor, type StateKey } from './key.js';

/**
 * How an aggregation's per-row loop reads a row `R`: a row array, or an inserted object of one
 * layout (see ObjectLayout), with every accessor compiled for that form.
 */
export interface RowReader<R> {
  /** The event time column. */
  time(row: R): Value;
  /** The encoded GROUP BY key. */
  key(row: R): StateKey;
  /** The GROUP BY key values, as a fresh array. */
  keyValues(row: R): Row;
  /** Updates a group's accumulators with the row. */
  update(s: Value[], row: R): void;
  /** The row as a row array (for the late-row side output). */
  toRow(row: R): Row;
}

/** What a reader is compiled from: the aggregation's time column and keys, and its aggregator. */
export interface ReaderSpec {
  readonly timeIndex: number;
  readonly keys: readonly BoundExpr[];
}

/** The reader of row arrays. */
export function arrayRowReader(spec: ReaderSpec, agg: CompiledAggregator): RowReader<Row> {
  const timeIndex = spec.timeIndex;
  return {
    time: (row) => row[timeIndex]!,
    key: compileKeyExtractor(spec.keys),
    keyValues: compileRowBuilder(spec.keys),
    update: agg.update,
    toRow: (row) => row,
  };
}

/** The reader of inserted objects of `layout`: their properties are read by code compiled for it. */
export function objectRowReader(spec: ReaderSpec, agg: CompiledAggregator, layout: ObjectLayout): RowReader<object> {
  return {
    time: compileExpr({ kind: 'inputRef', index: spec.timeIndex, name: 'time', type: 'TIMESTAMP' }, layout) as (row: object) => Value,
    key: compileKeyExtractor(spec.keys, layout) as (row: object) => StateKey,
    keyValues: compileRowBuilder(spec.keys, layout) as (row: object) => Row,
    update: agg.updateFor(layout),
    toRow: layout.toRow,
  };
}

/** The object readers of one aggregation, compiled per layout on first use. */
export function objectRowReaders(spec: ReaderSpec, agg: CompiledAggregator): (layout: ObjectLayout) => RowReader<object> {
  return perLayout((layout) => objectRowReader(spec, agg, layout));
}
