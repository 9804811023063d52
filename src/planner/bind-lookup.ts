/**
 * `FROM orders o [LEFT] JOIN dim FOR SYSTEM_TIME AS OF o.proc_time AS d ON o.k = d.id`: a lookup
 * join (Flink's rule): AS OF names a processing-time attribute of the left side, and the right side
 * is a table whose connector reads rows by key (a 'sqlite' table, a bounded 'filesystem' / 'file'
 * table). Each left row, when it is processed, joins the table's rows whose key columns equal its
 * key (src/exec/operators/lookup-join.ts). Over an updating left side, the result is updating: each
 * change joins with its op kept.
 */
import { EddyError } from '../common/errors.js';
import type { Expr, FromItem } from '../parser/ast.js';
import { bindExpr, type ExprContext } from './bind-expr.js';
import type { BoundSource } from './bind-from.js';
import { splitCondition } from './bind-join.js';
import type { BoundExpr } from './bound.js';
import { lookupCacheOf } from './lookup-options.js';
import type { LookupJoinNode } from './plan.js';
import { resolveColumn } from './scope.js';
import { comparable } from './type-rules.js';

type JoinItem = Extract<FromItem, { kind: 'join' }>;

/** The connectors whose tables a lookup join can read (src/connectors/registry.ts createLookup). */
const LOOKUP_CONNECTORS: ReadonlySet<string> = new Set(['sqlite', 'filesystem', 'file']);

/** The left side's processing-time attribute that `asOf` names, if it names one. */
export function lookupTimeOf(asOf: Expr, left: BoundSource): number | undefined {
  if (asOf.kind !== 'column') return undefined;
  const ctx: ExprContext = { scope: left.scope, clause: 'FOR SYSTEM_TIME AS OF', column: (c) => resolveColumn(left.scope, c) };
  let at: BoundExpr;
  try {
    at = bindExpr(asOf, ctx);
  } catch {
    return undefined; // the temporal join reports it
  }
  return at.kind === 'inputRef' && left.time.proctimes?.includes(at.index) ? at.index : undefined;
}

/**
 * Refuses `FOR SYSTEM_TIME AS OF PROCTIME()` (Flink refuses it too: AS OF names a time attribute of
 * the left table, so that each row's own time picks the version it joins).
 */
export function refuseInlineAsOf(asOf: Expr): void {
  if (asOf.kind === 'call' && asOf.name.toUpperCase() === 'PROCTIME') {
    throw new EddyError(
      'UNSUPPORTED',
      "FOR SYSTEM_TIME AS OF must name a time attribute of the left table, not PROCTIME() (as in Flink)",
      asOf.span,
      'give the left side a processing-time attribute and name it: FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id',
    );
  }
}

const and = (xs: readonly BoundExpr[]): BoundExpr | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => ({ kind: 'binary', op: 'AND', left: a, right: b, type: 'BOOLEAN' })));

export function bindLookupJoin(from: JoinItem, procTime: number, left: BoundSource, right: BoundSource): BoundSource {
  const hint = "a lookup join reads a 'sqlite' table or a bounded 'filesystem' file: FROM o JOIN dim FOR SYSTEM_TIME AS OF o.proc_time AS d ON o.k = d.id";
  if (from.joinType !== 'inner' && from.joinType !== 'left') {
    throw new EddyError('UNSUPPORTED', `a lookup join is INNER or LEFT, not ${from.joinType.toUpperCase()} (as in Flink)`, from.span, 'write JOIN or LEFT JOIN');
  }
  const scan = right.scan;
  if (scan.kind !== 'scan') throw new EddyError('UNSUPPORTED', `'${right.name}' is not a table: a lookup join reads a declared table, not a view or subquery`, from.right.span, hint);
  const table = scan.stream;
  const connector = (table.options['connector'] ?? 'memory').trim().toLowerCase();
  if (!LOOKUP_CONNECTORS.has(connector)) {
    throw new EddyError('UNSUPPORTED', `table '${table.name}' (connector '${connector}') cannot be looked up: processing-time temporal joins are lookup joins (as in Flink)`, from.right.span, hint);
  }
  if (table.computed) throw new EddyError('UNSUPPORTED', `the lookup table '${table.name}' has computed columns`, from.right.span, 'declare the lookup table with physical columns only');
  // An updating left side keeps its op first: each change is joined with its op (Flink's LookupJoinRunner).
  const j = splitCondition(from, left, right, undefined, left.updating);
  const lookupKeys: number[] = [];
  const leftKeys: BoundExpr[] = [];
  const cols = table.schema.columns;
  j.rightKeys.forEach((k, i) => {
    const l = j.leftKeys[i]!;
    if (k.kind !== 'inputRef') {
      throw new EddyError('UNSUPPORTED', "a lookup join's equality must compare a column of the lookup table itself", from.on?.span ?? from.span, `write ON o.x = ${right.name}.column`);
    }
    const t = cols[k.index]!.type;
    if (!comparable(l.type, t) || (l.type !== t && (l.type === 'VARCHAR' || t === 'VARCHAR'))) {
      throw new EddyError('TYPE_MISMATCH', `lookup key ${table.name}.${cols[k.index]!.name} is ${t} but is compared with ${l.type}`, from.on?.span ?? from.span, `CAST the left side to ${t}`);
    }
    lookupKeys.push(k.index);
    leftKeys.push(l);
  });
  const residual = and(j.residual);
  const plan: LookupJoinNode = {
    kind: 'lookupJoin',
    input: left.scan,
    table,
    joinType: from.joinType,
    leftKeys,
    lookupKeys,
    ...(residual ? { residual } : {}),
    procTime,
    cache: lookupCacheOf(table.name, table.options),
    schema: { columns: j.columns },
  };
  // The left side's time attributes keep their positions (its columns come first), as in Flink.
  return { name: `${left.name} JOIN ${right.name}`, scope: j.scope, scan: plan, updating: left.updating, time: { ...left.time, windows: [] } };
}
