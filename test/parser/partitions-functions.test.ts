import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/parser/index.js';
import { bindStreamDef } from '../../src/planner/stream-def.js';
import { validateStreamOptions } from '../../src/connectors/registry.js';
import { errorOf } from './helpers.js';

describe('PARTITIONED BY', () => {
  const sql = (by: string, opts = "'connector' = 'filesystem', 'path' = 'out/', 'format' = 'csv'") => `CREATE TABLE t (a BIGINT, dt STRING, partitioned VARCHAR) ${by} WITH (${opts})`;

  it('declares the partition columns in order; partitioned stays a column name', () => {
    const text = sql('PARTITIONED BY (dt, partitioned)');
    const stmt = parseStatement(text);
    if (stmt.kind !== 'createStream') throw new Error(stmt.kind);
    expect(stmt.partitionedBy?.map((c) => c.name)).toEqual(['dt', 'partitioned']);
    const def = bindStreamDef(stmt, text);
    expect(def.partitionKeys).toEqual(['dt', 'partitioned']);
    expect(() => validateStreamOptions(def)).not.toThrow();
  });

  it('refuses unknown and repeated columns, and connectors other than filesystem', () => {
    const unknown = errorOf(() => bindStreamDef(parseStatement(sql('PARTITIONED BY (dx)')) as never, ''));
    expect(unknown.code).toBe('UNKNOWN_COLUMN');
    expect(unknown.hint).toBe("did you mean 'dt'?");
    expect(errorOf(() => parseStatement(sql('PARTITIONED BY (dt, dt)'))).message).toBe("column 'dt' is named twice in PARTITIONED BY");
    const def = bindStreamDef(parseStatement(sql('PARTITIONED BY (dt)', "'connector' = 'blackhole'")) as never, '');
    expect(errorOf(() => validateStreamOptions(def)).message).toMatch(/only the 'filesystem' connector supports/);
  });

  it("checks Flink's partition options: a metastore commit policy and other time zones are refused", () => {
    const opts = (extra: string) => bindStreamDef(parseStatement(sql('PARTITIONED BY (dt)', `'connector' = 'filesystem', 'path' = 'out/', 'format' = 'csv', ${extra}`)) as never, '');
    expect(() => validateStreamOptions(opts("'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.trigger' = 'partition-time', 'sink.rolling-policy.file-size' = '1MB'"))).not.toThrow();
    expect(errorOf(() => validateStreamOptions(opts("'sink.partition-commit.policy.kind' = 'metastore,success-file'"))).message).toMatch(/'metastore' is not supported: Eddy has no metastore/);
    expect(errorOf(() => validateStreamOptions(opts("'sink.partition-commit.watermark-time-zone' = 'Asia/Shanghai'"))).code).toBe('UNSUPPORTED');
    expect(errorOf(() => validateStreamOptions(opts("'sink.rolling-policy.file-size' = 'big'"))).message).toMatch(/memory size/);
    expect(errorOf(() => validateStreamOptions(opts("'sink.partition-commit.trigger' = 'partition_time'"))).hint).toBe("did you mean 'partition-time'?");
  });
});

describe('CREATE / DROP FUNCTION, SHOW FUNCTIONS', () => {
  it("parses Flink's CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS '...' [LANGUAGE ...]", () => {
    expect(parseStatement("CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'")).toMatchObject({ kind: 'createFunction', name: { name: 'count_char' }, temporary: false, ifNotExists: false, target: 'com.github.nexmark.flink.udf.CountChar' });
    const s = parseStatement("CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS f AS 'lib/f.js#f' LANGUAGE javascript");
    expect(s).toMatchObject({ kind: 'createFunction', temporary: true, ifNotExists: true, target: 'lib/f.js#f', language: { name: 'JAVASCRIPT' } });
    expect(parseStatement('DROP TEMPORARY FUNCTION IF EXISTS f')).toMatchObject({ kind: 'dropFunction', ifExists: true, name: { name: 'f' } });
    expect(parseStatement('SHOW FUNCTIONS')).toMatchObject({ kind: 'show', what: 'functions' });
    expect(parseStatement('SHOW USER FUNCTIONS')).toMatchObject({ kind: 'show', what: 'functions', user: true });
  });

  it('keeps function usable as a column name', () => {
    const s = parseStatement('SELECT function FROM t');
    expect(s.kind).toBe('query');
  });
});
