import { EddyError } from '../common/errors.js';
import type { BoundSource } from './bind-from.js';
import type { LogicalPlan } from './plan.js';

/**
 * A windowing table function without GROUP BY: window assignment only (Flink's window TVF), the
 * source's columns followed by window_start, window_end and window_time, as a source of its own.
 */
export function windowAssignment(src: BoundSource): BoundSource {
  const tvf = src.tvf!;
  if (tvf.window.spec.kind === 'session') {
    throw new EddyError('UNSUPPORTED', 'a SESSION windowing table function without GROUP BY is not supported', tvf.span, 'aggregate per session: GROUP BY window_start, window_end, ...');
  }
  const t = { type: 'TIMESTAMP' as const };
  const schema = { columns: [...src.scan.schema.columns, { name: 'window_start', ...t }, { name: 'window_end', ...t }, { name: 'window_time', ...t }] };
  const proctime = tvf.window.proctime;
  const scan: LogicalPlan = { kind: 'windowAssign', input: src.scan, window: tvf.window.spec, timeIndex: tvf.window.timeIndex, ...(proctime ? { proctime } : {}), schema };
  const n = src.scan.schema.columns.length;
  if (proctime) {
    // Windows of the wall clock: no event-time attributes are added, and none to join or cascade on.
    return { name: src.name, scope: { schema, qualifiers: src.scope.qualifiers }, scan, updating: false, time: { ...src.time, windows: [] } };
  }
  return {
    name: src.name,
    scope: { schema, qualifiers: src.scope.qualifiers },
    scan,
    updating: false,
    time: { rowtimes: [...src.time.rowtimes, n + 1, n + 2], windows: [{ start: n, end: n + 1, spec: tvf.window.spec }], whyNot: src.time.whyNot },
  };
}
