import { EddyError, type Span } from '../common/errors.js';
import { formatTimestamp } from '../common/time.js';
import type { Value } from '../common/types.js';
import { renderTable } from '../connectors/printers.js';
import { explain } from '../planner/index.js';
import type { QueryMetrics } from './running-query.js';
import type { Session, StatementResult } from './session.js';

/** Rows read per second since the query started, rounded; 0 before any. */
export function rowsPerSecond(m: QueryMetrics | null, startedAt: number, now: number): number {
  if (!m || now <= startedAt) return 0;
  return Math.round((m.rowsIn * 1000) / (now - startedAt));
}

/** How far the result watermark is behind the wall clock, as text ('' without a watermark). */
export function watermarkLag(m: QueryMetrics | null, now: number): string {
  if (!m || !Number.isFinite(m.watermark)) return '';
  return `${((now - m.watermark) / 1000).toFixed(1)}s`;
}

const time = (ms: number | null): string => (ms === null || !Number.isFinite(ms) ? '' : formatTimestamp(ms));

/**
 * DESCRIBE QUERY id (ksqlDB's DESCRIBE ... EXTENDED): every figure of one running query, its
 * physical plan and the last checkpoints this process took of it.
 */
export function describeQuery(session: Session, id: string, span: Span): StatementResult {
  const pq = session.persistent.get(id) ?? session.persistent.get(id.toLowerCase());
  const tq = session.transient.get(id) ?? session.transient.get(id.toLowerCase());
  const q = pq ?? tq;
  if (!q) throw new EddyError('UNSUPPORTED', `no query '${id}'`, span, 'SHOW QUERIES lists the queries');
  const now = Date.now();
  const m = q.metrics();
  const fields: [string, Value][] = [
    ['query', q.id],
    ['status', pq ? pq.describeStatus() : 'RUNNING'],
    ['rows in', m?.rowsIn ?? 0],
    ['rows/s (since start)', rowsPerSecond(m, q.createdAt, now)],
    ['rows out', m?.rowsOut ?? 0],
    ['late rows', m?.lateRows ?? 0],
    ['malformed rows', m?.skippedRows ?? 0],
    ['watermark', time(m?.watermark ?? null)],
    ['watermark lag', watermarkLag(m, now)],
    ['next window closes at', time(m?.nextWindowEnd ?? null)],
    ['busy', m ? `${(m.busyMs / 1000).toFixed(2)}s` : ''],
    ['restarts', pq ? pq.attempt : 0],
  ];
  if (m?.bytes) fields.push(['bytes read', `${m.bytes.read} of ${m.bytes.total}`]);
  const cp = session.checkpointStats.of(q.id);
  if (pq) {
    fields.push(['checkpoints completed', cp.completed], ['checkpoints failed', cp.failed]);
    fields.push(['last checkpoint', cp.lastCompletedAt === null ? '' : `${((now - cp.lastCompletedAt) / 1000).toFixed(1)}s ago`]);
  }
  // Values as text: one left-aligned column reads better than numbers pushed to the far right.
  const rows = fields.map(([k, v]) => [k, typeof v === 'number' ? v.toLocaleString('en-US') : v]);
  let text = renderTable(['field', 'value'], rows) + '\nSQL:\n  ' + q.sql.replace(/\s+/g, ' ').trim() + '\n\nPlan:\n' + explain(q.plan).trimEnd() + '\n';
  if (pq) {
    text += '\nLast checkpoints:\n';
    text +=
      cp.recent.length === 0
        ? '(none yet)\n'
        : renderTable(
            ['id', 'time', 'bytes', 'duration_ms', 'key_groups'],
            cp.recent.map((c) => [c.checkpointId, formatTimestamp(c.createdAt), c.bytes, c.durationMs, c.keyGroupsWritten]),
          );
  }
  return { kind: 'explain', text };
}
