import { describe, expect, it } from 'vitest';
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

  it('prints a streaming table with widths fixed by the first batch', async () => {
    const text = await print('table', [[[1, T0, 'web', 2.5], [1000, T0, 'app', 10]], [[7, T0 + 10_000, 'a much longer channel name than before', null]]]);
    expect(text).toBe(
      [
        '+---------+-------------------------+---------+------+',
        '| auction | window_start            | channel | top  |',
        '+---------+-------------------------+---------+------+',
        '|       1 | 2024-01-01 00:00:00.000 | web     |  2.5 |',
        '|    1000 | 2024-01-01 00:00:00.000 | app     |   10 |',
        '|       7 | 2024-01-01 00:00:10.000 | a much… | NULL |',
        '+---------+-------------------------+---------+------+',
        '',
      ].join('\n'),
    );
  });

  it('prints the header and (0 rows) for an empty result', async () => {
    expect(await print('table', [])).toBe(
      [
        '+---------+-------------------------+---------+------+',
        '| auction | window_start            | channel | top  |',
        '+---------+-------------------------+---------+------+',
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
