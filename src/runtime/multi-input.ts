import { EddyError, internalError } from '../common/errors.js';
import type { Row } from '../common/types.js';
import { perLayout, type ObjectLayout, type StoredObjects } from '../common/object-layout.js';
import type { SourceReader } from '../connectors/connector.js';
import type { Collector } from '../exec/batch.js';
import type { SourceExecNode } from '../exec/build-pipeline.js';
import { compileWatermarkLoop } from '../exec/expr-compiler.js';
import type { PhysicalPlan } from '../planner/plan.js';
import { parseDuration } from './settings.js';

/** The stream WITH option that lets a quiet input stop holding the watermark of a multi-input query back. */
export const IDLE_TIMEOUT_OPTION = 'source.idle-timeout';

/** The sources of a plan in input order (depth first, a union's inputs left to right): the readers a run needs, in this order. */
export function planSources(plan: PhysicalPlan): SourceExecNode[] {
  switch (plan.kind) {
    case 'SourceExec':
      return [plan];
    case 'UnionExec':
      return plan.inputs.flatMap(planSources);
    default:
      return planSources(plan.input);
  }
}

type WatermarkLoop = ReturnType<typeof compileWatermarkLoop>;

/** One input of a query: where its rows go and how its own watermark is computed. */
export interface InputSpec {
  readonly source: SourceExecNode;
  readonly reader: SourceReader;
  /** Its branch's operator chain, feeding the operators above the union (or the query's first operator). */
  readonly head: Collector;
}

interface InputState extends InputSpec {
  /** Checkpoint key: the stream name, made unique with the source uid when a query reads a stream twice. */
  readonly key: string;
  readonly wmLoop: WatermarkLoop | null;
  /** The watermark loop compiled per layout of inserted objects read as they are (see readObjects). */
  readonly wmLoopFor: (layout: ObjectLayout) => WatermarkLoop;
  /** Whether rows are read as stored (the source can hand out inserted objects and the input's chain reads them). */
  readonly readsObjects: boolean;
  /** 'source.idle-timeout' in ms; 0 = never idle. */
  readonly idleTimeoutMs: number;
  /** This input's own watermark (DESIGN.md §3 rule 1 over its rows). */
  watermark: number;
  ended: boolean;
  idle: boolean;
  /** Processing time of the last read that returned rows (or of the run's start). */
  lastRowsAt: number;
}

/** What one step of reading produced. */
export type InputStep =
  | { readonly kind: 'rows'; readonly count: number }
  /** Every live input had nothing right now. */
  | { readonly kind: 'quiet' }
  /** Every input has ended. */
  | { readonly kind: 'end' };

/** The positions and watermarks a checkpoint records for a run's inputs (CheckpointMeta's fields of the same names). */
export interface InputCut {
  readonly sourceOffsets: Record<string, unknown>;
  readonly watermarks: Record<string, number>;
  /** The union's round-robin position, under its uid, when there is a union. */
  readonly operatorMeta: Record<string, unknown>;
}

/**
 * The inputs of one query run and the watermark over them (DESIGN.md §3 rules 5 and 6).
 *
 * Interleaving: inputs are read round-robin, one batch (at most batch-size rows) per turn, in plan
 * order; an input with nothing available is skipped for that turn. Results are a function of the
 * sequence of batches, so for inputs whose reads return full batches (files, memory streams) they
 * are deterministic, and the position in the round is checkpointed so a restored run continues the
 * same sequence.
 *
 * Watermark: the query's watermark W is the minimum of the watermarks of the active inputs — those
 * neither ended nor idle. An ended input never holds W back; when every input has ended the run
 * ends (operators fire everything: rule 5). An input whose reads have returned no rows for
 * 'source.idle-timeout' of processing time is idle until it returns rows again; when every live
 * input is idle, W is the maximum of their watermarks (as Flink's watermark valve does). W never
 * decreases, and a query over several inputs has a watermark only when every input stream declares
 * one. Each row is stamped with W just before it (Batch.wm), so the lateness rules apply unchanged.
 */
