/**
 * `FROM orders o [LEFT] JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency`:
 * an event-time temporal join (Flink's rule): the right side must be a versioned table, a stream
 * with `PRIMARY KEY (...) NOT ENFORCED` and a WATERMARK; AS OF names the left side's time
 * attribute; the equi-condition covers the primary key. Each left row joins the version valid at
 * its time (src/exec/operators/temporal-join.ts).
 */
import { EddyError } from '../common/errors.js';
import type { Expr, FromItem } from '../parser/ast.js';
import { bindExpr, type ExprContext } from './bind-expr.js';
import type { BoundSource } from './bind-from.js';
import { joinSource, splitCondition } from './bind-join.js';
import { resolveColumn } from './scope.js';

type JoinItem = Extract<FromItem, { kind: 'join' }>;

export function bindTemporalJoin(from: JoinItem, asOf: Expr, left: BoundSource, right: BoundSource): BoundSource {
  const hint = "declare the versioned side with PRIMARY KEY (k) NOT ENFORCED and a WATERMARK, and write FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.k = r.k";
  if (from.joinType !== 'inner' && from.joinType !== 'left') {
    throw new EddyError('UNSUPPORTED', `a temporal join is INNER or LEFT, not ${from.joinType.toUpperCase()} (as in Flink)`, from.span, 'write JOIN or LEFT JOIN');
  }
  if (left.updating) throw new EddyError('UNSUPPORTED', 'the left side of a temporal join must be append-only', from.span, hint);
  const scan = right.scan;
  if (scan.kind !== 'scan' || !scan.stream.primaryKey || !scan.watermark) {
    const name = scan.kind === 'scan' ? scan.stream.name : right.name;
    throw new EddyError('UNSUPPORTED', `'${name}' is not a versioned table: it needs a PRIMARY KEY and a WATERMARK`, asOf.span, hint);
  }
  const ctx: ExprContext = { scope: left.scope, clause: 'FOR SYSTEM_TIME AS OF', column: (c) => resolveColumn(left.scope, c) };
  let at;
  try {
    at = bindExpr(asOf, ctx);
  } catch (e) {
    if (e instanceof EddyError && e.code === 'UNKNOWN_COLUMN') throw new EddyError('UNSUPPORTED', 'FOR SYSTEM_TIME AS OF must name a time attribute of the left side', asOf.span, hint);
    throw e;
  }
  if (at.kind !== 'inputRef' || !left.time.rowtimes.includes(at.index)) {
    throw new EddyError(
      'UNSUPPORTED',
      'FOR SYSTEM_TIME AS OF must name the left side\'s event-time attribute (its WATERMARK column)',
      asOf.span,
      'an event-time temporal join needs o.ts with a WATERMARK on it; a lookup join needs a processing-time attribute (o.proc_time AS PROCTIME())',
    );
  }
  const j = splitCondition(from, left, right, undefined, false);
  const cols = scan.schema.columns;
  const keyed = new Set(j.rightKeys.flatMap((k) => (k.kind === 'inputRef' ? [cols[k.index]!.name] : [])));
  const missing = scan.stream.primaryKey.filter((k) => !keyed.has(k));
  if (missing.length > 0) {
    throw new EddyError('UNSUPPORTED', `a temporal join's condition must equate the versioned table's primary key; ${missing.join(', ')} is not`, from.on?.span ?? from.span, `add AND o.x = r.${missing[0]} to ON`);
  }
  return joinSource(from, left, right, j, { temporal: { leftTime: at.index, rightTime: scan.watermark.timeIndex } });
}
