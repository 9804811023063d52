import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Writable } from 'node:stream';
import type { Schema } from '../../src/common/types.js';
import { renderTable, StreamingTable } from '../../src/connectors/printers.js';
import { StdoutSink, type PrintFormat } from '../../src/connectors/stdout-sink.js';

const schema: Schema = {
  columns: [
    { name: 'auction', type: 'BIGINT' },
    { name: 'window_start', type: 'TIMESTAMP' },
    { name: 'channel', type: 'VARCHAR' },
    { name: 'top', type: 'DOUBLE' },
  ],
};
const T0 = Date.UTC(2024, 0, 1);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function print(format: PrintFormat, batches: (string | number | boolean | null)[][][]): Promise<string> {
  const out = new Capture();
  const s = new StdoutSink(schema, format, out);
  await s.restore(null);
  for (const b of batches) s.write(b);
  await s.flush();
  await s.close();
  return out.text;
}

describe('StdoutSink', () => {
  it('prints JSON Lines keyed by output column names', async () => {
    expect(await print('json', [[[1, T0, 'web', 2.5]], [[2, T0 + 1, null, null]]])).toBe(
      '{"auction":1,"window_start":"2024-01-01 00:00:00.000","channel":"web","top":2.5}\n' +
        '{"auction":2,"window_start":"2024-01-01 00:00:00.001","channel":null,"top":null}\n',
    );
  });

  it('prints CSV with one header', async () => {
    expect(await print('csv', [[[1, T0, 'a,b', 2.5]], [[2, T0, null, null]]])).toBe(
      'auction,window_start,channel,top\n1,2024-01-01 00:00:00.000,"a,b",2.5\n2,2024-01-01 00:00:00.000,,\n',
    );
    expect(await print('csv', [])).toBe('auction,window_start,channel,top\n');
  });

  it('prints a streaming table sized by type that widens (header again) instead of cutting a value', async () => {
    const text = await print('table', [[[1, T0, 'web', 2.5], [1000, T0, 'app', 10]], [[7, T0 + 10_000, 'a much longer channel name than before', null]]]);
    expect(text).toBe(
      [
        '+----------+-------------------------+---------+----------+',
        '| auction  | window_start            | channel | top      |',
        '+----------+-------------------------+---------+----------+',
        '|        1 | 2024-01-01 00:00:00.000 | web     |      2.5 |',
        '|     1000 | 2024-01-01 00:00:00.000 | app     |       10 |',
        '+----------+-------------------------+----------------------------------------+----------+',
        '| auction  | window_start            | channel                                | top      |',
        '+----------+-------------------------+----------------------------------------+----------+',
        '|        7 | 2024-01-01 00:00:10.000 | a much longer channel name than before |     NULL |',
        '+----------+-------------------------+----------------------------------------+----------+',
        '',
      ].join('\n'),
    );
  });

  it('never cuts a number, wraps long text, and goes expanded when a row does not fit', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.double({ noNaN: true }), fc.string({ maxLength: 120 })), { minLength: 1, maxLength: 20 }), fc.integer({ min: 30, max: 200 }), (rows, width) => {
        const cols = [{ name: 'n', type: 'BIGINT' as const }, { name: 'd', type: 'DOUBLE' as const }, { name: 's', type: 'VARCHAR' as const }];
        const t = new StreamingTable(cols, { maxWidth: width });
        const text = t.rows(rows.map((r) => [...r])) + t.end();
        for (const [n, d] of rows) {
          expect(text).toContain(String(n));
          expect(text).toContain(String(d));
        }
        const expanded = text.startsWith('-[ RECORD 1 ]');
        if (!expanded) for (const l of text.split('\n').filter(Boolean)) expect(l.length).toBeLessThanOrEqual(width);
      }),
      { numRuns: 200 },
    );
  });

  it('prints the header and (0 rows) for an empty result', async () => {
    expect(await print('table', [])).toBe(
      [
        '+----------+-------------------------+---------+----------+',
        '| auction  | window_start            | channel | top      |',
        '+----------+-------------------------+---------+----------+',
        '(0 rows)',
        '',
      ].join('\n'),
    );
  });
});

describe('renderTable', () => {
  it('renders one-shot results such as DESCRIBE', () => {
    expect(renderTable(['name', 'type', 'n'], [['auction', 'BIGINT', 1], ['ts', 'TIMESTAMP(3)', 10]])).toBe(
      [
        '+---------+--------------+----+',
        '| name    | type         | n  |',
        '+---------+--------------+----+',
        '| auction | BIGINT       |  1 |',
        '| ts      | TIMESTAMP(3) | 10 |',
        '+---------+--------------+----+',
        '',
      ].join('\n'),
    );
  });

  it('formats typed columns and renders an empty table', () => {
    expect(renderTable(schema.columns, [[1, T0, null, 0.5]])).toContain('|       1 | 2024-01-01 00:00:00.000 | NULL    | 0.5 |');
    expect(renderTable(['a'], [])).toBe('+---+\n| a |\n+---+\n');
  });

  it('StreamingTable counts rows', () => {
    const t = new StreamingTable(schema.columns);
    t.rows([[1, T0, 'x', 1]]);
    expect(t.printedRows).toBe(1);
  });
});
