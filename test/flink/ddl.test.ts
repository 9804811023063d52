/**
 * Flink's CREATE TABLE as written (issue 12): ROW<...> columns read as `row.field`, computed columns
 * (CASE, arithmetic) with a WATERMARK on one, backtick names, TIMESTAMP_LTZ(3), and Flink's
 * 'filesystem' (file or directory, json / csv, ignore-parse-errors, field delimiter) and 'blackhole'
 * connectors, run through the embedding API over real files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { EddyError } from '../../src/common/errors.js';

let dir: string;
let eddy: Eddy;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-flink-ddl-'));
  eddy = await Eddy.open({ baseDir: dir, onWarning: () => undefined });
});
afterEach(async () => {
  await eddy.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (rows: readonly object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function rejects(p: Promise<unknown>): Promise<EddyError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EddyError);
    return e as EddyError;
  }
  throw new Error('expected an EddyError');
}

describe('ROW columns and computed columns', () => {
  beforeEach(async () => {
    writeFileSync(
      join(dir, 'events.json'),
      lines([
        { event_type: 0, person: { id: 1000, name: 'Ann', dateTime: '2024-05-01 10:00:01' }, bid: null },
        { event_type: 2, person: null, bid: { auction: 7, price: 300, dateTime: '2024-05-01 10:00:02' } },
        { event_type: 2, bid: { auction: 7, price: 500, dateTime: '2024-05-01 10:00:09' } },
        { event_type: 2, bid: { auction: 8, price: 100, dateTime: '2024-05-01 10:00:12' } },
      ]),
    );
    await eddy.execute(`
      CREATE TABLE IF NOT EXISTS events (
        event_type INT,
        person ROW<id BIGINT, name VARCHAR, \`dateTime\` TIMESTAMP(3)>,
        bid ROW(auction BIGINT, price BIGINT, \`dateTime\` TIMESTAMP_LTZ(3)),
        \`dateTime\` AS CASE WHEN event_type = 0 THEN person.\`dateTime\` ELSE bid.\`dateTime\` END,
        euro AS 0.908 * bid.price,
        WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND
      ) WITH ('connector' = 'filesystem', 'path' = 'file://${dir}/events.json', 'format' = 'json')`);
  });

  it('reads nested JSON objects into ROW fields; a.b selects a field, a NULL row gives NULL fields', async () => {
    const rows = await eddy.query('SELECT event_type, person.id, person.name, bid.auction, bid.price FROM events').toArray();
    expect(rows).toEqual([
      { event_type: 0, id: 1000, name: 'Ann', auction: null, price: null },
      { event_type: 2, id: null, name: null, auction: 7, price: 300 },
      { event_type: 2, id: null, name: null, auction: 7, price: 500 },
      { event_type: 2, id: null, name: null, auction: 8, price: 100 },
    ]);
  });

  it('computes computed columns per row and windows on the computed event time', async () => {
    const rows = await eddy.query('SELECT `dateTime`, euro FROM events').toArray();
    expect(rows.map((r) => [(r['dateTime'] as Date).toISOString(), r['euro']])).toEqual([
      ['2024-05-01T10:00:01.000Z', null],
      ['2024-05-01T10:00:02.000Z', 0.908 * 300],
      ['2024-05-01T10:00:09.000Z', 0.908 * 500],
      ['2024-05-01T10:00:12.000Z', 0.908 * 100],
    ]);
    const windows = await eddy
      .query("SELECT window_start, COUNT(*) AS n, SUM(bid.price) AS total FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end")
      .toArray();
    expect(windows.map((w) => [(w['window_start'] as Date).toISOString(), w['n'], w['total']])).toEqual([
      ['2024-05-01T10:00:00.000Z', 3, 800],
      ['2024-05-01T10:00:10.000Z', 1, 100],
    ]);
  });

  it('EXPLAIN shows the computed columns the source evaluates before its watermark', async () => {
    const [res] = await eddy.execute('EXPLAIN SELECT bid.auction, `dateTime` FROM events');
    expect(JSON.stringify(res)).toContain('computed=[dateTime AS CASE WHEN event_type = 0 THEN person.dateTime ELSE bid.dateTime END, euro AS 0.908 * bid.price] watermark=(dateTime - INTERVAL');
  });

  it('DESCRIBE lists the flattened fields and the computed columns in declared order', async () => {
    const [res] = await eddy.execute('DESCRIBE events');
    const text = JSON.stringify(res);
    const at = (s: string): number => text.indexOf(s);
    for (const c of ['event_type', 'person.id', 'person.dateTime', 'bid.price', 'dateTime', 'euro']) expect(at(c)).toBeGreaterThan(-1);
    expect(at('person.id')).toBeLessThan(at('bid.auction'));
    expect(at('bid.price')).toBeLessThan(at('euro'));
  });

  it("SELECT of a whole ROW gives its fields, and INSERT fills a table's physical columns (nexmark-flink's insert_kafka.sql)", async () => {
    await eddy.execute("CREATE TABLE copy WITH ('path' = 'copy.json') LIKE events");
    await eddy.execute('INSERT INTO copy SELECT event_type, person, bid FROM events');
    await waitFor(() => readIfThere(join(dir, 'copy.json')).split('\n').filter(Boolean).length === 4);
    // Written as Flink's json format writes ROWs: nested objects, a NULL row as null.
    expect(readIfThere(join(dir, 'copy.json')).split('\n').slice(0, 2)).toEqual([
      '{"event_type":0,"person":{"id":1000,"name":"Ann","dateTime":"2024-05-01 10:00:01.000"},"bid":null}',
      '{"event_type":2,"person":null,"bid":{"auction":7,"price":300,"dateTime":"2024-05-01 10:00:02.000"}}',
    ]);
    // Read back, the computed columns are computed again from the copied fields.
    const again = await eddy.query('SELECT bid.auction, euro, `dateTime` FROM copy').toArray();
    const orig = await eddy.query('SELECT bid.auction, euro, `dateTime` FROM events').toArray();
    expect(again).toEqual(orig);
    const aliased = await eddy.query('SELECT person AS p FROM events').toArray();
    expect(Object.keys(aliased[0]!)).toEqual(['p.id', 'p.name', 'p.dateTime']);
  });

  it('refuses ROW outside column declarations, computed columns on memory streams, and writing computed columns', async () => {
    expect((await rejects(eddy.execute('SELECT CAST(event_type AS ROW<a INT>) FROM events'))).code).toBe('UNSUPPORTED');
    const memory = await rejects(eddy.execute("CREATE TABLE m (a INT, b AS a + 1) WITH ('connector' = 'memory')"));
    expect(memory.message).toContain('computed columns need a source connector');
    expect((await rejects(eddy.execute('CREATE TABLE r (a ROW<x INT, x INT>)'))).message).toContain("field 'x' is declared twice");
    const write = await rejects(eddy.execute('INSERT INTO events SELECT * FROM events'));
    expect(write.message).toContain('INSERT INTO events expects 7 columns, but the query produces 9');
  });

  it('a computed column reads physical columns only, as in Flink', async () => {
    const e = await rejects(eddy.execute("CREATE TABLE c (a INT, b AS a + 1, d AS b + 1) WITH ('connector' = 'filesystem', 'path' = 'x.json', 'format' = 'json')"));
    expect(e.code).toBe('UNKNOWN_COLUMN');
  });
});

describe("the 'filesystem' connector", () => {
  it('reads every visible file of a directory in name order, skipping hidden ones', async () => {
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'b.json'), lines([{ k: 'b1' }, { k: 'b2' }]));
    writeFileSync(join(dir, 'in', 'a.json'), lines([{ k: 'a1' }]));
    writeFileSync(join(dir, 'in', '.hidden.json'), lines([{ k: 'hidden' }]));
    writeFileSync(join(dir, 'in', '_SUCCESS'), '');
    await eddy.execute("CREATE TABLE d (k STRING) WITH ('connector' = 'filesystem', 'path' = 'in', 'format' = 'json')");
    expect((await eddy.query('SELECT k FROM d').toArray()).map((r) => r['k'])).toEqual(['a1', 'b1', 'b2']);
  });

  it("'json.ignore-parse-errors' skips malformed lines; without it they fail the query", async () => {
    writeFileSync(join(dir, 'bad.json'), '{"n": 1}\n{"n": oops}\n{"n": 3}\n');
    await eddy.execute("CREATE TABLE lax (n INT) WITH ('connector' = 'filesystem', 'path' = 'bad.json', 'format' = 'json', 'json.ignore-parse-errors' = 'true')");
    await eddy.execute("CREATE TABLE strict (n INT) WITH ('connector' = 'filesystem', 'path' = 'bad.json', 'format' = 'json')");
    expect((await eddy.query('SELECT n FROM lax').toArray()).map((r) => r['n'])).toEqual([1, 3]);
    await expect(eddy.query('SELECT n FROM strict').toArray()).rejects.toThrow(/bad\.json:2/);
  });

  it("reads CSV with 'csv.field-delimiter'", async () => {
    writeFileSync(join(dir, 'p.csv'), 'name|n\nx|1\ny|2\n');
    await eddy.execute("CREATE TABLE p (name STRING, n INT) WITH ('connector' = 'filesystem', 'path' = 'p.csv', 'format' = 'csv', 'csv.field-delimiter' = '|')");
    expect(await eddy.query('SELECT name, n FROM p').toArray()).toEqual([{ name: 'x', n: 1 }, { name: 'y', n: 2 }]);
  });

  it('writes into a directory as a part file, which a filesystem source reads back', async () => {
    writeFileSync(join(dir, 'src.json'), lines([{ a: 1 }, { a: 2 }]));
    await eddy.execute(`
      CREATE TABLE s (a INT) WITH ('connector' = 'filesystem', 'path' = 'src.json', 'format' = 'json');
      CREATE TABLE out_dir (a INT, b INT) WITH ('connector' = 'filesystem', 'path' = 'out/', 'format' = 'json');
      CREATE TABLE sunk (a INT) WITH ('connector' = 'blackhole');`);
    const res = await eddy.execute('INSERT INTO out_dir SELECT a, a * 10 FROM s; INSERT INTO sunk SELECT a FROM s');
    expect(res).toHaveLength(2);
    await waitFor(() => readIfThere(join(dir, 'out', 'part-0.json')).split('\n').filter(Boolean).length === 2);
    expect(readFileSync(join(dir, 'out', 'part-0.json'), 'utf8')).toBe('{"a":1,"b":10}\n{"a":2,"b":20}\n');
    await eddy.execute("CREATE TABLE back (a INT, b INT) WITH ('connector' = 'filesystem', 'path' = 'out', 'format' = 'json')");
    expect(await eddy.query('SELECT a, b FROM back').toArray()).toEqual([{ a: 1, b: 10 }, { a: 2, b: 20 }]);
  });

  it('checks its options as Flink does: format is required, unknown keys and other file systems are refused', async () => {
    expect((await rejects(eddy.execute("CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'path' = 'x.json')"))).message).toContain("needs option 'format'");
    const typo = await rejects(eddy.execute("CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'path' = 'x', 'format' = 'json', 'json.ignore-parse-error' = 'true')"));
    expect(typo.hint).toContain('json.ignore-parse-errors');
    expect((await rejects(eddy.execute("CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'path' = 's3://b/x', 'format' = 'json')"))).code).toBe('UNSUPPORTED');
  });
});

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CREATE TABLE ... LIKE', () => {
  beforeEach(async () => {
    writeFileSync(join(dir, 'o.json'), lines([{ id: 1, amount: 10, ts: '2024-05-01 10:00:00' }, { id: 2, amount: 20, ts: '2024-05-01 10:00:05' }]));
    await eddy.execute(`CREATE TABLE orders (id BIGINT, amount INT, ts TIMESTAMP(3), doubled AS amount * 2,
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, PRIMARY KEY (id) NOT ENFORCED)
      WITH ('connector' = 'filesystem', 'path' = 'nowhere.json', 'format' = 'json')`);
  });

  it("keeps the source's columns, computed columns, watermark and key, and overwrites its options (Flink's default)", async () => {
    await eddy.execute(`CREATE TABLE orders_here (note STRING) WITH ('path' = 'o.json') LIKE orders`);
    const rows = await eddy.query('SELECT id, doubled, note FROM orders_here').toArray();
    expect(rows).toEqual([{ id: 1, doubled: 20, note: null }, { id: 2, doubled: 40, note: null }]);
    const windows = await eddy.query("SELECT COUNT(*) AS n FROM TABLE(TUMBLE(TABLE orders_here, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end").toArray();
    expect(windows).toEqual([{ n: 2 }]);
  });

  it('EXCLUDING drops, OVERWRITING replaces, and INCLUDING with a conflict is an error', async () => {
    await eddy.execute(`CREATE TABLE plain WITH ('path' = 'o.json') LIKE orders (EXCLUDING GENERATED EXCLUDING WATERMARKS)`);
    expect(Object.keys((await eddy.query('SELECT * FROM plain').toArray())[0]!)).toEqual(['id', 'amount', 'ts']);
    expect(() => eddy.query("SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE plain, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start")).toThrow(/has no watermark/);
    const clash = await rejects(eddy.execute("CREATE TABLE c (WATERMARK FOR ts AS ts) WITH ('path' = 'o.json') LIKE orders"));
    expect(clash.hint).toContain('OVERWRITING WATERMARKS');
    await eddy.execute("CREATE TABLE w (WATERMARK FOR ts AS ts) WITH ('path' = 'o.json') LIKE orders (OVERWRITING WATERMARKS)");
    const opt = await rejects(eddy.execute("CREATE TABLE o2 WITH ('path' = 'o.json') LIKE orders (INCLUDING OPTIONS)"));
    expect(opt.message).toContain("option 'path' is declared both here and in the LIKE source table");
    expect((await rejects(eddy.execute("CREATE TABLE o3 WITH ('path' = 'o.json') LIKE orders (INCLUDING PARTITIONS)"))).code).toBe('UNSUPPORTED');
    expect((await rejects(eddy.execute("CREATE TABLE o4 (amount INT) LIKE orders"))).message).toContain("already a column of 'orders'");
    expect((await rejects(eddy.execute('CREATE TABLE o5 LIKE nope'))).code).toBe('UNKNOWN_STREAM');
  });
});

describe("Flink's 'print' options", () => {
  it("'print-identifier' prefixes each line; a table format refuses it", async () => {
    const { createSink } = await import('../../src/connectors/registry.js');
    const { Writable } = await import('node:stream');
    let text = '';
    const out = new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) });
    const schema = { columns: [{ name: 'a', type: 'INT' as const }] };
    const def = { name: 'p', schema, options: { connector: 'print', 'print-identifier': 'q1', format: 'json' }, ddl: '' };
    const sink = createSink(def, schema, { out });
    sink.write([[1], [2]]);
    await sink.close();
    expect(text).toBe('q1> {"a":1}\nq1> {"a":2}\n');
    expect(() => createSink({ ...def, options: { connector: 'print', 'print-identifier': 'x', format: 'table' } }, schema, { out })).toThrow(/needs 'format'/);
  });
});
