import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import type { Schema } from '../../src/common/types.js';
import { EddyError } from '../../src/common/errors.js';
import { MemoryStreams, toRows } from '../../src/connectors/memory-source.js';

const schema: Schema = {
  columns: [
    { name: 'user_id', type: 'BIGINT' },
    { name: 'url', type: 'VARCHAR' },
    { name: 'ts', type: 'TIMESTAMP' },
  ],
};
const T0 = Date.UTC(2024, 0, 1);

describe('MemoryStreams', () => {
  it('reads appended rows, [] when caught up, null once ended', async () => {
    const m = new MemoryStreams();
    const r = m.reader('clicks', { endWhenDrained: false });
    expect(r.bounded).toBe(false);
    expect(await r.read(10)).toEqual([]);
    m.append('clicks', [[1, 'a', T0], [2, 'b', T0]]);
    m.append('clicks', [[3, 'c', T0]]);
    expect(await r.read(2)).toEqual([[1, 'a', T0], [2, 'b', T0]]);
    expect(r.offset()).toMatchObject({ row: 2 });
    expect(await r.read(10)).toEqual([[3, 'c', T0]]);
    expect(await r.read(10)).toEqual([]);
    m.end('clicks');
    expect(await r.read(10)).toBeNull();
    expect(() => m.append('clicks', [[4, 'd', T0]])).toThrow("stream 'clicks' has ended");
  });

  it('ends when drained for batch runs, and resumes from a seek offset', async () => {
    const m = new MemoryStreams();
    m.append('s', [[1, null, null], [2, null, null], [3, null, null]]);
    const r = m.reader('s', { endWhenDrained: true });
    expect(r.bounded).toBe(true);
    await r.seek(1);
    expect(await r.read(10)).toEqual([[2, null, null], [3, null, null]]);
    expect(await r.read(10)).toBeNull();
  });

  it('as a sink, rewinds to its recorded position (exactly-once)', async () => {
    const m = new MemoryStreams();
    const sink = m.sink('out');
    await sink.restore(null);
    sink.write([[1, 'a', T0]]);
    await sink.flush();
    const pos = sink.position();
    expect(pos).toEqual({ rows: 1 });
    sink.write([[2, 'b', T0]]);
    const again = m.sink('out');
    await again.restore(JSON.parse(JSON.stringify(pos)));
    again.write([[2, 'b', T0]]);
    expect(m.rows('out')).toEqual([[1, 'a', T0], [2, 'b', T0]]);
    await m.sink('out').restore(null);
    expect(m.rows('out')).toEqual([]);
  });
});

describe('MemoryStreams retention', () => {
  const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => [from + i]);

  it('releases rows every open reader has consumed; offsets stay absolute; a later reader starts at the earliest retained row', async () => {
    const m = new MemoryStreams();
    // Released a whole appended chunk at a time: [0, 3000) [3000, 6000) [6000, 9000) [9000, 10000).
    for (const [from, n] of [[0, 3000], [3000, 3000], [6000, 3000], [9000, 1000]] as const) m.append('s', rows(from, n)); // no reader yet: kept for the first one
    expect(m.rows('s').length).toBe(10_000);
    const a = m.reader('s', { endWhenDrained: false });
    const b = m.reader('s', { endWhenDrained: false });
    for (let i = 0; i < 3; i++) expect((await a.read(9_000))!.length).toBe(3_000); // a read never crosses a chunk
    expect(m.rows('s').length).toBe(10_000); // b has read nothing
    expect((await b.read(4_000))!.length).toBe(3_000);
    expect((await b.read(4_000))!.length).toBe(3_000);
    expect(m.rows('s').length).toBe(10_000); // 6000 consumed rows are kept: fewer than 8192
    expect((await b.read(4_000))!.length).toBe(3_000);
    expect(m.rows('s').length).toBe(1_000); // 9000 consumed by both: released, whole chunks
    expect(m.rows('s')).toEqual(rows(9_000, 1_000));
    expect(m.length('s')).toBe(10_000);
    expect(a.offset()).toMatchObject({ row: 9_000 });
    expect(await a.read(5)).toEqual(rows(9_000, 5));

    const late = m.reader('s', { endWhenDrained: true });
    expect(late.offset()).toMatchObject({ row: 9_000 });
    await expect(late.seek(10)).rejects.toMatchObject({ code: 'CHECKPOINT' });
    await late.seek(9_500);
    expect(await late.read(2)).toEqual(rows(9_500, 2));
    await Promise.all([a.close(), b.close(), late.close()]);
  });

  it('a memory sink keeps absolute positions across releases', async () => {
    const m = new MemoryStreams();
    const sink = m.sink('out');
    await sink.restore(null);
    sink.write(rows(0, 20_000));
    const r = m.reader('out', { endWhenDrained: false });
    await r.read(20_000);
    expect(m.rows('out').length).toBeLessThan(20_000);
    expect(sink.position()).toEqual({ rows: 20_000 });
    sink.write(rows(20_000, 10));
    await sink.restore({ rows: 20_005 });
    expect(m.length('out')).toBe(20_005);
    expect(await r.read(100)).toEqual(rows(20_000, 5));
  });
});

