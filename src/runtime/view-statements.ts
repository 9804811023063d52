/**
 * CREATE VIEW, DROP VIEW, SHOW VIEWS and DESCRIBE of a view. A view is a named query, bound again
 * wherever it is read (src/planner/bind-from.ts); creating one binds its query once, so a view
 * that cannot be read is refused when it is created, not when it is first used.
 */
import { EddyError, type Span } from '../common/errors.js';
import { typeName, type Column, type Value } from '../common/types.js';
import type { CreateViewStmt, DropViewStmt, Ident, Query } from '../parser/ast.js';
import type { Catalog } from '../planner/catalog.js';
import { OP_COLUMN } from '../planner/changelog.js';
import type { PhysicalPlan } from '../planner/plan.js';
import type { CheckpointStore } from '../checkpoint/store.js';

export interface ViewDeps {
  readonly catalog: Catalog;
  readonly plan: (query: Query) => PhysicalPlan;
  /** Where non-temporary views are saved (in the streams' table, so both replay in creation order). */
  readonly store: CheckpointStore | null;
}

type TableResult = { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: readonly (readonly Value[])[] };

/** Binds the view's query (refusing one that cannot be read), then adds and (unless TEMPORARY) saves it. */
export async function createView(stmt: CreateViewStmt, ddl: string, deps: ViewDeps): Promise<string> {
  const name = stmt.name.name;
  // One catalog per state database: a script run again declaring a saved view the same way finds it there.
  if (deps.catalog.hasView(name) && oneLine(deps.catalog.view(name).ddl).replace(/;$/, '') === oneLine(ddl).replace(/;$/, '')) {
    return `View '${name}' already exists with this definition.`;
  }
  if (stmt.ifNotExists && deps.catalog.has(name)) {
    return deps.catalog.hasView(name) ? `View '${name}' already exists.` : `'${name}' already exists (a stream).`;
  }
  if (deps.catalog.has(name)) {
    throw new EddyError(
      'STREAM_EXISTS',
      `${deps.catalog.hasView(name) ? 'view' : 'stream'} '${name}' already exists`,
      stmt.name.span,
      deps.catalog.hasView(name) ? `DROP VIEW ${name} first, or CREATE VIEW IF NOT EXISTS` : 'streams and views share one namespace: choose another name',
    );
  }
  viewColumns(name, stmt.columns, deps.plan(stmt.query), stmt.name.span);
  deps.catalog.addView({ name, query: stmt.query, ...(stmt.columns ? { columns: stmt.columns } : {}), temporary: stmt.temporary, ddl }, stmt.name.span);
  if (!stmt.temporary) await deps.store?.saveStream(name, ddl);
  return `View '${name}' created.`;
}

/** The columns a reader of the view sees: the query's (without a changelog's op), renamed by the column list. */
function viewColumns(view: string, names: readonly Ident[] | undefined, plan: PhysicalPlan, span?: Span): Column[] {
  const visible = plan.schema.columns.filter((c) => c.name !== OP_COLUMN.name);
  if (!names) return visible;
  if (names.length !== visible.length) {
    throw new EddyError(
      'TYPE_MISMATCH',
      `view '${view}' names ${names.length} column${names.length === 1 ? '' : 's'}, but its query produces ${visible.length}`,
      names[0]?.span ?? span,
      `name every column of the query, in order: (${visible.map((c) => c.name).join(', ')})`,
    );
  }
  return visible.map((c, i) => ({ ...c, name: names[i]!.name }));
}

export async function dropView(stmt: DropViewStmt, deps: ViewDeps): Promise<string> {
  const name = stmt.name.name;
  if (stmt.ifExists && !deps.catalog.hasView(name)) return `View '${name}' does not exist.`;
  const view = deps.catalog.view(name, stmt.name.span);
  deps.catalog.dropView(name, stmt.name.span);
  if (!view.temporary) await deps.store?.dropStream(name);
  return `View '${name}' dropped.`;
}

export function showViews(deps: ViewDeps): TableResult {
  return {
    kind: 'table',
    columns: ['name', 'columns', 'updating', 'temporary', 'query'],
    rows: deps.catalog.listViews().map((v) => {
      const plan = describePlan(v.name, deps);
      return [v.name, plan.columns.map((c) => c.name).join(', '), plan.updating, v.temporary, oneLine(v.ddl)];
    }),
  };
}

/** DESCRIBE of a view: its columns and types, and whether it is a changelog. */
export function describeView(name: string, deps: ViewDeps): TableResult {
  const { columns, updating } = describePlan(name, deps);
  const rows: Value[][] = columns.map((c) => [c.name, typeName(c.type), '']);
  rows.push(['', '', updating ? 'view: an updating changelog (reads carry an op column)' : 'view: append-only']);
  return { kind: 'table', columns: ['name', 'type', 'extra'], rows };
}

function describePlan(name: string, deps: ViewDeps): { columns: Column[]; updating: boolean } {
  const view = deps.catalog.view(name);
  const plan = deps.plan(view.query);
  return { columns: viewColumns(name, view.columns, plan), updating: plan.changelog === 'updating' };
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
