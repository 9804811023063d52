import type { Value } from '../../common/types.js';
import { ChunkFormatError } from '../state/byte-io.js';
import type { StateCodec } from '../state/keyed-state-table.js';
import { valuesCodec, writeTagged } from '../state/tagged-value.js';

/** Bookkeeping slots before a regular join's stored row (count, assoc, stamp): src/exec/operators/join.ts. */
export const JOIN_RECORD_HEAD = 3;

/** The stamp of a record that no clock stamped: counts as written at the first watermark (join.ts). */
const UNSTAMPED = -Infinity;

/**
 * The codec of a join side that keeps bare records in memory (each row's `width` columns, count 1,
 * no assoc, no stamp): checkpoints hold full records (count 1, assoc 0, unstamped), the format of
 * every other join side, so a restore under another 'state.ttl' reads them; reading full records
 * back keeps `count` copies of each row's columns.
 */
export function bareRecordsCodec(width: number): StateCodec<Value[]> {
  const full = valuesCodec();
  const expand = (v: Value[]): Value[] => {
    const out: Value[] = [];
    for (let p = 0; p < v.length; p += width) {
      out.push(1, 0, UNSTAMPED);
      for (let c = 0; c < width; c++) out.push(v[p + c]!);
    }
    return out;
  };
  const bare = (v: Value[]): Value[] => {
    const step = JOIN_RECORD_HEAD + width;
    if (v.length % step !== 0) throw new ChunkFormatError(`join state: ${v.length} values are no whole records of ${step}`);
    const out: Value[] = [];
    for (let p = 0; p < v.length; p += step) {
      const count = v[p];
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new ChunkFormatError(`join state: a record's count is ${String(count)}`);
      for (let k = 0; k < count; k++) for (let c = 0; c < width; c++) out.push(v[p + JOIN_RECORD_HEAD + c]!);
    }
    return out;
  };
  return {
    encode: (v) => expand(v),
    decode: (x) => bare(full.decode(x)),
    write: (v, w) => {
      // valuesCodec's form of expand(v), written without building it.
      w.uvar((v.length / width) * (JOIN_RECORD_HEAD + width));
      for (let p = 0; p < v.length; p += width) {
        writeTagged(1, w);
        writeTagged(0, w);
        writeTagged(UNSTAMPED, w);
        for (let c = 0; c < width; c++) writeTagged(v[p + c], w);
      }
    },
    read: (r) => bare(full.read!(r)),
  };
}
