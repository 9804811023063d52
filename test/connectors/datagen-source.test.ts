import { describe, expect, it } from 'vitest';
import type { Row, Schema } from '../../src/common/types.js';
import { EddyError } from '../../src/common/errors.js';
import { DatagenSource, datagenOptions, generateRow } from '../../src/connectors/datagen-source.js';

const schema: Schema = {
  columns: [
    { name: 'auction', type: 'BIGINT' },
    { name: 'price', type: 'DOUBLE' },
    { name: 'channel', type: 'VARCHAR' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'ts', type: 'TIMESTAMP' },
  ],
};

const make = (options: Record<string, string>, now?: () => number): DatagenSource => new DatagenSource(datagenOptions({ connector: 'datagen', ...options }, schema), now);

async function readAll(src: DatagenSource, batch = 100): Promise<Row[]> {
  const out: Row[] = [];
  for (let rows = await src.read(batch); rows !== null; rows = await src.read(batch)) out.push(...rows);
  return out;
}

describe('DatagenSource', () => {
  it('ends after number-of-rows and honours ranges and defaults', async () => {
    const src = make({ 'number-of-rows': '500', 'rows-per-second': '1000000', 'fields.price.min': '10', 'fields.price.max': '20', 'fields.channel.values': 'web, app,mobile' });
    expect(src.bounded).toBe(true);
    const rows = await readAll(src);
    expect(rows).toHaveLength(500);
    expect(await src.read(10)).toBeNull();
    const auctions = new Set(rows.map((r) => r[0]));
    for (const a of auctions) expect(Number.isInteger(a) && (a as number) >= 1 && (a as number) <= 1000).toBe(true);
    expect(auctions.size).toBeGreaterThan(300);
    for (const r of rows) expect((r[1] as number) >= 10 && (r[1] as number) < 20).toBe(true);
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(['web', 'app', 'mobile']));
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set([true, false]));
  });

  it('derives event time from the sequence number, with bounded disorder', async () => {
    const start = Date.UTC(2024, 0, 1);
    const src = make({ 'number-of-rows': '2000', 'rows-per-second': '1000000', 'fields.ts.start': '2024-01-01 00:00:00' });
    const rows = await readAll(src, 1000);
    rows.forEach((r, i) => expect(r[4]).toBe(start + Math.floor((i * 1000) / 1000000)));

    const late = await readAll(make({ 'number-of-rows': '2000', 'rows-per-second': '100', 'fields.ts.start': String(start), 'fields.ts.max-past': '5000' }, () => -1e12));
    let disordered = 0;
    late.forEach((r, i) => {
      const base = start + i * 10;
      expect(r[4] as number).toBeLessThanOrEqual(base);
      expect(r[4] as number).toBeGreaterThanOrEqual(base - 5000);
      if (i > 0 && (r[4] as number) < (late[i - 1]![4] as number)) disordered++;
    });
    expect(disordered).toBeGreaterThan(100);
  });

  it('replays identical rows after seek, and differs by seed', async () => {
    const opts = { 'number-of-rows': '300', 'rows-per-second': '1000000' };
    const a = make(opts);
    const first: Row[] = [];
    while (first.length < 120) first.push(...(await a.read(120 - first.length))!);
    const off = JSON.parse(JSON.stringify(a.offset()));
    expect(off.seq).toBe(120);
    const rest = await readAll(a);

    const b = make(opts, () => Date.now() - 1e9); // a different wall clock must not matter after seek
    await b.seek(off);
    expect(JSON.stringify(await readAll(b, 7))).toBe(JSON.stringify(rest));
    expect(first).toHaveLength(120);

    const o = datagenOptions({ seed: '7' }, schema);
    expect(generateRow(o, 5, 0)).toEqual(generateRow(o, 5, 0));
    expect(generateRow(o, 5, 0)).not.toEqual(generateRow(datagenOptions({ seed: '8' }, schema), 5, 0));
  });

  it('ends when a sequence is exhausted', async () => {
    const s: Schema = { columns: [{ name: 'id', type: 'INT' }, { name: 'name', type: 'VARCHAR' }] };
    const src = new DatagenSource(datagenOptions({ 'fields.id.kind': 'sequence', 'fields.id.start': '5', 'fields.id.end': '9', 'fields.name.kind': 'sequence', 'fields.name.start': '1', 'fields.name.end': '100', 'rows-per-second': '1e6' }, s));
    expect(await readAll(src)).toEqual([
      [5, '1'],
      [6, '2'],
      [7, '3'],
      [8, '4'],
      [9, '5'],
    ]);
  });

  it('roughly honours rows-per-second', async () => {
    const src = make({ 'rows-per-second': '200' });
    expect(src.bounded).toBe(false);
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < 300) n += (await src.read(1000))!.length;
    // 300 ms at 200 rows/s is about 60 rows; allow generous slack for a loaded machine.
    expect(n).toBeGreaterThan(20);
    expect(n).toBeLessThan(120);
  });

  it('validates options with helpful errors', () => {
    const err = (o: Record<string, string>): EddyError => {
      try {
        datagenOptions(o, schema);
      } catch (e) {
        return e as EddyError;
      }
      throw new Error('expected an error');
    };
    expect(err({ 'fields.auctoin.min': '1' }).hint).toBe("did you mean 'fields.auction.min'?");
    expect(err({ 'fields.auction.mni': '1' }).message).toBe("unknown option 'fields.auction.mni' for connector 'datagen'");
    expect(err({ 'rows-per-second': 'fast' }).message).toBe("option 'rows-per-second' must be a number, got 'fast'");
    expect(err({ 'fields.auction.kind': 'sequence' }).message).toBe("a sequence needs option 'fields.auction.start'");
    expect(err({ 'fields.auction.min': '5', 'fields.auction.max': '1' }).message).toBe("option 'fields.auction.max' must not be less than 'fields.auction.min'");
    expect(err({ 'fields.auction.length': '5' }).message).toBe("option 'fields.auction.length' does not apply to a BIGINT column");
    expect(err({ 'fields.ts.start': 'soon' }).message).toContain("option 'fields.ts.start' must be a timestamp");
    expect(err({ 'fields.auction.values': '1,x' }).message).toBe("option 'fields.auction.values': 'x' is not a valid BIGINT");
    expect(err({ rows: '1' }).hint).toBe("did you mean 'rows-per-second'?");
    expect(err({ velocity: '1' }).hint).toBe("options of 'datagen': rows-per-second, number-of-rows, seed, fields.*");
    expect(err({ 'rows-per-secnd': '1' }).hint).toBe("did you mean 'rows-per-second'?");
  });
});
