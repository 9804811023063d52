/**
 * The per-key layout of SESSION state (SessionSlots + SessionAssigner + sessionStateCodec): a key
 * with one session is a bare slot number, several sessions a sorted list that collapses back into
 * the home slot, merges and splits keep the aggregates, the checkpoint form is the old one and
 * restores to the same state, and compaction renumbers without changing any session.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../../src/common/types.js';
import { compileAggregator } from '../../../src/exec/accumulators/compile-aggregator.js';
import { ByteReader, ByteWriter, writeTagged } from '../../../src/exec/state/index.js';
import { SessionAssigner, dropSession, homeOf, settle, type KeySessions } from '../../../src/exec/windows/session.js';
import { sessionStateCodec } from '../../../src/exec/windows/session-codec.js';
import { SessionSlots } from '../../../src/exec/windows/session-slots.js';
import { agg, col } from '../helpers.js';

const GAP = 10;

/** Rows [key, ts, v]; aggregates COUNT(*), SUM(v). */
function setup() {
  const aggregator = compileAggregator([agg('COUNT_STAR'), agg('SUM', col(2, 'INT'))]);
  const slots = new SessionSlots(aggregator.width, 1);
  const assigner = new SessionAssigner(GAP, slots, aggregator);
  const codec = sessionStateCodec(slots);
  return { slots, assigner, codec, update: aggregator.update };
}

type Setup = ReturnType<typeof setup>;

/** SessionAssigner.first + the row's update + store, as the operator does them: returns the slot. */
function firstRow({ assigner, update }: Setup, keys: readonly Value[], ts: number, row: Row, born: number): number {
  const s = assigner.first(keys, ts, born);
  update(assigner.acc, row);
  assigner.store(s);
  return s;
}

/** SessionAssigner.add + the row's update + store: returns the slot the row went into. */
function addRow({ assigner, update }: Setup, state: { value: KeySessions }, ts: number, row: Row, born: number): number {
  const s = assigner.add(state, ts, born);
  update(assigner.acc, row);
  assigner.store(s);
  return s;
}

/** The key's sessions as checkpoint rows [start, end, born, count, sum], in list order. */
function rows(slots: SessionSlots, v: KeySessions): Value[][] {
  return (typeof v === 'number' ? [v] : v.sessions).map((s) => slots.sessionRow(s));
}

/** Feeds one key's (ts, v) pairs, born numbers counting up from 0 as in the operator; returns its state. */
function feedKey(t: Setup, pairs: readonly [number, number][]): { value: KeySessions } {
  let born = 0;
  const [ts0, v0] = pairs[0]!;
  const state = { value: firstRow(t, ['k'], ts0, ['k', ts0, v0], born++) as KeySessions };
  for (const [ts, v] of pairs.slice(1)) {
    const s = addRow(t, state, ts, ['k', ts, v], born);
    if (t.slots.born(s) === born) born++;
  }
  return state;
}

/** Sessions of one key's rows by the batch definition (sort, cut where the gap is > GAP: touching windows merge), as [start, end, count, sum]. */
function reference(pairs: readonly [number, number][]): Value[][] {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const out: Value[][] = [];
  for (const [ts, v] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && ts <= (last[1] as number)) {
      last[1] = Math.max(last[1] as number, ts + GAP);
      last[2] = (last[2] as number) + 1;
      last[3] = (last[3] as number) + v;
    } else out.push([ts, ts + GAP, 1, v]);
  }
  return out;
}

/** The bytes `codec.write` gives for v. */
function written(codec: Setup['codec'], v: KeySessions): Buffer {
  const w = new ByteWriter(256);
  codec.write!(v, w);
  return w.slice(0, w.pos);
}