describe('toRows', () => {
  it('converts plain objects, missing fields to NULL, any key case', () => {
    expect(toRows(schema, [{ user_id: 1, url: '/a', ts: '2024-01-01 00:00:00' }, { USER_ID: '2' }, { ts: new Date(T0 + 5) }])).toEqual([
      [1, '/a', T0],
      [2, null, null],
      [null, null, T0 + 5],
    ]);
  });

  it('converts an arquero table by column', () => {
    const t = aq.table({ ts: [new Date(T0), new Date(T0 + 1000)], user_id: [7, 8], url: ['/x', null] });
    expect(toRows(schema, t)).toEqual([
      [7, '/x', T0],
      [8, null, T0 + 1000],
    ]);
    const filtered = t.filter((d: { user_id: number }) => d.user_id > 7);
    expect(toRows(schema, filtered)).toEqual([[8, null, T0 + 1000]]);
  });

  it('reports bad values and unknown columns clearly', () => {
    const err = (f: () => unknown): EddyError => {
      try {
        f();
      } catch (e) {
        return e as EddyError;
      }
      throw new Error('expected an error');
    };
    const e1 = err(() => toRows(schema, [{ user_id: 1 }, { user_id: 'x' }], 'clicks'));
    expect(e1.code).toBe('BAD_ROW');
    expect(e1.message).toBe('row 2: user_id: expected BIGINT, got "x"');
    const e2 = err(() => toRows(schema, [{ usr_id: 1 }], 'clicks'));
    expect(e2.message).toBe("row 1: 'usr_id' is not a column of stream 'clicks'");
    expect(e2.hint).toBe("did you mean 'user_id'?");
    const e3 = err(() => toRows(schema, aq.table({ user_id: [1], ts: ['never'] })));
    expect(e3.message).toContain('row 1: ts: expected TIMESTAMP(3), got "never"');
  });
  it('handles rows whose shape differs from the first object', () => {
    expect(
      toRows(schema, [
        { user_id: 1, url: '/a' },
        { URL: '/b', User_Id: 2 },
        { ts: 5 },
        { url: '/c', user_id: 3, ts: new Date(T0) },
        {},
        { user_id: undefined, url: null },
        Object.assign(Object.create(null) as object, { user_id: 9 }),
      ]),
    ).toEqual([
      [1, '/a', null],
      [2, '/b', null],
      [null, null, 5],
      [3, '/c', T0],
      [null, null, null],
      [null, null, null],
      [9, null, null],
    ]);
    // two spellings of one column: the later key wins, as with Object.entries
    expect(toRows(schema, [{ user_id: 1, USER_ID: 2 }, { user_id: 3 }])).toEqual([
      [2, null, null],
      [3, null, null],
    ]);
  });

  it('reads only own fields, never inherited ones', () => {
    class Click {
      constructor(readonly url: string) {}
      get user_id(): number {
        return 42;
      }
    }
    const inherits = Object.create({ user_id: 7 }) as { url?: string };
    inherits.url = '/i';
    expect(toRows(schema, [{ user_id: 1, url: '/a' }, new Click('/k'), inherits])).toEqual([
      [1, '/a', null],
      [null, '/k', null],
      [null, '/i', null],
    ]);
  });

  it('catches an unknown field in any row, even one with as many keys as the first', () => {
    const msg = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect((e as EddyError).code).toBe('BAD_ROW');
        return `${(e as EddyError).message} | ${(e as EddyError).hint}`;
      }
      throw new Error('expected an error');
    };
    expect(msg(() => toRows(schema, [{ user_id: 1, url: '/a' }, { user_id: 2, urll: '/b' }], 'clicks'))).toBe(
      "row 2: 'urll' is not a column of stream 'clicks' | did you mean 'url'?",
    );
    expect(msg(() => toRows(schema, [{ user_id: 1 }, { user_id: 2, bogus: undefined }], 'clicks'))).toBe(
      "row 2: 'bogus' is not a column of stream 'clicks' | columns: user_id, url, ts",
    );
    expect(msg(() => toRows(schema, [{ user_id: 1 }, { user_id: 2 }, { user_id: 2.5 }], 'clicks'))).toBe('row 3: user_id: expected BIGINT, got 2.5 | undefined');
    expect(msg(() => toRows(schema, [{ ts: T0 }, { ts: new Date(NaN) }]))).toBe('row 2: ts: expected TIMESTAMP(3), got an invalid date (use epoch ms, \'yyyy-MM-dd HH:mm:ss[.SSS]\' or ISO-8601) | undefined');
    expect(msg(() => toRows(schema, [{ user_id: 1 }, [2]]))).toBe('row 2: expected an object keyed by column name, got an array | undefined');
    expect(msg(() => toRows(schema, aq.table({ user_id: [1], nope: [2] }), 'clicks'))).toBe("table column: 'nope' is not a column of stream 'clicks' | columns: user_id, url, ts");
    // the first bad row is the one reported, whatever its column
    expect(msg(() => toRows(schema, aq.table({ user_id: [1, 2, 'x'], ts: [T0, 'never', T0] })))).toMatch(/^row 2: ts: expected TIMESTAMP\(3\), got "never"/);
  });

  it('coerces every type on the fast path exactly as coerceValue does', () => {
    const all: Schema = {
      columns: [
        { name: 'i', type: 'INT' },
        { name: 'b', type: 'BIGINT' },
        { name: 'd', type: 'DOUBLE' },
        { name: 'f', type: 'FLOAT' },
        { name: 's', type: 'VARCHAR' },
        { name: 't', type: 'TIMESTAMP' },
        { name: 'o', type: 'BOOLEAN' },
      ],
    };
    const input = [
      { i: 1, b: 2 ** 40, d: 1.5, f: NaN, s: 'x', t: T0, o: true },
      { i: '7', b: ' 8 ', d: '2.5', f: 'Infinity', s: 12, t: '2024-01-01 00:00:00.250', o: 'FALSE' },
      { i: -0, b: null, d: -Infinity, f: 0, s: false, t: 1.9, o: false },
    ];
    expect(toRows(all, input)).toEqual([
      [1, 2 ** 40, 1.5, NaN, 'x', T0, true],
      [7, 8, 2.5, Infinity, '12', T0 + 250, false],
      [-0, null, -Infinity, 0, 'false', 1, false],
    ]);
    expect(() => toRows(all, [{ i: 2 ** 31 }])).toThrow('out of INT range');
    // BIGINT is exact over 64 bits: 2^53 (a double that holds it exactly) is read as the BigInt; 2^64 is beyond.
    expect(toRows(all, [{ b: 2 ** 53 }])[0]![1]).toBe(2n ** 53n);
    expect(() => toRows(all, [{ b: 2 ** 64 }])).toThrow('beyond the 64-bit range');
  });

  it('reads an ordered, filtered arquero table in its order', () => {
    const t = aq
      .table({ user_id: [3, 1, 2, 4], url: ['/c', '/a', '/b', '/d'] })
      .filter((d: { user_id: number }) => d.user_id < 4)
      .orderby('user_id');
    expect(toRows(schema, t)).toEqual([
      [1, '/a', null],
      [2, '/b', null],
      [3, '/c', null],
    ]);
  });
});

