/**
 * Heap held by a join query's state with its input read and its last windows still open: Eddy
 * (the query file as written, over the `nexmark` connector) against the hand-written baseline
 * over the same events, each divided by the rows it holds in join state: Eddy's from its join
 * operators' liveRows (reached through the session, as tests do), the baseline's own count. Where
 * Eddy's join holds no rows at rest (q8's window join: its inputs, the windowed aggregates, hold
 * them until the window fires) the baseline's count of those window rows divides both.
 *
 * Eddy's source is made to stop after `events` events without ending (an ended input fires every
 * window and finishes the query, freeing its state): for this measurement only, NexmarkSource's
 * read() is wrapped to return nothing once a reader has emitted `events` rows. The heap (used +
 * external) is read after full collections before the query starts and once every reader has
 * reached that count and the query has processed it.
 */
import { Eddy } from '../../../src/engine.js';
import { NexmarkSource } from '../../../src/connectors/nexmark/nexmark-source.js';
import type { Row } from '../../../src/common/types.js';
import { CountingOut } from './baseline-api.js';
import { makeBaseline, runGenerated } from './baselines.js';
import { generator } from './events.js';
import { benchScript, type BenchQuery } from './sql.js';
import { gc } from '../memory-path.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface StateBytes {
  readonly events: number;
  /** Rows Eddy's join operators hold, and the baseline's; `divisor` says which divides Eddy's heap. */
  readonly eddyJoinRows: number;
  readonly liveJoinRows: number;
  readonly divisor: 'eddy' | 'baseline';
  readonly eddyBytes: number;
  readonly baselineBytes: number;
  /** Whole heap growth / live rows (includes the query's fixed footprint). */
  readonly eddyBytesPerRow: number;
  readonly baselineBytesPerRow: number;
  /**
   * Marginal: (bytes at `events` - bytes at half of it) / (rows at `events` - rows at half), which
   * leaves out what does not grow with the state (plans, compiled code, batch buffers); NaN when
   * the rows grew by less than a tenth. Where the baseline's rows at half are within a tenth of
   * those at the end, three quarters instead: window rows at rest (q8's) hold the open window's
   * events only, and at half of 200,000 events (10 s of event time, 10 s windows) that window is as
   * full as at the end, where at three quarters it is half as full.
   */
  readonly eddyMarginalBytesPerRow: number;
  readonly baselineMarginalBytesPerRow: number;
}

function heap(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function eddyStateBytes(root: string, q: BenchQuery, events: number, tps: number, flinkHome: string): Promise<{ bytes: number; rows: number }> {
  type Reader = { count: number };
  const readers = new Set<Reader>();
  const original = NexmarkSource.prototype.read;
  NexmarkSource.prototype.read = async function (this: NexmarkSource, max: number): Promise<Row[] | null> {
    const self = this as unknown as Reader;
    readers.add(self);
    if (self.count >= events) {
      await sleep(20);
      return [];
    }
    return original.call(this, Math.min(max, events - self.count));
  };
  const eddy = await Eddy.open({ baseDir: flinkHome, onWarning: () => undefined });
  try {
    await sleep(50);
    const before = heap();
    // events.num 0: unbounded, so the input never ends (the wrapper stops it at `events`).
    await eddy.execute(benchScript(root, q, { tps, from: { kind: 'nexmark', events: 0 } }, flinkHome));
    const started = performance.now();
    while (readers.size === 0 || [...readers].some((r) => r.count < events)) {
      if (performance.now() - started > 600_000) throw new Error(`bench: ${q} state run did not read ${events} events in 10 minutes`);
      await sleep(50);
    }
    // The readers' last batches are through the graph once the sources poll empty again.
    await sleep(300);
    const bytes = heap() - before;
    let rows = 0;
    for (const pq of eddy.session.persistent.values()) {
      for (const op of pq.run?.operators ?? []) if ('liveRows' in op) rows += (op as unknown as { liveRows: number }).liveRows;
    }
    return { bytes, rows };
  } finally {
    NexmarkSource.prototype.read = original;
    await eddy.close();
  }
}

function baselineStateBytes(q: BenchQuery, events: number, tps: number, sideInput: string): { bytes: number; rows: number } {
  const before = heap();
  const b = makeBaseline(q, new CountingOut(), sideInput);
  runGenerated(b, events, tps, true);
  const bytes = heap() - before;
  return { bytes, rows: b.liveJoinRows() };
}

export async function stateBytes(root: string, q: BenchQuery, events: number, tps: number, flinkHome: string): Promise<StateBytes> {
  // The generator's shared tables (URLs, the padding pool) exist before either measurement starts.
  generator(tps).event(0);
  const base = baselineStateBytes(q, events, tps, '');
  const eddy = await eddyStateBytes(root, q, events, tps, flinkHome);
  const divisor = eddy.rows > 0 ? 'eddy' : 'baseline';
  // The slope's start: half the events, or three quarters where the rows at half are nearly those at the end.
  let start = Math.floor(events / 2);
  let baseHalf = baselineStateBytes(q, start, tps, '');
  if (base.rows - baseHalf.rows < 0.1 * base.rows) {
    start = Math.floor((events * 3) / 4);
    baseHalf = baselineStateBytes(q, start, tps, '');
  }
  const eddyHalf = await eddyStateBytes(root, q, start, tps, flinkHome);
  const [rows, rowsHalf] = divisor === 'eddy' ? [eddy.rows, eddyHalf.rows] : [base.rows, baseHalf.rows];
  const per = (b: number, n: number) => (n > 0 ? Math.round(b / n) : NaN);
  // Where the rows at rest hardly grow with the input (window rows, freed as windows fire) a slope means nothing.
  const marginal = (b: number, n: number, total: number) => (n >= 0.1 * total ? per(b, n) : NaN);
  return {
    events,
    eddyJoinRows: eddy.rows,
    liveJoinRows: base.rows,
    divisor,
    eddyBytes: eddy.bytes,
    baselineBytes: base.bytes,
    eddyBytesPerRow: per(eddy.bytes, rows),
    baselineBytesPerRow: per(base.bytes, base.rows),
    eddyMarginalBytesPerRow: marginal(eddy.bytes - eddyHalf.bytes, rows - rowsHalf, rows),
    baselineMarginalBytesPerRow: marginal(base.bytes - baseHalf.bytes, base.rows - baseHalf.rows, base.rows),
  };
}
