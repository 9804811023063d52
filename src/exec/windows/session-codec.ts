import type { Value } from '../../common/types.js';
import { ChunkFormatError } from '../state/byte-io.js';
import type { StateCodec } from '../state/keyed-state-table.js';
import { readTagged, writeTagged } from '../state/tagged-value.js';
import { SESSION_BASE, homeOf, type KeySessions } from './session.js';
import type { EmittedSession } from './session-changelog.js';
import type { SessionSlots } from './session-slots.js';

const isRows = (x: unknown, min: number): boolean => Array.isArray(x) && x.every((s) => Array.isArray(s) && s.length >= min);

const hasBounds = (row: readonly unknown[]): boolean => typeof row[0] === 'number' && typeof row[1] === 'number' && typeof row[2] === 'number';

/**
 * Checkpoint codec of a key's sessions: the tagged form of [keys, sessions] with each session as
 * [start, end, born, ...accumulators], plus the emitted results when there are any (so
 * append-only state encodes as it always has). Decoding allocates the key's slots in `slots`.
 */
export function sessionStateCodec(slots: SessionSlots): StateCodec<KeySessions> {
  const encode = (v: KeySessions): unknown[] => {
    const home = homeOf(v);
    const sessions = typeof v === 'number' ? [slots.sessionRow(v)] : v.sessions.map((s) => slots.sessionRow(s));
    const emitted = slots.emittedOf(home);
    return emitted === null || emitted.length === 0 ? [slots.keysOf(home), sessions] : [slots.keysOf(home), sessions, emitted];
  };
  const decode = (x: unknown): KeySessions => {
    if (!Array.isArray(x) || (x.length !== 2 && x.length !== 3) || !Array.isArray(x[0]) || !isRows(x[1], SESSION_BASE) || (x.length === 3 && !isRows(x[2], 2))) {
      throw new ChunkFormatError('session state is not [keys, sessions] or [keys, sessions, emitted]');
    }
    const keys = x[0] as Value[];
    const rows = x[1] as Value[][];
    if (keys.length !== slots.arity) throw new ChunkFormatError(`session state has ${keys.length} key values, expected ${slots.arity}`);
    if (!rows.every(hasBounds)) throw new ChunkFormatError('session bounds are not numbers');
    const home = slots.alloc();
    slots.setKeys(home, keys);
    if (x.length === 3) slots.setEmitted(home, x[2] as EmittedSession[]);
    const sessions = rows.map((row, i) => {
      const s = i === 0 ? home : slots.alloc();
      slots.setSessionRow(s, row);
      return s;
    });
    return sessions.length === 1 ? home : { home, sessions };
  };
  // The binary path writes a one-session key from reused arrays (the same tagged bytes as encode's).
  const keysBuf = new Array<Value>(slots.arity);
  const rowBuf = new Array<Value>(SESSION_BASE + slots.width);
  const one = [keysBuf, [rowBuf]];
  return {
    encode,
    decode,
    write: (v, w) => {
      if (typeof v === 'number' && slots.emittedOf(v) === null) {
        slots.writeKeys(v, keysBuf, 0);
        slots.sessionRow(v, rowBuf);
        writeTagged(one, w);
      } else writeTagged(encode(v), w);
    },
    read: (r) => decode(readTagged(r)),
  };
}
