/** The Nexmark (nexmark-flink queries) tables, with issue 11's targets beside the ratios. */
import Table from 'cli-table3';
import type { FlinkNexmarkResult } from './suite.js';
import type { Figure } from '../figures.js';

const rate = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`);
const ratio = (x: number) => `${x.toFixed(2)}x`;
const pass = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const style = { head: [], border: [] };
const na = (x: number) => (Number.isNaN(x) ? 'n/a' : String(x));
/** Eddy's fastest run against the baseline's fastest: on a loaded machine noise only ever slows a run. */
const best = (eddy: Figure, base: Figure) => ratio(Math.min(...base.samplesMs) / Math.min(...eddy.samplesMs));

export function formatFlinkNexmarkTables(r: FlinkNexmarkResult): string {
  const out: string[] = [];
  const t = r.targets;
  const mem = new Table({ head: ['in memory', 'Eddy', 'hand-written', 'Eddy/hand', `target ≥ ${t.memory}`, 'best/best', 'changes out (Eddy / hand)', 'verified rows'], style });
  for (const q of r.queries) {
    const m = q.memory;
    mem.push([q.id, rate(m.eddy.eventsPerSec), rate(m.baseline.eventsPerSec), ratio(m.ratio), pass(m.ratio >= t.memory), best(m.eddy, m.baseline), `${m.eddyChanges.toLocaleString('en-US')} / ${m.baselineChanges.toLocaleString('en-US')}`, q.verified.rows.toLocaleString('en-US')]);
  }
  out.push(`Nexmark (nexmark-flink's queries as written), ${r.events.toLocaleString('en-US')} events per query at ${r.tps} events/s of event time, median of ${r.repeat.memory}; the generator alone: ${rate(r.generatorOnly.eventsPerSec)}`, mem.toString());

  const files = r.queries.filter((q) => q.file);
  if (files.length) {
    const file = new Table({ head: ['JSON Lines file', 'eddy -f', 'hand-written', 'Eddy/hand', `target ≥ ${t.file}`, 'best/best', 'peak RSS eddy / hand'], style });
    for (const q of files) {
      const f = q.file!;
      file.push([q.id, rate(f.eddy.eventsPerSec), rate(f.baseline.eventsPerSec), ratio(f.ratio), pass(f.ratio >= t.file), best(f.eddy, f.baseline), `${f.peakRssMiB.eddy} / ${f.peakRssMiB.baseline} MiB`]);
    }
    out.push(`From a file (${r.inputBytes ? (r.inputBytes / 1e6).toFixed(0) + ' MB, ' : ''}child processes end to end, median of ${r.repeat.file})`, file.toString());
  }

  const joins = r.queries.filter((q) => q.state);
  if (joins.length) {
    const st = new Table({ head: ['join state', 'events', 'join rows Eddy / hand', 'Eddy B/row', 'marginal', `target ≤ ${t.bytesPerJoinRow}`, 'hand-written B/row', 'marginal', 'Eddy MiB / hand MiB'], style });
    for (const q of joins) {
      const s = q.state!;
      st.push([q.id, s.events.toLocaleString('en-US'), `${s.eddyJoinRows.toLocaleString('en-US')} / ${s.liveJoinRows.toLocaleString('en-US')}`, `${s.eddyBytesPerRow}${s.divisor === 'baseline' ? ' *' : ''}`, na(s.eddyMarginalBytesPerRow), pass((Number.isNaN(s.eddyMarginalBytesPerRow) ? s.eddyBytesPerRow : s.eddyMarginalBytesPerRow) <= t.bytesPerJoinRow), String(s.baselineBytesPerRow), na(s.baselineMarginalBytesPerRow), `${(s.eddyBytes / 2 ** 20).toFixed(1)} / ${(s.baselineBytes / 2 ** 20).toFixed(1)}`]);
    }
    out.push("Join state: heap per live join-state row, each side's heap by its own join rows (* Eddy's join holds none at rest: by the baseline's window rows)", st.toString());
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}
