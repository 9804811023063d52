import type { SourceReader } from '../common/connector.js';

type WatermarkLoop = (rows: readonly unknown[], start: number, out: Float64Array) => number;

interface SplitState {
  watermark: number;
  lastRowsAt: number;
  idle: boolean;
}

/**
 * The watermarks of one input whose source is made of splits (Kafka partitions; SourceReader.lastSplit):
 * one watermark per split (DESIGN.md §3 rule 1 over that split's rows), and the input's watermark is
 * the minimum over the splits that are not idle (rule 6 within one source, as Flink's per-partition
 * watermarks): a window fires only once every partition has passed it. A split that returned no
 * rows for the source's split idle timeout ('scan.watermark.idle-timeout') stops holding it back
 * until it returns rows again; when every split is idle the input's watermark is the largest of
 * theirs. A split the source lists but never returned rows from is at -Infinity.
 */
export class SplitWatermarks {
  private readonly states = new Map<string, SplitState>();

  private constructor(
    private readonly reader: SourceReader & { splits(): readonly string[] },
    private readonly now: () => number,
  ) {}

  /** Per-split watermarks for a reader with splits, else null (the input keeps one watermark). */
  static of(reader: SourceReader, now: () => number): SplitWatermarks | null {
    return reader.splits ? new SplitWatermarks(reader as SourceReader & { splits(): readonly string[] }, now) : null;
  }

  /**
   * Advances the watermark of the split the last read came from over its `rows` with `loop`, and
   * writes into `out`, per row, the input's watermark just before it. Returns the input's new
   * watermark (never below `inputWatermark`).
   */
  stamp(rows: readonly unknown[], loop: WatermarkLoop, out: Float64Array, inputWatermark: number): number {
    const t = this.now();
    const own = this.state(this.reader.lastSplit ?? '', t);
    own.watermark = loop(rows, own.watermark, out);
    own.lastRowsAt = t;
    own.idle = false;
    this.markIdle(t);
    let others = Infinity;
    for (const [, s] of this.sync(t)) if (s !== own && !s.idle && s.watermark < others) others = s.watermark;
    for (let j = 0; j < out.length; j++) {
      const w = out[j]! < others ? out[j]! : others;
      out[j] = w > inputWatermark ? w : inputWatermark;
    }
    return Math.max(inputWatermark, this.combined());
  }

  /** After a read with no rows: the input's watermark once quiet splits went idle, or undefined when none did. */
  idleCheck(): number | undefined {
    const t = this.now();
    this.sync(t);
    return this.markIdle(t) ? this.combined() : undefined;
  }

  /** The split watermarks to checkpoint, by split. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [split, s] of this.states) out[split] = s.watermark;
    return out;
  }

  restore(watermarks: Readonly<Record<string, number | null>>): void {
    const t = this.now();
    for (const [split, w] of Object.entries(watermarks)) this.state(split, t).watermark = w ?? -Infinity;
  }

  /** Minimum over the active splits; the maximum when every split is idle. */
  private combined(): number {
    let min = Infinity;
    let max = -Infinity;
    let active = 0;
    for (const s of this.states.values()) {
      if (s.idle) max = Math.max(max, s.watermark);
      else {
        active++;
        min = Math.min(min, s.watermark);
      }
    }
    return active > 0 ? min : max;
  }

  /** Tracks every split the source lists now (a new one starts its idle clock now). */
  private sync(t: number): Map<string, SplitState> {
    for (const split of this.reader.splits()) this.state(split, t);
    return this.states;
  }

  private markIdle(t: number): boolean {
    const timeout = this.reader.splitIdleTimeoutMs ?? 0;
    if (timeout <= 0) return false;
    let changed = false;
    for (const s of this.states.values()) {
      if (!s.idle && t - s.lastRowsAt >= timeout) changed = s.idle = true;
    }
    return changed;
  }

  private state(split: string, t: number): SplitState {
    let s = this.states.get(split);
    if (!s) this.states.set(split, (s = { watermark: -Infinity, lastRowsAt: t, idle: false }));
    return s;
  }
}
