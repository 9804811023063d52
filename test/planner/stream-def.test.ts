import { describe, expect, it } from 'vitest';
import { bindStreamDef, bindWatermark } from '../../src/planner/stream-def.js';
import { BIDS_DDL, createStmt, errorOf } from './helpers.js';

const def = (ddl: string) => bindStreamDef(createStmt(ddl), ddl);
const err = (ddl: string) => errorOf(() => def(ddl), ddl);

describe('bindStreamDef', () => {
  it('binds columns, watermark and lower-cased options', () => {
    const s = def(BIDS_DDL);
    expect(s.name).toBe('bids');
    expect(s.schema.columns).toEqual([
      { name: 'auction', type: 'BIGINT' },
      { name: 'bidder', type: 'BIGINT' },
      { name: 'price', type: 'DOUBLE' },
      { name: 'channel', type: 'VARCHAR' },
      { name: 'ts', type: 'TIMESTAMP' },
    ]);
    expect(s.watermark?.column).toBe('ts');
    expect(s.watermark?.sql).toBe("ts - INTERVAL '5' SECOND");
    expect(s.options).toEqual({ connector: 'file', path: 'data/bids.jsonl', format: 'json' });
    expect(s.ddl).toBe(BIDS_DDL);
  });

  it('lower-cases option keys but not values', () => {
    const s = def("CREATE STREAM s (a INT) WITH ('Connector' = 'File', PATH = 'A.json')");
    expect(s.options).toEqual({ connector: 'File', path: 'A.json' });
  });

  it('a stream without a watermark has none', () => {
    const s = def("CREATE STREAM s (a INT, ts TIMESTAMP(3)) WITH ('connector' = 'memory')");
    expect(s.watermark).toBeUndefined();
    expect(bindWatermark(s)).toBeUndefined();
  });

  it('bindWatermark binds the stored expression over the stream columns', () => {
    const s = def("CREATE STREAM s (a INT, t TIMESTAMP(3), WATERMARK FOR t AS t) WITH ('connector' = 'memory')");
    expect(bindWatermark(s)).toEqual({ timeIndex: 1, expr: { kind: 'inputRef', index: 1, name: 't', type: 'TIMESTAMP' } });
  });

  // The parser rejects these already; the binder checks again for ASTs built elsewhere.
  it('duplicate column', () => {
    const ddl = "CREATE STREAM s (a INT, b INT) WITH ('connector' = 'memory')";
    const stmt = createStmt(ddl);
    const dup = { ...stmt, columns: [...stmt.columns, stmt.columns[0]!] };
    expect(errorOf(() => bindStreamDef(dup, ddl), ddl)).toMatchObject({ code: 'AMBIGUOUS_COLUMN', message: "column 'a' is declared twice", at: '1:18', text: 'a' });
  });

  it('duplicate option key, whatever its case', () => {
    const ddl = "CREATE STREAM s (a INT) WITH ('connector' = 'memory', 'path' = 'x')";
    const stmt = createStmt(ddl);
    const dup = { ...stmt, options: [...stmt.options, { ...stmt.options[0]!, key: 'CONNECTOR' }] };
    expect(errorOf(() => bindStreamDef(dup, ddl), ddl)).toMatchObject({
      code: 'INVALID_OPTION',
      message: "option 'connector' is given twice",
      hint: "remove one of the 'connector' options",
    });
  });

  it('watermark on an unknown column', () => {
    expect(err("CREATE STREAM s (a INT, ts TIMESTAMP(3), WATERMARK FOR tz AS tz) WITH ('connector' = 'memory')")).toEqual({
      code: 'UNKNOWN_COLUMN',
      message: "unknown column 'tz' in WATERMARK",
      at: '1:56',
      text: 'tz',
      hint: "did you mean 'ts'?",
    });
  });

  it('watermark on a non-TIMESTAMP column', () => {
    expect(err("CREATE STREAM s (a BIGINT, WATERMARK FOR a AS a) WITH ('connector' = 'memory')")).toEqual({
      code: 'TYPE_MISMATCH',
      message: "WATERMARK column 'a' is BIGINT, not TIMESTAMP",
      at: '1:42',
      text: 'a',
      hint: 'declare a as TIMESTAMP(3)',
    });
  });

  it('watermark expression that is not a TIMESTAMP', () => {
    const ddl = "CREATE STREAM s (a BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS a - 5) WITH ('connector' = 'memory')";
    expect(err(ddl)).toMatchObject({ code: 'TYPE_MISMATCH', message: 'WATERMARK expression must be TIMESTAMP, got BIGINT', text: 'a - 5', hint: "write it as ts - INTERVAL '5' SECOND" });
  });

  it('watermark expression with an unknown column', () => {
    const ddl = "CREATE STREAM s (ts TIMESTAMP(3), WATERMARK FOR ts AS tss - INTERVAL '1' SECOND) WITH ('connector' = 'memory')";
    expect(err(ddl)).toMatchObject({ code: 'UNKNOWN_COLUMN', message: "unknown column 'tss'", text: 'tss', hint: "did you mean 'ts'?" });
  });
});