export class QueryInputs {
  private readonly inputs: InputState[];
  /** Whether the query has a watermark at all (every input declares one). */
  readonly watermarked: boolean;
  /** The query's watermark W. */
  watermark = -Infinity;
  /** Round-robin position: the input read next. */
  private next = 0;

  constructor(
    specs: readonly InputSpec[],
    /** The union's uid (checkpoint key of W and the round-robin position); absent for a single source. */
    private readonly unionUid: string | undefined,
    private readonly now: () => number,
  ) {
    if (specs.length === 0) throw internalError('a query needs at least one input');
    const names = specs.map((s) => s.source.stream.name);
    this.inputs = specs.map((s, i) => {
      const name = names[i]!;
      const option = s.source.stream.options[IDLE_TIMEOUT_OPTION];
      return {
        ...s,
        key: names.indexOf(name) === names.lastIndexOf(name) ? name : `${name}@${s.source.uid}`,
        wmLoop: s.source.watermark ? compileWatermarkLoop(s.source.watermark.expr) : null,
        wmLoopFor: perLayout((layout) => compileWatermarkLoop(s.source.watermark!.expr, layout)),
        readsObjects: s.reader.readObjects !== undefined && s.head.objects !== undefined,
        idleTimeoutMs: option === undefined ? 0 : parseDuration(option, `option '${IDLE_TIMEOUT_OPTION}' of stream '${name}'`),
        watermark: -Infinity,
        ended: false,
        idle: false,
        lastRowsAt: 0,
      };
    });
    this.watermarked = this.inputs.every((i) => i.wmLoop !== null);
  }

  get readers(): readonly SourceReader[] {
    return this.inputs.map((i) => i.reader);
  }

  /** Stream names in input order, for messages. */
  get streams(): readonly string[] {
    return this.inputs.map((i) => i.source.stream.name);
  }

  get skippedRows(): number {
    let n = 0;
    for (const i of this.inputs) n += i.reader.skippedRows;
    return n;
  }

  /** Starts the idle clocks (call when the run starts reading). */
  start(): void {
    const t = this.now();
    for (const i of this.inputs) i.lastRowsAt = t;
  }

  /** Resolves when an input that can say so may have rows again (see SourceReader.readable); null when none can. */
  readable(): Promise<void> | null {
    const wakes: Promise<void>[] = [];
    for (const i of this.inputs) if (!i.ended && i.reader.readable) wakes.push(i.reader.readable());
    return wakes.length === 0 ? null : Promise.race(wakes);
  }

  /**
   * Reads the next batch, round-robin, and sends it (stamped with W) into its input's chain; then
   * raises W where an input ended, went idle or advanced, sending the new W to `downstream`.
   */
  async step(batchSize: number, downstream: Collector): Promise<InputStep> {
    const n = this.inputs.length;
    for (let tries = 0; tries < n; tries++) {
      const input = this.inputs[this.next]!;
      this.next = (this.next + 1) % n;
      if (input.ended) continue;
      const rows = input.readsObjects ? await input.reader.readObjects!(batchSize) : await input.reader.read(batchSize);
      if (rows === null) {
        input.ended = true;
        this.raise(downstream);
        continue;
      }
      const count = Array.isArray(rows) ? rows.length : rows.objects.length;
      if (count === 0) {
        if (!input.idle && input.idleTimeoutMs > 0 && this.now() - input.lastRowsAt >= input.idleTimeoutMs) {
          input.idle = true;
          this.raise(downstream);
        }
        continue;
      }
      input.idle = false;
      input.lastRowsAt = this.now();
      if (Array.isArray(rows)) this.push(input, rows);
      else this.pushObjects(input, rows);
      this.raise(downstream);
      return { kind: 'rows', count };
    }
    return this.inputs.every((i) => i.ended) ? { kind: 'end' } : { kind: 'quiet' };
  }

  /** Stamps a batch of `input` with the query's watermark before each row and sends it into the input's chain. */
  private push(input: InputState, rows: Row[]): void {
    input.head.data({ rows, wm: this.watermarked ? this.stamp(input, rows, input.wmLoop!) : null });
  }

