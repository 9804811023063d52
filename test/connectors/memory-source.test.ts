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
    expect(r.offset()).toBe(2);
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
});
