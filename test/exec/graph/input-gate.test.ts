/**
 * The input gate of a multi-input operator (src/exec/graph/input-gate.ts) under random
 * interleavings of its inputs' signals: every row reaches the operator once, in its input's order;
 * each checkpoint barrier is aligned once, in id order, at exactly the cut where every input has
 * delivered what it sent before that barrier and nothing after (what a blocked input sends is held
 * back and replayed in order); the operator's watermark never decreases and never passes the
 * minimum of the live inputs' watermarks; rows are stamped with a watermark no later than the one
 * the operator sees next.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch, type Batch } from '../../../src/exec/batch.js';
import { InputGate } from '../../../src/exec/graph/input-gate.js';
import { Operator } from '../../../src/exec/operator.js';

type Step = { readonly kind: 'row'; readonly id: string } | { readonly kind: 'wm'; readonly value: number } | { readonly kind: 'barrier'; readonly id: number };

/** Records what the gate hands the operator, in order. */
class Recorder extends Operator {
  readonly rows: { id: string; stamp: number }[] = [];
  readonly watermarks: number[] = [];
  readonly barriers: number[] = [];
  ended = false;

  constructor() {
    super('recorder');
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') throw new Error('rows only');
    batch.rows.forEach((r, i) => this.rows.push({ id: String(r[0]), stamp: batch.wm ? batch.wm[i]! : NaN }));
  }

  override onWatermark(value: number): void {
    this.watermarks.push(value);
  }

  override onBarrier(id: number): void {
    this.barriers.push(id);
  }

  override onEnd(): void {
    this.ended = true;
  }
}

/** One input's signals: rows, rising watermarks, and barriers 1..checkpoints in order (each once). */
const inputScript = (input: number, checkpoints: number): fc.Arbitrary<Step[]> =>
  fc.array(fc.oneof(fc.constant<'row'>('row'), fc.integer({ min: 0, max: 30 })), { maxLength: 40 }).chain((parts) =>
    fc.array(fc.nat(parts.length), { minLength: checkpoints, maxLength: checkpoints }).map((cuts) => {
      const at = [...cuts].sort((a, b) => a - b);
      const steps: Step[] = [];
      let wm = 0;
      let b = 0;
      parts.forEach((p, i) => {
        while (b < at.length && at[b] === i) steps.push({ kind: 'barrier', id: ++b });
        if (p === 'row') steps.push({ kind: 'row', id: `${input}.${i}` });
        else steps.push({ kind: 'wm', value: (wm += p) });
      });
      while (b < at.length) steps.push({ kind: 'barrier', id: ++b });
      return steps;
    }),
  );

const arbCase = fc.record({ inputs: fc.integer({ min: 2, max: 3 }), checkpoints: fc.integer({ min: 0, max: 3 }) }).chain(({ inputs, checkpoints }) =>
  fc.record({
    scripts: fc.tuple(...Array.from({ length: inputs }, (_, i) => inputScript(i, checkpoints))),
    // Which input delivers next, as long as it has signals left.
    order: fc.array(fc.nat(inputs - 1), { maxLength: 400 }),
  }),
);

describe('input gate', () => {
  it('delivers every row once in input order, aligns barriers at their cut, and combines watermarks', () => {
    fc.assert(
      fc.property(arbCase, ({ scripts, order }) => {
        const op = new Recorder();
        const cuts: { id: number; delivered: string[] }[] = [];
        const gate = new InputGate(op, scripts.length, (id) => cuts.push({ id, delivered: op.rows.map((r) => r.id) }));
        const next = scripts.map(() => 0);
        const sentWm = scripts.map(() => -Infinity);
        const ended = scripts.map(() => false);
        const deliver = (i: number): void => {
          const step = scripts[i]![next[i]++]!;
          const out = gate.input(i);
          if (step.kind === 'row') out.data(rowBatch([[step.id] as Row], null));
          else if (step.kind === 'wm') {
            sentWm[i] = Math.max(sentWm[i]!, step.value);
            out.watermark(step.value);
          } else out.barrier(step.id);
          // The gate's watermark never passes what every input not ended has sent (held signals count as not yet seen).
          const bound = Math.min(...sentWm.filter((_, k) => !ended[k]));
          expect(gate.watermark).toBeLessThanOrEqual(bound);
        };
        for (const pick of order) {
          const i = [pick, ...scripts.keys()].find((k) => next[k]! < scripts[k]!.length);
          if (i === undefined) break;
          deliver(i);
        }
        for (let i = 0; i < scripts.length; i++) while (next[i]! < scripts[i]!.length) deliver(i);

        const checkpoints = Math.max(0, ...scripts.flatMap((s) => s.filter((x) => x.kind === 'barrier').map((x) => (x as { id: number }).id)));
        // Each barrier aligned once, in order, and forwarded to the operator after its snapshot.
        expect(cuts.map((c) => c.id)).toEqual(Array.from({ length: checkpoints }, (_, k) => k + 1));
        expect(op.barriers).toEqual(cuts.map((c) => c.id));
        for (const cut of cuts) {
          const want = scripts.flatMap((s) => {
            const b = s.findIndex((x) => x.kind === 'barrier' && x.id === cut.id);
            return s.slice(0, b).flatMap((x) => (x.kind === 'row' ? [x.id] : []));
          });
          expect([...cut.delivered].sort()).toEqual([...want].sort());
        }
        // Every row once, each input's rows in their order.
        const all = scripts.flatMap((s) => s.flatMap((x) => (x.kind === 'row' ? [x.id] : [])));
        expect(op.rows.map((r) => r.id).sort()).toEqual([...all].sort());
        scripts.forEach((_, i) => {
          const mine = op.rows.filter((r) => r.id.startsWith(`${i}.`)).map((r) => r.id);
          expect(mine).toEqual(scripts[i]!.flatMap((x) => (x.kind === 'row' ? [x.id] : [])));
        });
        // Watermarks rise, end at the minimum of the inputs' last ones, and stamp rows no later than the next watermark.
        for (let k = 1; k < op.watermarks.length; k++) expect(op.watermarks[k]!).toBeGreaterThan(op.watermarks[k - 1]!);
        const final = Math.min(...sentWm);
        expect(gate.watermark).toBe(final);
        const stamps = op.rows.map((r) => r.stamp);
        expect(stamps.every((s) => s <= gate.watermark)).toBe(true);
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('holds back a blocked input: its rows after the barrier wait until the other input aligns', () => {
    const op = new Recorder();
    const aligned: string[][] = [];
    const gate = new InputGate(op, 2, () => aligned.push(op.rows.map((r) => r.id)));
    gate.input(0).data(rowBatch([['a1']], null));
    gate.input(0).barrier(1);
    gate.input(0).data(rowBatch([['a2']], null));
    expect(op.rows.map((r) => r.id)).toEqual(['a1']);
    gate.input(1).data(rowBatch([['b1']], null));
    expect(op.rows.map((r) => r.id)).toEqual(['a1', 'b1']);
    gate.input(1).barrier(1);
    expect(aligned).toEqual([['a1', 'b1']]);
    expect(op.rows.map((r) => r.id)).toEqual(['a1', 'b1', 'a2']);
    // An ended input does not hold a later barrier back.
    gate.input(1).end();
    gate.input(0).barrier(2);
    expect(aligned).toHaveLength(2);
    expect(op.ended).toBe(false);
    gate.input(0).end();
    expect(op.ended).toBe(true);
  });
});
