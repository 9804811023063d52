import type { QueryMetrics } from '../src/runtime/running-query.js';
import { formatTimestamp } from '../src/common/time.js';

/** One reading of a running query, taken by the status line's timer. */
export interface StatusSample {
  readonly at: number;
  readonly metrics: QueryMetrics;
}

const CLEAR_LINE = '\r\x1b[2K';

/** The rate of `field` between two samples, per second of wall time (0 without a previous sample). */
function perSecond(prev: StatusSample | null, cur: StatusSample, value: (m: QueryMetrics) => number): number {
  if (prev === null || cur.at <= prev.at) return 0;
  return ((value(cur.metrics) - value(prev.metrics)) * 1000) / (cur.at - prev.at);
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A duration for people: 850ms, 4.2s, 3m 10s, 2h 5m. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * The status line of a running query: rows read and their rate, the watermark as a time, the next
 * window to close and (from how fast the watermark has been moving) about when, and late rows.
 * `rate` is the previous sample the rates are measured from.
 */
export function formatStatus(cur: StatusSample, rate: StatusSample | null): string {
  const m = cur.metrics;
  const parts = [`${count(m.rowsIn)} rows read`, `${count(perSecond(rate, cur, (x) => x.rowsIn))} rows/s`];
  if (m.bytes !== null && m.bytes.total > 0) parts.push(`${Math.floor((m.bytes.read * 100) / m.bytes.total)}% of ${humanBytes(m.bytes.total)}`);
  parts.push(Number.isFinite(m.watermark) ? `watermark ${formatTimestamp(m.watermark)}` : 'no watermark yet');
  if (m.nextWindowEnd !== null) {
    let when = '';
    if (Number.isFinite(m.watermark)) {
      const ahead = m.nextWindowEnd - 1 - m.watermark;
      const speed = rate !== null && Number.isFinite(rate.metrics.watermark) ? perSecond(rate, cur, (x) => x.watermark) / 1000 : 0;
      when = speed > 0 ? ` in ~${humanDuration(ahead / speed)}` : ` (${humanDuration(ahead)} of event time ahead)`;
    }
    parts.push(`next window closes at ${formatTimestamp(m.nextWindowEnd)}${when}`);
  }
  parts.push(`${count(m.lateRows)} late`);
  return parts.join(' · ');
}

/**
 * A status line kept under a running query's rows on a terminal: result text is written above it
 * (the line is cleared first and drawn again after), so it never mixes with the rows. Redrawn at
 * most every `intervalMs`; `stop()` erases it.
 */
export class LiveStatus {
  private timer: NodeJS.Timeout | null = null;
  private shown = '';
  private readonly samples: StatusSample[] = [];

  constructor(
    private readonly out: { write(s: string): unknown },
    private readonly read: () => QueryMetrics | null,
    private readonly columns: () => number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.redraw(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes result text above the status line. */
  write(text: string): void {
    if (text === '') return;
    if (this.shown) this.out.write(CLEAR_LINE);
    this.out.write(text);
    if (this.shown) this.out.write(this.shown);
  }

  private redraw(): void {
    const m = this.read();
    if (m === null) return;
    const cur = { at: Date.now(), metrics: m };
    this.samples.push(cur);
    // Rates over about the last second and a half, so one quiet tick does not read as zero.
    while (this.samples.length > 1 && cur.at - this.samples[0]!.at > 1500) this.samples.shift();
    const text = formatStatus(cur, this.samples.length > 1 ? this.samples[0]! : null);
    const width = Math.max(20, this.columns() - 1);
    const line = text.length > width ? text.slice(0, width - 1) + '…' : text;
    this.out.write(CLEAR_LINE + line);
    this.shown = line;
  }

  /** Stops redrawing and erases the line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.shown) this.out.write(CLEAR_LINE);
    this.shown = '';
  }
}
