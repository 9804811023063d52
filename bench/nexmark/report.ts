/** The Nexmark suite's tables (cli-table3), with the targets printed beside the ratios. */
import Table from 'cli-table3';
import type { NexmarkResult, QueryResult } from './suite.js';

const rate = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`);
const ratio = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x.toFixed(2)}x`);
const pass = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const style = { head: [], border: [] };

function memoryTarget(q: QueryResult): string {
  const t = q.memory.target;
  return t === null ? '(no target)' : `≥ ${t.toFixed(2)} ${pass(q.memory.eddyVsHandwritten >= t)}`;
}

/** Every table of the suite as text. */
export function formatNexmarkTables(r: NexmarkResult): string {
  const out: string[] = [];
  const mem = new Table({ head: ['in memory', 'Eddy', 'last insert() at', 'hand-written', 'SQLite', 'arquero', 'Eddy/hand', 'target', 'Eddy/SQLite', 'Eddy/arquero', 'Eddy RSS rise (peak)', 'result rows'], style });
  for (const q of r.queries) {
    const m = q.memory;
    mem.push([q.id, rate(m.eddy.eventsPerSec), `${Math.round((100 * m.eddyInsertMs) / m.eddy.ms)}%`, rate(m.handwritten.eventsPerSec), rate(m.sqlite.eventsPerSec), m.arquero ? rate(m.arquero.eventsPerSec) : 'n/a', ratio(m.eddyVsHandwritten), memoryTarget(q), ratio(m.eddyVsSqlite), ratio(m.eddyVsArquero), `${m.eddyRssRiseMiB} MiB (${m.eddyPeakRssMiB})`, q.result.rows.toLocaleString('en-US')]);
  }
  out.push(`Nexmark, ${r.bids.toLocaleString('en-US')} bids (${r.events.toLocaleString('en-US')} events), events/s = bids / median of ${r.repeat.memory} runs`, mem.toString());

  if (r.queries.some((q) => q.file)) {
    const file = new Table({ head: ['JSON Lines file', 'eddy -f (1 s checkpoints)', 'eddy -f (no state)', 'hand-written', 'Eddy/hand', `target ≥ ${r.targets.file}`, 'checkpoint overhead', `target ≤ ${r.targets.checkpointOverhead * 100}%`, 'peak RSS eddy / no state / hand'], style });
    for (const q of r.queries) {
      const f = q.file;
      if (!f) continue;
      file.push([q.id, rate(f.eddy.eventsPerSec), rate(f.eddyNoCheckpoints.eventsPerSec), rate(f.handwritten.eventsPerSec), ratio(f.eddyVsHandwritten), pass(f.eddyVsHandwritten >= r.targets.file), `${(f.checkpointOverhead * 100).toFixed(1)}%`, pass(f.checkpointOverhead <= r.targets.checkpointOverhead), `${f.peakRssMiB.eddy} / ${f.peakRssMiB.eddyNoCheckpoints} / ${f.peakRssMiB.handwritten} MiB`]);
    }
    out.push(`From a file (${r.inputBytes ? (r.inputBytes / 1e6).toFixed(0) + ' MB, ' : ''}child processes end to end, median of ${r.repeat.file})`, file.toString());
  }

  const win = new Table({ head: ['window query', 'bytes / state entry', `target ≤ ${r.targets.bytesPerStateEntry}`, 'bytes / (key, window)', 'wm-to-emit p50 / p99', "Flink per core", 'Eddy file ÷ Flink', 'Eddy memory ÷ Flink'], style });
  for (const q of r.queries) {
    if (!q.latency && !q.state) continue;
    const s = q.state;
    const l = q.latency;
    const f = q.flink;
    const k = (x: number) => `${Math.round(x / 1000)}K`;
    win.push([
      q.id,
      s ? `${s.bytesPerStateEntry} (${s.keys.toLocaleString('en-US')} keys)` : 'n/a (no key)',
      s ? pass(s.bytesPerStateEntry <= r.targets.bytesPerStateEntry) : '',
      s ? String(s.bytesPerKeyWindow) : '',
      l ? `${l.p50Ms} / ${l.p99Ms} ms` : '',
      f ? `${k(f.perCore[0])}-${k(f.perCore[1])} ev/s` : '—',
      f && f.multipleFile ? `${f.multipleFile[0]}-${f.multipleFile[1]}x` : '—',
      f ? `${f.multipleMemory[0]}-${f.multipleMemory[1]}x` : '—',
    ]);
  }
  out.push('Window queries: state size, latency, and Flink (its per-core figures, from its in-process Nexmark source)', win.toString());
  const lat = r.queries.find((q) => q.latency)?.latency;
  if (lat) out.push(`latency: ${lat.bids.toLocaleString('en-US')} bids offered at ${lat.chunkRows} rows every ${lat.periodMs} ms (${rate((lat.chunkRows * 1000) / lat.periodMs)}), iterator read concurrently`);
  for (const p of r.profiles) {
    out.push(`CPU profile of ${p.query} (${p.path}, Eddy/hand ${p.ratio.toFixed(2)}x), top self time:`);
    for (const t of p.top) out.push(`${t.ms.toFixed(0).padStart(7)} ms ${t.pct.toFixed(1).padStart(5)}%  ${t.fn}`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}
