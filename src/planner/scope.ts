import { EddyError } from '../common/errors.js';
import { closest as suggest } from '../common/errors.js';
import type { Column, Schema } from '../common/types.js';
import type { Expr } from '../parser/ast.js';
import type { BoundExpr } from './bound.js';

export type ColumnExpr = Extract<Expr, { kind: 'column' }>;

/** The one relation a query's expressions can see: its columns (by position) and the names it may be qualified with. */
export interface Scope {
  readonly schema: Schema;
  /** The stream name and its alias, if any. */
  readonly qualifiers: readonly string[];
  /** Further names that are visible in some clause (window_start ...), offered in did-you-mean hints. */
  readonly extraNames?: readonly string[];
  /**
   * Column 0 is the `op` column of an updating input (src/planner/changelog.ts): it is the change
   * kind, not data, so names and `*` do not see it; the other columns keep their positions.
   */
  readonly changeColumn?: boolean;
  /**
   * A join's scope: per schema position, the names that qualify that column (its side's stream and
   * alias). Without it every column has all of `qualifiers`. With it an unqualified name that two
   * sides share is ambiguous.
   */
  readonly columnQualifiers?: readonly (readonly string[])[];
}

/** The columns names can see, with their positions in the row. */
export function visibleColumns(scope: Scope): { readonly column: Column; readonly index: number }[] {
  const from = scope.changeColumn ? 1 : 0;
  return scope.schema.columns.slice(from).map((column, i) => ({ column, index: i + from }));
}

/** Checks a column's qualifier against the scope; throws UNKNOWN_COLUMN naming the unknown qualifier. */
export function checkQualifier(scope: Scope, e: ColumnExpr): void {
  if (!e.qualifier || scope.qualifiers.includes(e.qualifier.name)) return;
  const guess = suggest(e.qualifier.name, scope.qualifiers);
  throw new EddyError(
    'UNKNOWN_COLUMN',
    `unknown stream or alias '${e.qualifier.name}'`,
    e.qualifier.span,
    guess ? `did you mean '${guess}'?` : `the query reads from ${scope.qualifiers.map((q) => `'${q}'`).join(' or ')}`,
  );
}

/** Index of the named column in the scope, or -1. Qualifier is checked first. */
export function findColumn(scope: Scope, e: ColumnExpr): number {
  // `person.id` where `person` names no relation: the field of a ROW column (flattened to `person.id`).
  if (e.qualifier && !scope.qualifiers.includes(e.qualifier.name)) {
    const field = `${e.qualifier.name}.${e.name.name}`;
    const hit = visibleColumns(scope).find((c) => c.column.name === field);
    if (hit) return hit.index;
  }
  checkQualifier(scope, e);
  const per = scope.columnQualifiers;
  if (!per) return visibleColumns(scope).find((c) => c.column.name === e.name.name)?.index ?? -1;
  const q = e.qualifier?.name;
  const found = visibleColumns(scope).filter((c) => c.column.name === e.name.name && (q === undefined || per[c.index]!.includes(q)));
  if (found.length > 1) {
    const sides = found.map((c) => per[c.index]![per[c.index]!.length - 1]).filter((x): x is string => x !== undefined);
    throw new EddyError(
      'AMBIGUOUS_COLUMN',
      `column '${e.name.name}' is ambiguous: more than one joined input has it`,
      e.span,
      sides.length > 0 ? `qualify it: ${sides.map((x) => `${x}.${e.name.name}`).join(' or ')}` : 'give each derived table an alias and qualify the column',
    );
  }
  return found[0]?.index ?? -1;
}

/** Throws UNKNOWN_COLUMN for `e`, suggesting the closest visible column. */
export function unknownColumn(scope: Scope, e: ColumnExpr): never {
  const names = [...visibleColumns(scope).map((c) => c.column.name), ...(scope.extraNames ?? [])];
  const guess = suggest(e.name.name, names);
  throw new EddyError(
    'UNKNOWN_COLUMN',
    `unknown column '${e.name.name}'`,
    e.name.span,
    guess ? `did you mean '${guess}'?` : `visible columns: ${names.join(', ')}`,
  );
}

/** Resolves a column reference to an inputRef over the scope; throws UNKNOWN_COLUMN with a did-you-mean hint. */
export function resolveColumn(scope: Scope, e: ColumnExpr): BoundExpr {
  const i = findColumn(scope, e);
  if (i < 0) return unknownColumn(scope, e);
  const c = scope.schema.columns[i]!;
  return { kind: 'inputRef', index: i, name: c.name, type: c.type };
}
