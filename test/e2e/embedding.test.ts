/**
 * The embedding API as the README shows it: a memory stream, a continuous query read with
 * `for await`, rows pushed with insert() (objects or an arquero table), end() to finish.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { Eddy, EddyError } from '../../src/index.js';

const CLICKS = `CREATE STREAM clicks (user_id BIGINT, url VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory')`;
const PER_MINUTE = `SELECT user_id, TUMBLE_END(ts, INTERVAL '1' MINUTE) AS minute_end, COUNT(*) AS clicks
  FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL '1' MINUTE)`;
const at = (hhmmss: string): Date => new Date(`2024-05-01T${hhmmss}Z`);

describe('embedding API (README example)', () => {
  it('runs the README example exactly as written', async () => {
    const eddy = await Eddy.open(); // no state file: nothing is checkpointed
    await eddy.execute(CLICKS);
    const q = eddy.query(PER_MINUTE);
    await eddy.insert('clicks', [
      { user_id: 1, url: '/a', ts: '2024-05-01 10:00:05' },
      { user_id: 2, url: '/b', ts: '2024-05-01 10:00:30' },
      { user_id: 1, url: '/c', ts: '2024-05-01 10:01:10' },
    ]);
    eddy.end('clicks'); // bounded input: every window fires
    const rows: unknown[] = [];
    for await (const row of q) rows.push(row);
    await eddy.close();
    expect(q.columns).toEqual(['user_id', 'minute_end', 'clicks']);
    expect(rows).toEqual([
      { user_id: 1, minute_end: at('10:01:00'), clicks: 1 },
      { user_id: 2, minute_end: at('10:01:00'), clicks: 1 },
      { user_id: 1, minute_end: at('10:02:00'), clicks: 1 },
    ]);
    expect((rows[0] as { minute_end: unknown }).minute_end).toBeInstanceOf(Date);
  });

  it('accepts an arquero table (Date and string timestamps, NULLs) as well as objects', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    const q = eddy.query(`SELECT user_id, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS minute, COUNT(*) AS clicks, COUNT(url) AS urls, MAX(url) AS last_url
      FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL '1' MINUTE)`);
    expect(await eddy.insert('clicks', [{ user_id: 1, url: '/a', ts: '2024-05-01 10:00:05' }])).toBe(1);
    const table = aq.table({
      user_id: [1, 2, 2],
      url: ['/z', null, '/b'],
      ts: [at('10:00:59.999'), at('10:00:10'), '2024-05-01 10:01:00'],
    });
    expect(await eddy.insert('clicks', table)).toBe(3);
    eddy.end('clicks');
    const rows = await q.toArray();
    await eddy.close();
    expect(rows).toEqual([
      { user_id: 1, minute: at('10:00:00'), clicks: 2, urls: 2, last_url: '/z' },
      { user_id: 2, minute: at('10:00:00'), clicks: 1, urls: 0, last_url: null },
      { user_id: 2, minute: at('10:01:00'), clicks: 1, urls: 1, last_url: '/b' },
    ]);
  });

  it('emits a window as soon as the watermark passes it, before the stream ends', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    const it = eddy.query(PER_MINUTE)[Symbol.asyncIterator]();
    await eddy.insert('clicks', [{ user_id: 7, url: '/a', ts: '2024-05-01 10:00:05' }]);
    // ts 10:01:01 puts the watermark at 10:01:00 >= window_end - 1: the first minute is complete.
    await eddy.insert('clicks', [{ user_id: 7, url: '/b', ts: '2024-05-01 10:01:01' }]);
    const first = await it.next();
    expect(first).toEqual({ done: false, value: { user_id: 7, minute_end: at('10:01:00'), clicks: 1 } });
    await it.return!();
    await eddy.close();
  });

  it('cancels an unbounded query when the loop breaks', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    const q = eddy.query(`SELECT user_id, url FROM clicks`);
    await eddy.insert('clicks', [
      { user_id: 1, url: '/a', ts: '2024-05-01 10:00:05' },
      { user_id: 2, url: '/b', ts: '2024-05-01 10:00:06' },
    ]);
    const seen: unknown[] = [];
    for await (const row of q) {
      seen.push(row);
      break; // the stream never ends: only break can stop this loop
    }
    expect(seen).toEqual([{ user_id: 1, url: '/a' }]);
    expect(eddy.session.transient.size).toBe(0);
    await eddy.close();
  });

  it('rejects bad SQL at query() and bad rows at insert(), with EddyErrors', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    expect(() => eddy.query('SELECT user FROM clicks')).toThrow(EddyError);
    await expect(eddy.insert('clicks', [{ user_id: 'one' }])).rejects.toMatchObject({ code: 'BAD_ROW' });
    await expect(eddy.execute('SELECT url FROM clicks')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(eddy.insert('nope', [])).rejects.toMatchObject({ code: 'UNKNOWN_STREAM' });
    await eddy.close();
  });

  it('names the stream and suggests the column when insert() gets an unknown field', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    await expect(eddy.insert('clicks', [{ user: 1 }])).rejects.toMatchObject({
      code: 'BAD_ROW',
      message: "row 1: 'user' is not a column of stream 'clicks'",
      hint: "did you mean 'user_id'?",
    });
    await eddy.close();
  });
});
