import type { QueryMetrics } from '../src/runtime/running-query.js';
import { humanBytes, humanDuration } from './live-status.js';

const CLEAR_LINE = '\r\x1b[2K';

/** The progress figures of the queries running now, summed: rows read and file bytes read of their total. */
export interface ProgressSample {
  readonly rowsIn: number;
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

export function sumProgress(metrics: readonly (QueryMetrics | null)[]): ProgressSample {
  let rowsIn = 0;
  let bytesRead = 0;
  let bytesTotal = 0;
  for (const m of metrics) {
    if (!m) continue;
    rowsIn += m.rowsIn;
    if (m.bytes) {
      bytesRead += m.bytes.read;
      bytesTotal += m.bytes.total;
    }
  }
  return { rowsIn, bytesRead, bytesTotal };
}

/** The progress line: bytes read of the total, rows/s and the time left at the current rate. */
export function formatProgress(cur: ProgressSample, prev: ProgressSample | null, elapsedMs: number): string {
  const rate = prev === null || elapsedMs <= 0 ? 0 : ((cur.rowsIn - prev.rowsIn) * 1000) / elapsedMs;
  const byteRate = prev === null || elapsedMs <= 0 ? 0 : ((cur.bytesRead - prev.bytesRead) * 1000) / elapsedMs;
  const pct = Math.floor((cur.bytesRead * 100) / cur.bytesTotal);
  const eta = byteRate > 0 ? humanDuration(((cur.bytesTotal - cur.bytesRead) * 1000) / byteRate) : '?';
  return `reading ${humanBytes(cur.bytesRead)} of ${humanBytes(cur.bytesTotal)} (${pct}%) · ${Math.round(rate).toLocaleString('en-US')} rows/s · ETA ${eta}`;
}

/**
 * `eddy -f` on a terminal: one progress line on stderr for the file sources of the running
 * queries, redrawn a few times a second. Output to the same terminal goes through write(), which
 * clears the line first, so rows never mix with it.
 */
export class ScriptProgress {
  private timer: NodeJS.Timeout | null = null;
  private shown = false;
  private prev: { at: number; s: ProgressSample } | null = null;

  constructor(
    private readonly err: { write(s: string): unknown },
    private readonly sample: () => ProgressSample,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.redraw(), this.intervalMs);
    this.timer.unref();
  }

  /** Clears the line before other output to the terminal (it is drawn again at the next tick). */
  clear(): void {
    if (this.shown) this.err.write(CLEAR_LINE);
    this.shown = false;
  }

  private redraw(): void {
    const s = this.sample();
    const at = Date.now();
    if (s.bytesTotal === 0) return;
    // Rates over the last second or so.
    const prev = this.prev;
    if (prev === null || at - prev.at >= 1000) this.prev = { at, s };
    this.err.write(CLEAR_LINE + formatProgress(s, prev?.s ?? null, prev ? at - prev.at : 0));
    this.shown = true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clear();
  }
}
