import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/parser/index.js';
import { bindStreamDef } from '../../src/planner/stream-def.js';
import { errorOf } from './helpers.js';

const ddl = (body: string) => `CREATE TABLE users (${body}) WITH ('connector' = 'upsert-kafka')`;

describe('PRIMARY KEY ... NOT ENFORCED', () => {
  it('declares the key columns in key order, and leaves key and primary usable as column names', () => {
    const sql = ddl('region VARCHAR, key BIGINT, "primary" INT, PRIMARY KEY (key, region) NOT ENFORCED');
    const stmt = parseStatement(sql);
    if (stmt.kind !== 'createStream') throw new Error(stmt.kind);
    expect(stmt.primaryKey?.columns.map((c) => c.name)).toEqual(['key', 'region']);
    const def = bindStreamDef(stmt, sql);
    expect(def.primaryKey).toEqual(['key', 'region']);
    expect(def.schema.columns.map((c) => c.name)).toEqual(['region', 'key', 'primary']);
  });

  it('is optional', () => {
    const stmt = parseStatement(ddl('k BIGINT'));
    expect(stmt.kind === 'createStream' && stmt.primaryKey).toBeFalsy();
  });

  it('must say NOT ENFORCED, as in Flink', () => {
    const e = errorOf(() => parseStatement(ddl('k BIGINT, PRIMARY KEY (k)')));
    expect(e.code).toBe('SYNTAX');
    expect(e.message).toMatch(/NOT ENFORCED/);
    expect(e.hint).toMatch(/does not check/);
  });

  it('names declared columns, each once', () => {
    const sql = ddl('user_id BIGINT, PRIMARY KEY (usr_id) NOT ENFORCED');
    const stmt = parseStatement(sql);
    if (stmt.kind !== 'createStream') throw new Error(stmt.kind);
    const e = errorOf(() => bindStreamDef(stmt, sql));
    expect(e.code).toBe('UNKNOWN_COLUMN');
    expect(e.hint).toMatch(/user_id/);
    expect(e.span?.column).toBe(sql.indexOf('usr_id') + 1);
    expect(errorOf(() => parseStatement(ddl('k BIGINT, PRIMARY KEY (k, k) NOT ENFORCED'))).message).toMatch(/named twice/);
    expect(errorOf(() => parseStatement(ddl('k BIGINT, PRIMARY KEY (k) NOT ENFORCED, PRIMARY KEY (k) NOT ENFORCED'))).message).toMatch(/only one PRIMARY KEY/);
  });
});