  /** As push, for inserted objects read as they are (see SourceReader.readObjects). */
  private pushObjects(input: InputState, { objects, layout }: StoredObjects): void {
    let wm: Float64Array | null = null;
    if (this.watermarked) {
      wm = this.stamp(input, objects, input.wmLoopFor(layout));
    }
    input.head.objects!({ objects, layout, wm });
  }

  /** Advances `input`'s watermark over `rows`; returns the query's watermark before each row. */
  private stamp(input: InputState, rows: readonly unknown[], loop: WatermarkLoop): Float64Array {
    const wm = new Float64Array(rows.length);
    input.watermark = loop(rows, input.watermark, wm);
    if (this.inputs.length > 1) {
      // W before row j = max(W, min(this input's watermark before j, the other active inputs' minimum)).
      let others = Infinity;
      for (const o of this.inputs) if (o !== input && !o.ended && !o.idle && o.watermark < others) others = o.watermark;
      let w = this.watermark;
      for (let j = 0; j < wm.length; j++) {
        const own = wm[j]!;
        const c = own < others ? own : others;
        if (c > w) w = c;
        wm[j] = w;
      }
    }
    return wm;
  }

  /** Recomputes W from the live inputs and sends it downstream when it rose. W does not move once every input has ended: the run ends instead. */
  private raise(downstream: Collector): void {
    if (!this.watermarked) return;
    let activeMin = Infinity;
    let idleMax = -Infinity;
    let live = 0;
    let active = 0;
    for (const i of this.inputs) {
      if (i.ended) continue;
      live++;
      if (i.idle) {
        if (i.watermark > idleMax) idleMax = i.watermark;
      } else {
        active++;
        if (i.watermark < activeMin) activeMin = i.watermark;
      }
    }
    if (live === 0) return;
    const candidate = active > 0 ? activeMin : idleMax;
    if (candidate > this.watermark) {
      this.watermark = candidate;
      downstream.watermark(candidate);
    }
  }

  /** The inputs' positions and watermarks at this step boundary (a consistent cut). */
  cut(): InputCut {
    const sourceOffsets: Record<string, unknown> = {};
    const watermarks: Record<string, number> = {};
    for (const i of this.inputs) {
      sourceOffsets[i.key] = i.reader.offset();
      watermarks[i.key] = i.watermark;
    }
    const operatorMeta: Record<string, unknown> = {};
    if (this.unionUid !== undefined) {
      watermarks[this.unionUid] = this.watermark;
      operatorMeta[this.unionUid] = { next: this.next };
    }
    return { sourceOffsets, watermarks, operatorMeta };
  }

  /** Positions every reader and restores the watermarks and the round-robin position of a cut. */
  async restore(cut: { readonly sourceOffsets: Readonly<Record<string, unknown>>; readonly watermarks: Readonly<Record<string, number | null>>; readonly operatorMeta: Readonly<Record<string, unknown>> }): Promise<void> {
    for (const i of this.inputs) {
      await i.reader.seek(cut.sourceOffsets[i.key]);
      i.watermark = cut.watermarks[i.key] ?? -Infinity;
    }
    if (this.unionUid === undefined) {
      this.watermark = this.inputs[0]!.watermark;
      return;
    }
    this.watermark = cut.watermarks[this.unionUid] ?? -Infinity;
    const next = (cut.operatorMeta[this.unionUid] as { next?: unknown } | undefined)?.next;
    if (typeof next !== 'number' || !Number.isInteger(next) || next < 0 || next >= this.inputs.length) {
      throw new EddyError('CHECKPOINT', `checkpoint has no valid read position for ${this.unionUid} (got ${JSON.stringify(next)})`, undefined, 'run it with --fresh (or the fresh option) to start over');
    }
    this.next = next;
  }

  /** Where each input stands, for the "resumed from checkpoint" message. */
  describePositions(): string {
    return this.inputs.map((i) => `source '${i.key}' at ${JSON.stringify(i.reader.offset())}`).join(', ');
  }
}
