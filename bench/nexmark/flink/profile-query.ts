/**
 * One Nexmark query timed and profiled in-process the way the bench's in-memory figure runs it
 * (eddyTimed, after a 20,000-event warm-up), beside its hand-written baseline:
 * `node dist/bench/nexmark/flink/profile-query.js q3 [events] [runs] [profile.cpuprofile]`. With a
 * profile path, the CPU profile of the last Eddy run is written there and its top functions printed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { CountingOut } from './baseline-api.js';
import { makeBaseline, runGenerated } from './baselines.js';
import { eddyTimed, writeSideInput } from './eddy-runs.js';
import { isBenchQuery, sideInputText } from './sql.js';
import { topSelfTime } from '../../profile-top.js';

const TPS = 10_000;
const [q = 'q3', eventsText = '200000', runsText = '3', profile] = process.argv.slice(2);
if (!isBenchQuery(q)) throw new Error(`profile-query: unknown query ${q}`);
const events = Number(eventsText);
const runs = Number(runsText);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-nexmark-profile-'));

/** CPU ms (user + system) of this process since `from`: steadier than wall time on a shared machine. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

function baselineMs(n: number): { ms: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  runGenerated(makeBaseline(q as never, new CountingOut(), q === 'q13' ? sideInputText() : ''), n, TPS);
  return { ms: performance.now() - t0, cpu: cpuMs(c0) };
}

try {
  writeSideInput(home);
  await eddyTimed(root, q, 20_000, TPS, home);
  baselineMs(20_000);
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let r = 0; r < runs; r++) {
    const inspector = profile && r === runs - 1 ? new Session() : null;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    const c0 = process.cpuUsage();
    const e = await eddyTimed(root, q, events, TPS, home);
    const eCpu = cpuMs(c0);
    if (inspector) {
      const { profile: p } = await inspector.post('Profiler.stop');
      fs.writeFileSync(profile!, JSON.stringify(p));
      inspector.disconnect();
    }
    const h = baselineMs(events);
    ratios.push(h.ms / e.ms);
    cpuRatios.push(h.cpu / eCpu);
    console.log(`${q}: eddy ${e.ms.toFixed(0)} ms (cpu ${eCpu.toFixed(0)}; ${e.changes} changes), hand-written ${h.ms.toFixed(0)} ms (cpu ${h.cpu.toFixed(0)}), ratio ${(h.ms / e.ms).toFixed(2)} (cpu ${(h.cpu / eCpu).toFixed(2)})`);
  }
  const median = (xs: number[]): string => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2);
  console.log(`${q}: median ratio ${median(ratios)} (cpu ${median(cpuRatios)})`);
  if (profile) for (const t of topSelfTime(JSON.parse(fs.readFileSync(profile, 'utf8')), 40)) console.log(`${t.ms.toFixed(0).padStart(7)} ms ${t.pct.toFixed(1).padStart(5)}%  ${t.fn}`);
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
