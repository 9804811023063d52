/**
 * The embedding API cannot be misused silently (issue 13): after close() every method throws
 * EddyError CLOSED, close() leaves nothing that keeps Node alive, execute() refuses a SELECT before
 * anything runs, a QueryResult iterates once, toArray() after break or cancel() resolves, and
 * end()/insert() of an unknown stream throw with a did-you-mean.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Eddy, EddyError } from '../../src/index.js';
import { tempDir } from './checkpoint-helpers.js';

const CLICKS = "CREATE STREAM clicks (user_id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')";
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ user_id: i, ts: new Date(1_700_000_000_000 + i) }));

async function expectError(p: Promise<unknown> | (() => unknown), code: string, message: RegExp, hint?: RegExp): Promise<void> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(EddyError);
  expect((err as EddyError).code).toBe(code);
  expect((err as EddyError).message).toMatch(message);
  if (hint) expect((err as EddyError).hint).toMatch(hint);
}

describe('after close()', () => {
  for (const state of ['memory', 'file'] as const) {
    it(`every method throws EddyError CLOSED (${state} state); close() is idempotent`, async () => {
      const eddy = await Eddy.open(state === 'file' ? { state: join(tempDir('api-closed'), 'state.db') } : {});
      await eddy.execute(CLICKS);
      await eddy.close();
      await eddy.close();
      await expectError(eddy.insert('clicks', rows(1)), 'CLOSED', /^insert\(\) called after close\(\)$/, /Eddy\.open/);
      await expectError(eddy.execute('SHOW STREAMS'), 'CLOSED', /^execute\(\) called after close\(\)$/);
      await expectError(() => eddy.query('SELECT user_id FROM clicks'), 'CLOSED', /^query\(\) called after close\(\)$/);
      await expectError(() => eddy.end('clicks'), 'CLOSED', /^end\(\) called after close\(\)$/);
      await expectError(() => eddy.persistentQuery('x'), 'CLOSED', /^persistentQuery\(\) called after close\(\)$/);
    });
  }

  it('a program that closes exits by itself (no timer or handle left), with a running persistent query, a broken loop and an unread query', () => {
    const dir = tempDir('api-exit');
    const index = resolve(__dirname, '../../dist/src/index.js');
    writeFileSync(
      join(dir, 'prog.mjs'),
      `import { Eddy } from ${JSON.stringify(index)};
const eddy = await Eddy.open({ state: 'state.db', checkpointInterval: '20ms' });
await eddy.execute(${JSON.stringify(CLICKS)});
await eddy.execute("CREATE STREAM out (user_id BIGINT) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json')");
await eddy.execute('INSERT INTO out SELECT user_id FROM clicks');
const rows = Array.from({ length: 1000 }, (_, i) => ({ user_id: i, ts: new Date(1700000000000 + i) }));
await eddy.insert('clicks', rows);
for await (const r of eddy.query('SELECT user_id FROM clicks')) break;
eddy.query('SELECT user_id FROM clicks WHERE user_id > 3');
await new Promise((r) => setTimeout(r, 100));
await eddy.close();
console.log('closed');
`,
    );
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['prog.mjs'], { cwd: dir, encoding: 'utf8', timeout: 8_000 });
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull(); // not killed by the timeout: it ended by itself
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('closed\n');
    expect(Date.now() - t0).toBeLessThan(8_000);
  });
});

describe('queries', () => {
  it('execute() with a SELECT throws before any statement runs and leaves no query behind', async () => {
    const eddy = await Eddy.open();
    await expectError(eddy.execute(`${CLICKS}; SELECT user_id FROM clicks`), 'UNSUPPORTED', /execute\(\) does not run SELECT queries/, /eddy\.query/);
    expect((await eddy.execute('SHOW STREAMS'))[0]).toMatchObject({ kind: 'table', rows: [] });
    await eddy.execute(CLICKS);
    await expectError(eddy.execute('SELECT user_id FROM clicks'), 'UNSUPPORTED', /does not run SELECT/);
    expect((await eddy.execute('SHOW QUERIES'))[0]).toMatchObject({ kind: 'table', rows: [] });
    await eddy.close();
  });

  it('a QueryResult iterates once: a second for-await throws with a hint; toArray() after break resolves with the rows not taken', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    await eddy.insert('clicks', rows(5));
    const q = eddy.query<{ user_id: number }>('SELECT user_id FROM clicks');
    const seen: number[] = [];
    for await (const r of q) {
      seen.push(r.user_id);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([0, 1]);
    const rest = await q.toArray();
    expect(rest.map((r) => r.user_id)).toEqual([2, 3, 4]);
    await expectError(
      (async () => {
        for await (const r of q) void r;
      })(),
      'UNSUPPORTED',
      new RegExp(`query '${q.id}' was already iterated: a QueryResult iterates once`),
      /eddy\.query\(sql\) again/,
    );
    await eddy.close();
  });

  it('toArray() after cancel() resolves: before iterating with nothing, while iterating with what was read', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    await eddy.insert('clicks', rows(3));
    const never = eddy.query('SELECT user_id FROM clicks');
    never.cancel();
    expect(await never.toArray()).toEqual([]);

    const q = eddy.query('SELECT user_id FROM clicks');
    const all = q.toArray();
    await new Promise((r) => setTimeout(r, 50));
    q.cancel(); // the stream never ends: only cancel() ends toArray()
    expect((await all).map((r) => r['user_id'])).toEqual([0, 1, 2]);
    expect((await eddy.execute('SHOW QUERIES'))[0]).toMatchObject({ rows: [] });
    await eddy.close();
  });

  it('end() and insert() of an unknown stream throw with a did-you-mean; of a non-memory stream they are refused', async () => {
    const eddy = await Eddy.open();
    await eddy.execute(CLICKS);
    await eddy.execute("CREATE STREAM gen (k BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
    await expectError(() => eddy.end('clickz'), 'UNKNOWN_STREAM', /unknown stream 'clickz'/, /did you mean 'clicks'/);
    await expectError(() => eddy.end('nope'), 'UNKNOWN_STREAM', /unknown stream 'nope'/);
    await expectError(eddy.insert('clickz', rows(1)), 'UNKNOWN_STREAM', /unknown stream 'clickz'/, /did you mean 'clicks'/);
    await expectError(() => eddy.end('gen'), 'UNSUPPORTED', /end\(\) needs a 'memory' stream; 'gen' uses connector 'datagen'/);
    await eddy.close();
  });
});

describe('one catalog per state database', () => {
  it('a program reopening a state database sees its streams; declaring one again the same way is a no-op, another way is refused', async () => {
    const state = join(tempDir('api-catalog'), 'state.db');
    const first = await Eddy.open({ state });
    await first.execute(CLICKS);
    await first.close();
    const again = await Eddy.open({ state });
    expect((await again.execute('SHOW STREAMS'))[0]).toMatchObject({ rows: [['clicks', 'memory', 'user_id, ts', 'ts: ts']] });
    expect(await again.execute(CLICKS)).toEqual([{ kind: 'message', text: "Stream 'clicks' already exists with this definition." }]);
    await expectError(again.execute("CREATE STREAM clicks (x INT) WITH ('connector' = 'memory')"), 'STREAM_EXISTS', /stream 'clicks' already exists in the state database with another definition/, /DROP STREAM clicks first/);
    await again.close();
  });
});
