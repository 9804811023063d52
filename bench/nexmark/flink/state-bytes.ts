/**
 * Heap held by a join query's state with its input read and its last windows still open: Eddy
 * (the query file as written, over the `nexmark` connector) against the hand-written baseline
 * over the same events, both divided by the rows the baseline holds in join state (the same
 * retention; Eddy's join operators do not report theirs through the API).
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
  readonly liveJoinRows: number;
  readonly eddyBytes: number;
  readonly baselineBytes: number;
  /** Whole heap growth / live rows (includes the query's fixed footprint). */
  readonly eddyBytesPerRow: number;
  readonly baselineBytesPerRow: number;
  /**
   * Marginal: (bytes at `events` - bytes at half of it) / (rows at `events` - rows at half), which
   * leaves out what does not grow with the state (plans, compiled code, batch buffers).
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

async function eddyStateBytes(root: string, q: BenchQuery, events: number, tps: number, flinkHome: string): Promise<number> {
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
    return heap() - before;
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
  const half = Math.floor(events / 2);
  const baseHalf = baselineStateBytes(q, half, tps, '');
  const base = baselineStateBytes(q, events, tps, '');
  const eddyHalf = await eddyStateBytes(root, q, half, tps, flinkHome);
  const eddyBytes = await eddyStateBytes(root, q, events, tps, flinkHome);
  const per = (b: number, rows: number) => (rows > 0 ? Math.round(b / rows) : NaN);
  const dRows = base.rows - baseHalf.rows;
  return {
    events,
    liveJoinRows: base.rows,
    eddyBytes,
    baselineBytes: base.bytes,
    eddyBytesPerRow: per(eddyBytes, base.rows),
    baselineBytesPerRow: per(base.bytes, base.rows),
    eddyMarginalBytesPerRow: per(eddyBytes - eddyHalf, dRows),
    baselineMarginalBytesPerRow: per(base.bytes - baseHalf.bytes, dRows),
  };
}