describe('SESSION state layout', () => {
  it('a key with one session is its home slot number; rows inside the session extend it in place', () => {
    const t = setup();
    const state = feedKey(t, [
      [100, 1],
      [105, 2],
      [95, 4],
    ]);
    expect(typeof state.value).toBe('number');
    expect(rows(t.slots, state.value)).toEqual([[95, 115, 0, 3, 7]]);
    expect(t.slots.size).toBe(1);
  });

  it('disjoint rows split off a list sorted by start; bridging rows merge it back into the home slot with the smallest born', () => {
    const t = setup();
    const state = feedKey(t, [
      [100, 1], // born 0, the home
      [200, 2], // born 1
      [50, 4], // born 2, before the home's session
    ]);
    const home = homeOf(state.value);
    expect(typeof state.value).toBe('object');
    expect(rows(t.slots, state.value)).toEqual([
      [50, 60, 2, 1, 4],
      [100, 110, 0, 1, 1],
      [200, 210, 1, 1, 2],
    ]);
    expect(t.slots.size).toBe(3);
    const s = addRow(t, state, 59, ['k', 59, 8], 3); // [50, 69)
    expect(t.slots.start(s)).toBe(50);
    for (const [ts, v] of [
      [68, 16], // [50, 78)
      [77, 32], // [50, 87)
      [86, 64], // [50, 96): still apart from [100, 110)
      [95, 128], // bridges into [50, 110)
    ] as const) {
      addRow(t, state, ts, ['k', ts, v], 3);
    }
    expect(rows(t.slots, state.value)).toEqual([
      [50, 110, 0, 7, 253],
      [200, 210, 1, 1, 2],
    ]);
    // Up to [50, 200), then 199 bridges it with [200, 210).
    for (const ts of [109, 118, 127, 136, 145, 154, 163, 172, 181, 190, 199]) addRow(t, state, ts, ['k', ts, 0], 3);
    expect(state.value).toBe(home);
    expect(rows(t.slots, state.value)).toEqual([[50, 210, 0, 19, 255]]);
    expect(t.slots.start(home)).toBe(50);
    expect(t.slots.size).toBe(1);
  });

  it('dropping the home session and settling moves the survivor into the home slot', () => {
    const t = setup();
    const state = feedKey(t, [
      [100, 1],
      [200, 2],
    ]);
    const v = state.value;
    if (typeof v === 'number') throw new Error('expected a list');
    const [first, second] = v.sessions as [number, number];
    expect(first).toBe(v.home);
    const survivor = t.slots.sessionRow(second);
    dropSession(t.slots, first, v.home);
    expect(settle(t.slots, v.home, [second], v)).toBe(v.home);
    expect(t.slots.sessionRow(v.home)).toEqual(survivor);
    expect(t.slots.size).toBe(1);
  });

  it('any rows of a key fold to the batch sessions; slots in use equal the sessions', () => {
    const pairsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: -9, max: 9 })), { minLength: 1, maxLength: 40, size: 'max' });
    fc.assert(
      fc.property(pairsArb, (pairs) => {
        const t = setup();
        const state = feedKey(t, pairs);
        const got = rows(t.slots, state.value).map((r) => [r[0], r[1], r[3], r[4]]);
        expect(got).toEqual(reference(pairs));
        expect(typeof state.value === 'number').toBe(got.length === 1);
        expect(t.slots.size).toBe(got.length);
      }),
      { numRuns: 300 },
    );
  });

  it('checkpoints as [keys, sessions] (the old form), restores to the same state, and writes the bytes of that form', () => {
    const t = setup();
    const one = feedKey(t, [
      [100, 1],
      [104, 2],
    ]).value;
    const several = feedKey(t, [
      [100, 1],
      [300, 2],
    ]).value;
    t.slots.setEmitted(homeOf(several), [[300, 310, 1, 2]]);
    expect(t.codec.encode(one)).toEqual([['k'], [[100, 114, 0, 2, 3]]]);
    expect(t.codec.encode(several)).toEqual([['k'], [[100, 110, 0, 1, 1], [300, 310, 1, 1, 2]], [[300, 310, 1, 2]]]);
    for (const v of [one, several]) {
      const w = new ByteWriter(256);
      writeTagged(t.codec.encode(v), w);
      expect(written(t.codec, v)).toEqual(w.slice(0, w.pos));
      const fresh = setup();
      const restored = fresh.codec.read!(new ByteReader(written(t.codec, v)));
      expect(typeof restored).toBe(typeof v);
      expect(fresh.codec.encode(restored)).toEqual(t.codec.encode(v));
    }
  });

  it('decodes a value of an old append-only checkpoint, and refuses malformed ones', () => {
    const t = setup();
    const old = [['k'], [[0, 10, 7, 1, 5]]];
    const v = t.codec.decode(old);
    expect(typeof v).toBe('number');
    expect(t.codec.encode(v)).toEqual(old);
    expect(() => t.codec.decode([['k'], [[0, 10]]])).toThrow(/not \[keys, sessions\]/);
    expect(() => t.codec.decode([['k', 'extra'], [[0, 10, 0, 1, 5]]])).toThrow(/key values/);
    expect(() => t.codec.decode([['k'], [['0', 10, 0, 1, 5]]])).toThrow(/bounds/);
  });

  it('compaction moves the live slots to the front with the same contents and returns the room of a peak', () => {
    const t = setup();
    const states: { value: KeySessions }[] = [];
    for (let k = 0; k < 6000; k++) states.push({ value: firstRow(t, [`k${k}`], k, [`k${k}`, k, k % 7] as Row, k) });
    for (const s of states.slice(0, 2000)) addRow(t, s, 1_000_000, ['x', 1_000_000, 1], 9999); // a second session: lists
    const keep = states.filter((_, k) => k % 9 === 0);
    for (const [k, s] of states.entries()) if (k % 9 !== 0) for (const slot of typeof s.value === 'number' ? [s.value] : s.value.sessions) t.slots.release(slot);
    expect(t.slots.sparse).toBe(true);
    const before = keep.map((s) => [t.slots.keysOf(homeOf(s.value)), rows(t.slots, s.value)]);
    const live = keep.flatMap((s) => (typeof s.value === 'number' ? [s.value] : [s.value.home, ...s.value.sessions.filter((x) => x !== homeOf(s.value))]));
    const renumbered = t.slots.compact(live);
    for (const s of keep) {
      const v = s.value;
      s.value = typeof v === 'number' ? renumbered[v]! : { home: renumbered[v.home]!, sessions: v.sessions.map((x) => renumbered[x]!) };
    }
    expect(keep.map((s) => [t.slots.keysOf(homeOf(s.value)), rows(t.slots, s.value)])).toEqual(before);
    expect(Math.max(...live.map((s) => renumbered[s]!))).toBe(live.length - 1);
    expect(t.slots.size).toBe(live.length);
    expect(t.slots.sparse).toBe(false);
    // New slots continue after the live ones.
    expect(t.slots.alloc()).toBe(live.length);
  });
});
