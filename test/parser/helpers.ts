import type { Expr, Statement } from '../../src/parser/index.js';
import { parseExpression, parseStatement } from '../../src/parser/index.js';
import { EddyError } from '../../src/common/errors.js';

/** Deep copy without `span`/`nameSpan`, so structure can be compared with toEqual. */
export function strip<T>(x: T): T {
  if (Array.isArray(x)) return x.map(strip) as T;
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'span' && k !== 'nameSpan') out[k] = strip(v);
    return out as T;
  }
  return x;
}

/** Fully parenthesized rendering of an expression: shows exactly how precedence grouped it. */
export function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'interval':
      return `${e.ms}ms`;
    case 'column':
      return e.qualifier ? `${e.qualifier.name}.${e.name.name}` : e.name.name;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'isNull':
      return `(${show(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'between':
      return `(${show(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${show(e.low)} AND ${show(e.high)})`;
    case 'in':
      return `(${show(e.operand)} ${e.negated ? 'NOT ' : ''}IN ${e.list.map(show).join(', ')})`;
    case 'like':
      return `(${show(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${show(e.pattern)})`;
    case 'case':
      return `CASE${e.operand ? ` ${show(e.operand)}` : ''}${e.whens.map((w) => ` WHEN ${show(w.when)} THEN ${show(w.then)}`).join('')}${e.else ? ` ELSE ${show(e.else)}` : ''} END`;
    case 'cast':
      return `CAST(${show(e.operand)} AS ${e.type})`;
    case 'call':
      return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.star ? '*' : e.args.map(show).join(', ')})${e.filter ? ` FILTER ${show(e.filter)}` : ''}`;
  }
}

export const expr = (sql: string): string => show(parseExpression(sql));

/** Parses one statement and narrows it to the expected kind (fails the test otherwise). */
export function stmtOf<K extends Statement['kind']>(sql: string, kind: K): Extract<Statement, { kind: K }> {
  const s = parseStatement(sql);
  if (s.kind !== kind) throw new Error(`expected a ${kind} statement, got ${s.kind}`);
  return s as Extract<Statement, { kind: K }>;
}

/** The EddyError a parse throws (fails the test when it does not throw one). */
export function errorOf(run: () => unknown): EddyError {
  try {
    run();
  } catch (e) {
    if (e instanceof EddyError) return e;
    throw e;
  }
  throw new Error('expected an EddyError, but parsing succeeded');
}
