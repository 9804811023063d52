import type { Value } from '../../common/types.js';
import { slotArray, type Accumulator } from './accumulator.js';
import { newSketch, sketchAdd, sketchMerge, sketchQuantile, type KllSketch } from './kll-sketch.js';

const sketchAt = (s: readonly Value[], at: number): KllSketch => slotArray<KllSketch[number]>(s, at);

function addValue(s: Value[], at: number, v: Value): void {
  sketchAdd(sketchAt(s, at), v as number);
}

/**
 * APPROX_PERCENTILE(x, p): an input value whose rank is about p·n (nearest rank: the smallest
 * value with at least p·n values <= it), from a bounded KLL sketch (src/exec/accumulators/kll-sketch.ts:
 * rank error about 1.7% of n, exact below 200 values; p = 0 / 1 are the exact MIN / MAX). NULL for none.
 */
export function approxPercentile(p: number): Accumulator {
  return {
    width: 1,
    init: (s, at) => void (s[at] = newSketch() as unknown as Value),
    add: addValue,
    merge: (into, from, at) => sketchMerge(sketchAt(into, at), sketchAt(from, at)),
    result: (s, at): Value => sketchQuantile(sketchAt(s, at), p),
    addSource: (s, at, v, bind) => `${bind(addValue)}(${s}, ${at}, ${v});`,
  };
}
