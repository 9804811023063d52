/** toFlinkSql: Eddy's script as Flink SQL (whether Flink gives the same answers is test/flink/differential.test.ts). */
import { describe, expect, it } from 'vitest';
import { toFlinkSql } from '../../src/flink/translate.js';
import { EddyError } from '../../src/common/errors.js';

describe('toFlinkSql', () => {
  it('CREATE STREAM over a file becomes CREATE TABLE over the filesystem connector, options quoted, VARCHAR as STRING, names folded', () => {
    const { sql, warnings } = toFlinkSql(`CREATE STREAM Bids (Auction BIGINT, note VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '500' MILLISECOND)
      WITH (connector = 'file', path = 'data/bids.jsonl', format = 'json');
      SELECT "Auction", CAST(Auction AS VARCHAR) AS a FROM bids WHERE NOTE IS NOT NULL`);
    expect(sql).toBe(
      `CREATE TABLE bids (auction BIGINT, note STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '0.500' SECOND(1, 3))
      WITH ('connector' = 'filesystem', 'path' = 'data/bids.jsonl', 'format' = 'json');\n\n` +
        'SELECT `Auction`, CAST(auction AS STRING) AS a FROM bids WHERE note IS NOT NULL;\n',
    );
    expect(warnings).toEqual([]);
  });

  it("a file stream gets the format Eddy infers from its path; Eddy-only options are left out", () => {
    const { sql, warnings } = toFlinkSql(`CREATE STREAM t (a INT) WITH ('on-error' = 'skip', 'connector' = 'file', 'path' = 'x.csv')`);
    expect(sql).toBe(`CREATE TABLE t (a INT) WITH ('connector' = 'filesystem', 'format' = 'csv', 'path' = 'x.csv');\n`);
    expect(warnings.map((w) => w.message)).toEqual(["option 'on-error' is Eddy-only; left out of the Flink script"]);
    expect(toFlinkSql(`CREATE STREAM t (a INT) WITH ('connector' = 'file', 'path' = 'x.jsonl', 'on-error' = 'skip')`).sql).toBe(`CREATE TABLE t (a INT) WITH ('connector' = 'filesystem', 'format' = 'json', 'path' = 'x.jsonl');\n`);
  });

  it('intervals take a form Calcite accepts: whole units, seconds with milliseconds, a leading precision past two digits', () => {
    const { sql } = toFlinkSql(`SELECT COUNT(*) FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '10 seconds', INTERVAL '120' SECOND)) GROUP BY window_start, window_end;
      SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1500' MILLISECONDS)) GROUP BY window_start, window_end`);
    expect(sql).toContain(`INTERVAL '10' SECOND, INTERVAL '2' MINUTE`);
    expect(sql).toContain(`INTERVAL '1.500' SECOND(1, 3)`);
    expect(toFlinkSql(`SELECT INTERVAL '150' SECOND FROM s`).sql).toContain(`INTERVAL '150' SECOND(3)`);
  });

  it('Eddy-only statements are left out as comments with a warning; Flink settings carry over; late side streams are flagged', () => {
    const { sql, warnings } = toFlinkSql(`SET 'execution.batch-size' = '7'; SET 'checkpoint.interval' = '1s'; SHOW STREAMS; SELECT * FROM bids$late`);
    expect(sql).toBe(`-- Eddy only: SET 'execution.batch-size' = '7'\n\nSET 'execution.checkpointing.interval' = '1s';\n\nSHOW TABLES;\n\nSELECT * FROM bids$late;\n`);
    expect(warnings.map((w) => w.message)).toEqual([
      "SET 'execution.batch-size' is Eddy-only; left out of the Flink script",
      "'bids$late' is Eddy's late-row side stream, which Flink has no counterpart for",
    ]);
  });

  it('PARTITIONED BY (its word folded as a name, which Calcite reads as the keyword) and a Java-class CREATE FUNCTION carry over; a JAVASCRIPT function is left out with a warning', () => {
    const { sql, warnings } = toFlinkSql(`CREATE TABLE p (a BIGINT, dt VARCHAR) PARTITIONED BY (dt) WITH ('connector' = 'filesystem', 'path' = 'out/', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file');
      CREATE FUNCTION cc AS 'com.example.CountChar';
      CREATE TEMPORARY FUNCTION js AS 'f.mjs#f' LANGUAGE JAVASCRIPT;
      SHOW USER FUNCTIONS; DROP FUNCTION cc`);
    expect(sql).toBe(
      `CREATE TABLE p (a BIGINT, dt STRING) partitioned BY (dt) WITH ('connector' = 'filesystem', 'path' = 'out/', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file');\n\n` +
        `CREATE FUNCTION cc AS 'com.example.CountChar';\n\n-- Eddy only: CREATE TEMPORARY FUNCTION js AS 'f.mjs#f' LANGUAGE JAVASCRIPT\n\nSHOW USER FUNCTIONS;\n\nDROP FUNCTION cc;\n`,
    );
    expect(warnings.map((w) => w.message)).toEqual(['CREATE FUNCTION ... LANGUAGE JAVASCRIPT is Eddy-only; left out of the Flink script']);
  });

  it("refuses a 'memory' stream (also one declared without a connector), with a hint", () => {
    for (const ddl of [`CREATE STREAM m (a INT) WITH ('connector' = 'memory')`, 'CREATE STREAM m (a INT)']) {
      try {
        toFlinkSql(ddl);
        expect.fail('translated a memory stream');
      } catch (e) {
        expect(e).toBeInstanceOf(EddyError);
        expect((e as EddyError).code).toBe('UNSUPPORTED');
        expect((e as EddyError).hint).toMatch(/'connector' = 'file'/);
      }
    }
  });

  it("refuses an Arrow file stream: Flink's filesystem connector has no 'arrow' format", () => {
    expect(() => toFlinkSql("CREATE STREAM s (a BIGINT) WITH ('connector' = 'file', 'path' = 'x.arrows');")).toThrow(/Flink's filesystem connector has no 'arrow' format/);
    expect(() => toFlinkSql("CREATE TABLE s (a BIGINT) WITH ('connector' = 'filesystem', 'path' = 'd/', 'format' = 'arrow');")).toThrow(/no 'arrow' format/);
    expect(toFlinkSql("CREATE STREAM s (a BIGINT) WITH ('connector' = 'file', 'path' = 'x.jsonl');").sql).toContain("'format' = 'json'");
  });
});
