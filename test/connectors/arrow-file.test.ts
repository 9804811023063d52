/**
 * The 'arrow' file format: Arrow IPC stream files written by the file sink and read by the file
 * source, with real files. Round trips of every type with NULLs; files written by arquero's own
 * toArrowIPC (dictionary strings, Int32/Float32, microsecond timestamps, dates, structs, the IPC
 * file format); record-batch offsets (a reader resumed from a mid-batch offset reads exactly the
 * rest); a torn last batch; the sink's cut / restore truncating to a batch boundary; refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { dateDay, float32, int32, tableFromIPC, timestamp, TimeUnit, utf8 } from '@uwdata/flechette';
import type { Row, Schema } from '../../src/common/types.js';
import { FileSink, fileSinkOptions } from '../../src/connectors/file-sink.js';
import { fileReaderFor, fileSourceOptions } from '../../src/connectors/file-source.js';
import type { SourceReader } from '../../src/connectors/connector.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-arrow-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2024, 0, 1, 12, 30, 15, 123);
const schema: Schema = {
  columns: [
    { name: 'id', type: 'BIGINT' },
    { name: 'small', type: 'INT' },
    { name: 'price', type: 'DOUBLE' },
    { name: 'ratio', type: 'FLOAT' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'ts', type: 'TIMESTAMP' },
  ],
};

const sinkOf = (path: string, s: Schema = schema): FileSink => new FileSink(s, fileSinkOptions({ connector: 'file', path, format: 'arrow' }), dir);
const sourceOf = (path: string, s: Schema = schema, extra: Record<string, string> = {}): SourceReader =>
  fileReaderFor(s, fileSourceOptions({ connector: 'file', path, format: 'arrow', ...extra }), dir);

async function readAll(src: SourceReader, max = 1000): Promise<Row[]> {
  const out: Row[] = [];
  for (;;) {
    const rows = await src.read(max);
    if (rows === null) break;
    out.push(...rows);
  }
  await src.close();
  return out;
}

function sampleRows(n: number, from = 0): Row[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return [
      i % 7 === 0 ? null : i * 1_000_003,
      i % 5 === 0 ? null : (i % 2000) - 1000,
      i % 11 === 0 ? null : i / 3,
      i % 13 === 0 ? null : 0.1 * i,
      i % 3 === 0 ? null : `n${i}-ü€`,
      i % 4 === 0 ? null : i % 2 === 0,
      i % 9 === 0 ? null : T0 + i * 17,
    ];
  });
}

describe("'format' = 'arrow'", () => {
  it('round-trips every type and NULL through the sink and the source; FLOAT keeps double precision', async () => {
    const rows = sampleRows(5000);
    const s = sinkOf('round.arrows');
    await s.restore(null);
    s.write(rows.slice(0, 1200));
    await s.cut().durable;
    s.write(rows.slice(1200, 1300));
    s.write(rows.slice(1300));
    await s.close();
    expect(await readAll(sourceOf('round.arrows'), 333)).toEqual(rows);
    // Another Arrow reader (flechette directly) sees the same types and values: one schema, two record batches.
    const t = tableFromIPC(await readFile(join(dir, 'round.arrows')), { useDate: false });
    expect(t.schema.fields.map((f) => [f.name, f.type.typeId])).toEqual([
      ['id', 2], ['small', 2], ['price', 3], ['ratio', 3], ['name', 5], ['ok', 6], ['ts', 10],
    ]);
    expect(t.numRows).toBe(5000);
    expect(t.data ?? t.getChild('id').data).toBeDefined();
    expect(t.getChild('id').data.length).toBe(2);
    expect(aq.fromArrow(t as never).objects()[1]).toEqual({ id: 1_000_003, small: -999, price: 1 / 3, ratio: 0.1, name: 'n1-ü€', ok: false, ts: T0 + 17 });
  });

  it("reads files arquero writes: dictionary strings, Int32 / Float32, microsecond timestamps, dates, struct fields by path, the IPC file format", async () => {
    const t = aq.table({
      k: ['a', 'b', null, 'a'],
      n: [1, 2, 3, null],
      f: [0.5, 1.5, null, 2.5],
      us: [1_700_000_000_123.456, null, 0, 1],
      d: [Date.UTC(2024, 1, 3), null, 0, Date.UTC(1999, 11, 31)],
      s: [{ x: 1, y: 'p' }, null, { x: 3, y: null }, { x: 4, y: 'q' }],
    });
    const types = { n: int32(), f: float32(), us: timestamp(TimeUnit.MICROSECOND), d: dateDay() };
    await writeFile(join(dir, 'aq.arrows'), aq.toArrowIPC(t, { types, format: 'stream' }));
    await writeFile(join(dir, 'aq.arrow'), aq.toArrowIPC(t, { types, format: 'file' }));
    const s: Schema = {
      columns: [
        { name: 'k', type: 'VARCHAR' },
        { name: 'N', type: 'BIGINT' },
        { name: 'f', type: 'DOUBLE' },
        { name: 'us', type: 'TIMESTAMP' },
        { name: 'd', type: 'TIMESTAMP' },
        { name: 's.x', type: 'INT' },
        { name: 's.y', type: 'VARCHAR' },
      ],
    };
    const expected = [
      ['a', 1, 0.5, 1_700_000_000_123, Date.UTC(2024, 1, 3), 1, 'p'],
      ['b', 2, 1.5, null, null, null, null],
      [null, 3, null, 0, 0, 3, null],
      ['a', null, 2.5, 1, Date.UTC(1999, 11, 31), 4, 'q'],
    ];
    expect(await readAll(sourceOf('aq.arrows', s))).toEqual(expected);
    expect(await readAll(sourceOf('aq.arrow', s), 3)).toEqual(expected);
  });

  it('resumes from a record-batch offset, mid-batch or at a boundary, reading exactly the rest', async () => {
    const rows = sampleRows(3000);
    const s = sinkOf('resume.arrows');
    await s.restore(null);
    for (let i = 0; i < 3000; i += 700) {
      s.write(rows.slice(i, i + 700));
      await s.cut().durable;
    }
    await s.close();
    for (const stop of [1, 699, 700, 701, 2100, 2999, 3000]) {
      const a = sourceOf('resume.arrows');
      const first: Row[] = [];
      while (first.length < stop) first.push(...((await a.read(Math.min(250, stop - first.length))) ?? []));
      const offset = JSON.parse(JSON.stringify(a.offset())) as { byte: number; batch: number; row: number };
      await a.close();
      // Batches of 700, 700, 700, 700 and 200 rows.
      expect(offset.row, `stop ${stop}`).toBe(stop === 3000 ? 0 : stop % 700);
      expect(offset.batch).toBe(stop === 3000 ? 5 : Math.floor(stop / 700));
      const b = sourceOf('resume.arrows');
      await b.seek(offset);
      expect([...first, ...(await readAll(b, 97))], `stop ${stop}`).toEqual(rows);
    }
  });

  it('a file ending inside a record batch: an error naming the byte, or with on-error skip the batches before it', async () => {
    const rows = sampleRows(900);
    const s = sinkOf('torn.arrows');
    await s.restore(null);
    s.write(rows.slice(0, 500));
    const { position } = s.cut();
    await s.flush();
    s.write(rows.slice(500));
    await s.close();
    const whole = (await stat(join(dir, 'torn.arrows'))).size;
    const committed = (position as { bytes: number }).bytes;
    await truncate(join(dir, 'torn.arrows'), committed + Math.floor((whole - committed) / 2));
    await expect(readAll(sourceOf('torn.arrows'))).rejects.toThrow(new RegExp(`ends inside a message at byte ${committed}.*partially written`));
    const skip = sourceOf('torn.arrows', schema, { 'on-error': 'skip' });
    expect(await readAll(skip)).toEqual(rows.slice(0, 500));
    expect(skip.skippedRows).toBe(1);
  });

  it('the sink restored to a checkpointed position truncates to that batch boundary and writes the rest once', async () => {
    const rows = sampleRows(2000);
    const s = sinkOf('exact.arrows');
    await s.restore(null);
    s.write(rows.slice(0, 800));
    const { position, durable } = s.cut();
    await durable;
    s.write(rows.slice(800, 1500)); // lost in the "crash"
    await s.flush();
    await s.close();
    const again = sinkOf('exact.arrows');
    await again.restore(position);
    again.write(rows.slice(800));
    await again.close();
    expect(await readAll(sourceOf('exact.arrows'))).toEqual(rows);
    // An empty result still is a valid stream of the schema.
    const empty = sinkOf('empty.arrows');
    await empty.restore(null);
    await empty.close();
    expect((await stat(join(dir, 'empty.arrows'))).size).toBe(0);
  });

  it('refuses a column type the Arrow field does not convert to, names a missing field with a guess, and will not append to another schema', async () => {
    await writeFile(join(dir, 'types.arrows'), aq.toArrowIPC(aq.table({ price: ['1.5'], auction: [1] }), { types: { price: utf8() } }));
    await expect(readAll(sourceOf('types.arrows', { columns: [{ name: 'price', type: 'DOUBLE' }] }))).rejects.toThrow(/column 'price' is DOUBLE, but the Arrow field 'price' is Utf8/);
    await expect(readAll(sourceOf('types.arrows', { columns: [{ name: 'auktion', type: 'BIGINT' }] }))).rejects.toThrow(/no field 'auktion'.*fields: price, auction/);
    const other: Schema = { columns: [{ name: 'x', type: 'BIGINT' }] };
    const fresh = { mode: 'append' as const, own: null, started: async () => {} };
    const s = new FileSink(other, fileSinkOptions({ connector: 'file', path: 'types.arrows', format: 'arrow' }), dir, fresh);
    await expect(s.restore(null)).rejects.toThrow(/cannot append to 'types.arrows': it is not an Arrow stream of this query's columns/);
    // The same schema appends: the file stays one stream.
    const ok = new FileSink(other, fileSinkOptions({ connector: 'file', path: 'append.arrows', format: 'arrow' }), dir);
    await ok.restore(null);
    ok.write([[1], [2]]);
    await ok.close();
    const more = new FileSink(other, fileSinkOptions({ connector: 'file', path: 'append.arrows', format: 'arrow' }), dir, fresh);
    await more.restore(null);
    more.write([[3]]);
    await more.close();
    expect(await readAll(sourceOf('append.arrows', other))).toEqual([[1], [2], [3]]);
  });
});
