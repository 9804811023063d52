import { assertNever } from '../common/errors.js';
import type { FromItem, Query } from '../parser/ast.js';
import type { Catalog } from '../planner/catalog.js';

/** The streams a query reads (FROM items, windowing table functions, union branches, derived tables and views, through to their streams). */
export function queryStreams(q: Query, catalog: Catalog, seen = new Set<string>()): string[] {
  if (q.kind === 'union') return q.branches.flatMap((b) => queryStreams(b, catalog, seen));
  if (q.kind === 'setOp') return [...queryStreams(q.left, catalog, seen), ...queryStreams(q.right, catalog, seen)];
  const from = q.from;
  const named = (name: string): string[] => {
    if (!catalog.hasView(name)) return [name];
    // A view that reads itself is refused when bound; here it just ends the walk.
    if (seen.has(name)) return [];
    seen.add(name);
    return queryStreams(catalog.view(name).query, catalog, seen);
  };
  const ofItem = (from: FromItem): string[] => {
    switch (from.kind) {
      case 'stream':
        return named(from.name.name);
      case 'windowTvf':
        return named(from.table.name);
      case 'subquery':
        return queryStreams(from.query, catalog, seen);
      case 'join':
        return [...ofItem(from.left), ...ofItem(from.right)];
      case 'unnest':
      case 'values':
        return [];
      default:
        return assertNever(from, 'FROM item');
    }
  };
  return ofItem(from);
}

/**
 * Every relation a query names anywhere (FROM items, and IN / EXISTS subqueries in its
 * expressions), catalog views expanded to the relations they read: what a point-in-time query
 * must find among materialized views and registered tables.
 */
export function relationsRead(q: Query, catalog: Catalog, seen = new Set<string>()): string[] {
  const out: string[] = [];
  const named = (name: string): void => {
    if (!catalog.hasView(name)) {
      out.push(name);
      return;
    }
    if (seen.has(name)) return;
    seen.add(name);
    out.push(...relationsRead(catalog.view(name).query, catalog, seen));
  };
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const n = node as { kind?: unknown; name?: { name?: unknown }; table?: { name?: unknown } };
    if (n.kind === 'stream' && typeof n.name?.name === 'string') named(n.name.name);
    if (n.kind === 'windowTvf' && typeof n.table?.name === 'string') named(n.table.name);
    for (const [key, v] of Object.entries(node)) if (key !== 'span') walk(v);
  };
  walk(q);
  return out;
}