describe('memory offsets across processes', () => {
  it('an offset saved by another incarnation of the log (an earlier process) reads the new log from its start', async () => {
    const before = new MemoryStreams();
    before.append('m', [[1], [2], [3]]);
    const r1 = before.reader('m', { endWhenDrained: false });
    await r1.read(10);
    const saved = JSON.parse(JSON.stringify(r1.offset())) as unknown;
    expect(saved).toMatchObject({ row: 3 });

    // Same process (a restart from a checkpoint): the exact position.
    const again = before.reader('m', { endWhenDrained: false });
    await again.seek(saved);
    before.append('m', [[4]]);
    expect(await again.read(10)).toEqual([[4]]);

    // A new process: its rows are all new to the query, none may be skipped.
    const after = new MemoryStreams();
    after.append('m', [[10], [20], [30], [40]]);
    const r2 = after.reader('m', { endWhenDrained: false });
    await r2.seek(saved);
    expect(await r2.read(10)).toEqual([[10], [20], [30], [40]]);
    await expect(r2.seek({ row: -1, incarnation: 'x' })).rejects.toMatchObject({ code: 'CHECKPOINT' });

    // A host that refills the same rows may adopt the earlier incarnation: offsets stay exact.
    const refilled = new MemoryStreams();
    refilled.append('m', [[1], [2], [3], [4]]);
    refilled.adoptIncarnation('m', before.incarnation('m'));
    const r3 = refilled.reader('m', { endWhenDrained: false });
    await r3.seek(saved);
    expect(await r3.read(10)).toEqual([[4]]);
  });
});
