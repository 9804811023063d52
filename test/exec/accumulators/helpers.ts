import type { Row, Value } from '../../../src/common/types.js';
import { compileAggregator } from '../../../src/exec/accumulators/compile-aggregator.js';
import { ByteReader, ByteWriter, valuesCodec } from '../../../src/exec/state/index.js';
import type { AggCall } from '../../../src/planner/bound.js';

export type Calls = readonly AggCall[];

/** The state after feeding `rows` to a fresh aggregator. */
export function stateOf(calls: Calls, rows: readonly Row[]): Value[] {
  const a = compileAggregator(calls);
  const s: Value[] = [];
  a.init(s);
  for (const r of rows) a.update(s, r);
  return s;
}

export function resultsOf(calls: Calls, s: readonly Value[]): Value[] {
  const out: Value[] = [];
  compileAggregator(calls).results(s, out);
  return out;
}

/** Aggregates `rows` in one go. */
export const aggregate = (calls: Calls, rows: readonly Row[]): Value[] => resultsOf(calls, stateOf(calls, rows));

/** Aggregates r1 and r2 separately, then merges r2's state into r1's. */
export function merged(calls: Calls, r1: readonly Row[], r2: readonly Row[]): Value[] {
  const s1 = stateOf(calls, r1);
  compileAggregator(calls).merge(s1, stateOf(calls, r2));
  return resultsOf(calls, s1);
}

/** A state through the window operator's checkpoint codec (binary path) and back. */
export function roundTrip(s: readonly Value[]): Value[] {
  const codec = valuesCodec();
  const w = new ByteWriter(64);
  codec.write!(s as Value[], w);
  const r = new ByteReader(w.slice(0, w.pos));
  const back = codec.read!(r);
  if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left over`);
  return back;
}

/** Bytes the state takes in a checkpoint. */
export function checkpointBytes(s: readonly Value[]): number {
  const w = new ByteWriter(64);
  valuesCodec().write!(s as Value[], w);
  return w.pos;
}

/** A deterministic pseudo-random generator (mulberry32) for reproducible large inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
