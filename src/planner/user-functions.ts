import { EddyError, type Span } from '../common/errors.js';
import type { SqlType } from '../common/types.js';

/**
 * A scalar user-defined function written in JavaScript: registered through the API
 * (eddy.registerFunction) or created from a module export (CREATE FUNCTION name AS
 * 'module.js#export' LANGUAGE JAVASCRIPT). The binder types its calls from `returns` / `args`;
 * the expression compiler calls `invoke` with the argument values (TIMESTAMP as a Date).
 */
export interface UserFunction {
  /** As declared (lower-case unless quoted); calls match it case-insensitively, as Flink's. */
  readonly name: string;
  readonly returns: SqlType;
  /** The argument types, or null: any arguments, passed as they are. */
  readonly args: readonly SqlType[] | null;
  readonly deterministic: boolean;
  readonly invoke: (...args: unknown[]) => unknown;
  /**
   * Where it comes from: a module's export (its DDL, with the module's absolute path, is saved in the
   * state database's catalog), an API registration (lives in the process that registered it), or
   * another function standing in for a Java class named by CREATE FUNCTION ... AS 'a.b.Class'.
   */
  readonly origin: { readonly kind: 'module'; readonly module: string; readonly export: string } | { readonly kind: 'api' } | { readonly kind: 'class'; readonly className: string };
  /** CREATE TEMPORARY FUNCTION, or an API registration: not saved. */
  readonly temporary: boolean;
  /** The DDL saved in the catalog (module functions only). */
  readonly ddl?: string;
}

const TYPE_NAMES: Readonly<Record<string, SqlType>> = {
  BOOLEAN: 'BOOLEAN',
  INT: 'INT',
  INTEGER: 'INT',
  TINYINT: 'INT',
  SMALLINT: 'INT',
  BIGINT: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DECIMAL: 'DOUBLE',
  STRING: 'VARCHAR',
  VARCHAR: 'VARCHAR',
  CHAR: 'VARCHAR',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMP',
};

/** A SQL type name as a UDF declares it ('BIGINT', 'STRING', 'VARCHAR(20)', 'TIMESTAMP(3)', 'DECIMAL(10, 2)'). */
export function udfType(text: string, what: string): SqlType {
  const base = text.trim().toUpperCase().replace(/\s*\(.*\)$/, '').replace(/\s+/g, ' ').replace('DOUBLE PRECISION', 'DOUBLE');
  const t = TYPE_NAMES[base];
  if (t === undefined) {
    throw new EddyError('INVALID_OPTION', `${what}: unknown type '${text}'`, undefined, `write one of ${Object.keys(TYPE_NAMES).join(', ')}`);
  }
  return t;
}

/** The result type of a call of `fn`; TYPE_MISMATCH when the arguments do not fit its declared ones. */
export function userCallType(fn: UserFunction, args: readonly { readonly type: SqlType; readonly span: Span }[], span: Span): SqlType {
  const want = fn.args;
  if (want === null) return fn.returns;
  const usage = `${fn.name}(${want.join(', ')})`;
  if (args.length !== want.length) {
    throw new EddyError('TYPE_MISMATCH', `${fn.name} takes ${want.length} argument${want.length === 1 ? '' : 's'}, got ${args.length}`, span, `usage: ${usage}`);
  }
  for (const [i, a] of args.entries()) {
    const w = want[i]!;
    if (a.type === w || a.type === 'NULL') continue;
    const numeric = (t: SqlType) => t === 'INT' || t === 'BIGINT' || t === 'FLOAT' || t === 'DOUBLE';
    // Numbers convert among themselves (passed as JS numbers); other types must match, as Flink's implicit casts allow.
    if (numeric(a.type) && numeric(w)) continue;
    throw new EddyError('TYPE_MISMATCH', `argument ${i + 1} of ${fn.name} must be ${w}, got ${a.type}`, a.span, `usage: ${usage}; CAST the argument`);
  }
  return fn.returns;
}
