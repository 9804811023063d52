import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EddyError } from '../common/errors.js';
import type { Session } from './session.js';
import type { QueryMetrics } from './running-query.js';

/** A running /metrics endpoint. */
export interface MetricsServer {
  /** The port it listens on (the one asked for, or the one the OS chose for 0). */
  readonly port: number;
  close(): Promise<void>;
}

/** Every query the session runs now (persistent and transient), with its figures. */
function queries(session: Session): { id: string; kind: 'persistent' | 'transient'; m: QueryMetrics | null; restarts: number }[] {
  const out: { id: string; kind: 'persistent' | 'transient'; m: QueryMetrics | null; restarts: number }[] = [];
  for (const q of session.persistent.values()) out.push({ id: q.id, kind: 'persistent', m: q.metrics(), restarts: q.attempt });
  for (const q of session.transient.values()) out.push({ id: q.id, kind: 'transient', m: q.metrics(), restarts: 0 });
  return out;
}

/**
 * The session's figures as Prometheus metrics (prom-client), read from the running graphs at each
 * scrape: per query rows in and out, late and malformed rows, watermark lag, busy time and
 * restarts; per query checkpoints completed and failed, their duration (a histogram), size and the
 * age of the last one. Every name starts with `eddy_`.
 */
export function sessionRegistry(session: Session, now: () => number = Date.now): Registry {
  const registry = new Registry();
  const labelNames = ['query', 'kind'] as const;
  const perQuery = (name: string, help: string, value: (q: ReturnType<typeof queries>[number]) => number | null, counter = true) => {
    const collect = function (this: Counter<'query' | 'kind'> | Gauge<'query' | 'kind'>) {
      this.reset();
      for (const q of queries(session)) {
        const v = value(q);
        if (v === null) continue;
        if (this instanceof Counter) this.labels(q.id, q.kind).inc(v);
        else this.labels(q.id, q.kind).set(v);
      }
    };
    if (counter) new Counter({ name, help, labelNames, registers: [registry], collect });
    else new Gauge({ name, help, labelNames, registers: [registry], collect });
  };
  perQuery('eddy_query_rows_in_total', 'Rows the query read from its sources.', (q) => q.m?.rowsIn ?? 0);
  perQuery('eddy_query_rows_out_total', 'Rows the query wrote to its sink or result.', (q) => q.m?.rowsOut ?? 0);
  perQuery('eddy_query_late_rows_total', 'Rows dropped as late (behind the watermark past the allowed lateness).', (q) => q.m?.lateRows ?? 0);
  perQuery('eddy_query_malformed_rows_total', "Malformed input rows skipped under 'on-error' = 'skip'.", (q) => q.m?.skippedRows ?? 0);
  perQuery('eddy_query_busy_seconds_total', 'Time the query spent processing rows in its operators (not reading input or waiting for it).', (q) => (q.m ? q.m.busyMs / 1000 : 0));
  perQuery('eddy_query_restarts_total', 'Restarts of the query from its latest checkpoint after a failure.', (q) => q.restarts);
  perQuery(
    'eddy_query_watermark_lag_seconds',
    "How far the query's result watermark is behind the wall clock.",
    (q) => (q.m && Number.isFinite(q.m.watermark) ? Math.max(0, (now() - q.m.watermark) / 1000) : null),
    false,
  );
  perQuery('eddy_query_watermark_seconds', "The query's result watermark (event time, seconds since the epoch).", (q) => (q.m && Number.isFinite(q.m.watermark) ? q.m.watermark / 1000 : null), false);

  const cpLabels = ['query'] as const;
  new Counter({
    name: 'eddy_checkpoints_completed_total',
    help: 'Checkpoints committed to the state database.',
    labelNames: cpLabels,
    registers: [registry],
    collect() {
      this.reset();
      for (const [id, s] of session.checkpointStats.entries()) this.labels(id).inc(s.completed);
    },
  });
  new Counter({
    name: 'eddy_checkpoints_failed_total',
    help: 'Checkpoints that failed (the query then restarts from its latest checkpoint).',
    labelNames: cpLabels,
    registers: [registry],
    collect() {
      this.reset();
      for (const [id, s] of session.checkpointStats.entries()) this.labels(id).inc(s.failed);
    },
  });
  new Gauge({
    name: 'eddy_checkpoint_size_bytes',
    help: 'Bytes written by the last completed checkpoint.',
    labelNames: cpLabels,
    registers: [registry],
    collect() {
      this.reset();
      for (const [id, s] of session.checkpointStats.entries()) if (s.recent[0]) this.labels(id).set(s.recent[0].bytes);
    },
  });
  new Gauge({
    name: 'eddy_checkpoint_last_completed_age_seconds',
    help: 'Seconds since the last completed checkpoint.',
    labelNames: cpLabels,
    registers: [registry],
    collect() {
      this.reset();
      for (const [id, s] of session.checkpointStats.entries()) if (s.lastCompletedAt !== null) this.labels(id).set(Math.max(0, (now() - s.lastCompletedAt) / 1000));
    },
  });
  const duration = new Histogram({
    name: 'eddy_checkpoint_duration_seconds',
    help: 'Time from a checkpoint being triggered to its commit.',
    labelNames: cpLabels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  session.checkpointStats.onCompleted((info) => duration.labels(info.queryId).observe(info.durationMs / 1000));
  return registry;
}

/** Serves the session's metrics as Prometheus text at http://host:port/metrics. */
export async function startMetricsServer(session: Session, port: number, host = '127.0.0.1'): Promise<MetricsServer> {
  const registry = sessionRegistry(session);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('eddy serves Prometheus metrics at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new EddyError('IO', `cannot serve metrics on port ${port}: ${e.message}`, undefined, 'choose another --metrics-port (0 picks a free one)')));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
