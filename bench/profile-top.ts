/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time.
 * Run: `node dist/bench/profile-top.js file.cpuprofile [count]`.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Self time per function (name + file:line), in ms, largest first. */
export function topSelfTime(profile: Profile, count: number): { fn: string; ms: number; pct: number }[] {
  const byNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFn = new Map<string, number>();
  for (const n of profile.nodes) {
    const us = byNode.get(n.id) ?? 0;
    if (us === 0) continue;
    const f = n.callFrame;
    // The inspector's own work (Profiler.stop), when the profile was taken in process.
    if (f.functionName === 'dispatch' && f.url === '') continue;
    const where = f.url ? `${path.relative(process.cwd(), f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const total = profile.endTime - profile.startTime;
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, us]) => ({ fn, ms: us / 1000, pct: (100 * us) / total }));
}

const [file, count] = process.argv.slice(2);
// Only as a command: profile-query.js imports topSelfTime with its own arguments.
if (file && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  for (const r of topSelfTime(profile, Number(count ?? 15))) console.log(`${r.ms.toFixed(0).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.fn}`);
}
