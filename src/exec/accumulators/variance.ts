import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';

export type VarianceKind = 'VAR_POP' | 'VAR_SAMP' | 'STDDEV_POP' | 'STDDEV_SAMP';

/** Welford's update of slots [n, mean, m2] (m2 = sum of squared deviations from the mean). */
function addValue(s: Value[], at: number, v: Value): void {
  const x = typeof v === 'bigint' ? Number(v) : (v as number);
  const n = (s[at] as number) + 1;
  const mean = s[at + 1] as number;
  const d = x - mean;
  const next = mean + d / n;
  s[at] = n;
  s[at + 1] = next;
  s[at + 2] = (s[at + 2] as number) + d * (x - next);
}

/**
 * VAR_POP, VAR_SAMP (VARIANCE), STDDEV_POP, STDDEV_SAMP (STDDEV): numerically stable (Welford's
 * update, Chan et al.'s pairwise merge), so large offsets do not cancel as SUM(x²) - SUM(x)²/n
 * does. NULL for no value, and the sample forms for a single value. As Flink, the result has the
 * argument's type: over INT/BIGINT it is truncated (`integerResult`).
 */
export function variance(kind: VarianceKind, integerResult: boolean): Accumulator {
  const sample = kind === 'VAR_SAMP' || kind === 'STDDEV_SAMP';
  const root = kind === 'STDDEV_POP' || kind === 'STDDEV_SAMP';
  return {
    width: 3,
    init: (s, at) => {
      s[at] = 0;
      s[at + 1] = 0;
      s[at + 2] = 0;
    },
    add: addValue,
    merge: (into, from, at) => {
      const nb = from[at] as number;
      if (nb === 0) return;
      const na = into[at] as number;
      const ma = into[at + 1] as number;
      const mb = from[at + 1] as number;
      const n = na + nb;
      const d = mb - ma;
      into[at] = n;
      into[at + 1] = na === 0 ? mb : ma + (d * nb) / n;
      into[at + 2] = (into[at + 2] as number) + (from[at + 2] as number) + (na === 0 ? 0 : (d * d * na * nb) / n);
    },
    result: (s, at): Value => {
      const n = s[at] as number;
      const denom = sample ? n - 1 : n;
      if (denom <= 0) return null;
      const v = Math.max(0, s[at + 2] as number) / denom;
      const r = root ? Math.sqrt(v) : v;
      if (!integerResult) return r;
      // Rounding noise (91.99999999999999 for 92) must not move the truncated result down.
      const near = Math.round(r);
      return Math.abs(r - near) <= 1e-9 * Math.max(1, near) ? near + 0 : Math.trunc(r) + 0;
    },
    addSource: (s, at, v, bind) => `${bind(addValue)}(${s}, ${at}, ${v});`,
  };
}
