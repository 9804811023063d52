/**
 * Windows over SESSION window results vs SQLite: (1) a GROUP BY of the sessions' own keys and
 * window_start, window_end over a session aggregate is, as in Flink (WindowUtil's
 * validGroupKeyPartitionKey), an append-only window aggregate whose rows carry their window
 * (Flink's UnsliceAssigners.windowed); (2) a GROUP BY window_start, window_end over sessions of
 * several keys is Flink's plain updating GROUP BY (its folded result is compared); (3) a TUMBLE
 * over the window_time of a session aggregate (Flink's cascading window aggregation). Sessions are
 * numbered in SQLite with window functions, as in session.test.ts. No row is late (disorder below
 * the watermark delay), so each result must equal SQLite's nested GROUP BY exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbEvents, BASE, Differential, FILTERS, type Event } from './harness.js';
import { foldChangelog } from '../exec/changelog.js';

interface Spec {
  readonly gapMs: number;
  readonly shape: 'attached' | 'across-keys' | 'cascaded';
  /** The inner session aggregate's keys (none: one session stream). */
  readonly innerKeys: readonly string[];
  /** The cascaded shape's outer TUMBLE also groups by v when it is an inner key. */
  readonly outerByV: boolean;
  readonly tvf: boolean;
  readonly filter: string;
  readonly batchSize: number;
}

const arbSpec: fc.Arbitrary<Spec> = fc
  .record({
    gapMs: fc.constantFrom(500, 1000, 1750),
    shape: fc.constantFrom<Spec['shape']>('attached', 'attached', 'across-keys', 'cascaded'),
    innerKeys: fc.constantFrom<readonly string[]>([], ['k'], ['k', 'v'], ['v']),
    outerByV: fc.boolean(),
    tvf: fc.boolean(),
    filter: fc.constantFrom(...FILTERS),
    batchSize: fc.constantFrom(1, 3, 1000),
  })
  .map((s) => ({ ...s, outerByV: s.outerByV && s.innerKeys.includes('v'), innerKeys: s.shape === 'across-keys' && s.innerKeys.length === 0 ? ['k'] : s.innerKeys }));

const DELAY = 2000;
const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

/** `k, v, ` for a list of keys (or ''). */
const lead = (keys: readonly string[]): string => keys.map((k) => `${k}, `).join('');

/** The inner session aggregate, with its window as ws, we (and wt = window_time for the cascaded shape). */
function inner(q: Spec): string {
  const gap = `INTERVAL '${q.gapMs}' MILLISECOND`;
  const keys = lead(q.innerKeys);
  const wt = q.shape === 'cascaded' ? (q.tvf ? ', window_time AS wt' : `, SESSION_ROWTIME(ts, ${gap}) AS wt`) : '';
  if (q.tvf) {
    const partition = q.innerKeys.length > 0 ? ` PARTITION BY ${q.innerKeys.join(', ')}` : '';
    return `SELECT ${keys}window_start AS ws, window_end AS we${wt}, COUNT(*) AS n, SUM(price) AS s, MIN(k) AS mk
      FROM TABLE(SESSION(TABLE events${partition}, DESCRIPTOR(ts), ${gap})) ${q.filter}
      GROUP BY ${keys}window_start, window_end${q.shape === 'cascaded' ? ', window_time' : ''}`;
  }
  return `SELECT ${keys}SESSION_START(ts, ${gap}) AS ws, SESSION_END(ts, ${gap}) AS we${wt}, COUNT(*) AS n, SUM(price) AS s, MIN(k) AS mk
    FROM events ${q.filter} GROUP BY ${keys}SESSION(ts, ${gap})`;
}

/** The outer GROUP BY's keys besides the window: the sessions' own keys (attached), none (across keys), or v (cascaded). */
const outerKeys = (q: Spec): string[] => (q.shape === 'attached' ? [...q.innerKeys] : q.shape === 'cascaded' && q.outerByV ? ['v'] : []);

const OUTER_AGGS = 'MAX(n) AS top, SUM(s) AS total, COUNT(*) AS groups, MIN(mk) AS mk';

function eddySql(q: Spec): string {
  const keys = lead(outerKeys(q));
  if (q.shape !== 'cascaded') return `SELECT ${keys}ws, we, ${OUTER_AGGS} FROM (${inner(q)}) AS sessions GROUP BY ${keys}ws, we`;
  return `SELECT ${keys}window_start AS ws, window_end AS we, ${OUTER_AGGS}
    FROM TABLE(TUMBLE(TABLE sessions, DESCRIPTOR(wt), INTERVAL '3' SECOND)) GROUP BY ${keys}window_start, window_end`;
}

const prelude = (q: Spec): string[] => (q.shape === 'cascaded' ? [`CREATE VIEW sessions AS ${inner(q)}`] : []);

/** The sessions in SQLite: per inner key, a row more than gap after the previous one starts a session. */
function sqliteSessions(q: Spec): string {
  const keys = lead(q.innerKeys);
  const over = `OVER (${q.innerKeys.length > 0 ? `PARTITION BY ${q.innerKeys.join(', ')} ` : ''}ORDER BY ts`;
  return `WITH f AS (SELECT *, CASE WHEN LAG(ts) ${over}) IS NULL OR ts - LAG(ts) ${over}) > ${q.gapMs} THEN 1 ELSE 0 END AS brk FROM events ${q.filter}),
    g AS (SELECT *, SUM(brk) ${over} ROWS UNBOUNDED PRECEDING) AS sid FROM f),
    a AS (SELECT ${keys}MIN(ts) AS ws, MAX(ts) + ${q.gapMs} AS we, COUNT(*) AS n, SUM(price) AS s, MIN(k) AS mk FROM g GROUP BY ${keys}sid)`;
}

function sqliteSql(q: Spec): string {
  const keys = lead(outerKeys(q));
  if (q.shape !== 'cascaded') return `${sqliteSessions(q)} SELECT ${keys}ws, we, ${OUTER_AGGS} FROM a GROUP BY ${keys}ws, we`;
  // window_time = window_end - 1 ms, in the 3 s tumble starting at a multiple of 3 s.
  return `${sqliteSessions(q)} SELECT ${keys}((we - 1) / 3000) * 3000 AS ws, ((we - 1) / 3000) * 3000 + 3000 AS we, ${OUTER_AGGS} FROM a GROUP BY ${keys}((we - 1) / 3000)`;
}

const COLUMNS = (q: Spec): string[] => [...outerKeys(q), 'ws', 'we', 'top', 'total', 'groups', 'mk'];

/** Rows as sorted JSON arrays of COLUMNS (an updating result folded to its final rows first). */
function canonical(rows: readonly Record<string, unknown>[], q: Spec): string[] {
  if (rows.length > 0 && 'op' in rows[0]!) {
    const folded = foldChangelog(rows.map((r) => [r['op'], ...COLUMNS(q).map((c) => (r[c] instanceof Date ? (r[c] as Date).getTime() : r[c]))] as never));
    return folded.slice().sort();
  }
  return rows
    .map((r) =>
      JSON.stringify(
        COLUMNS(q).map((c) => {
          if (!(c in r)) throw new Error(`result row lacks column ${c}: ${JSON.stringify(r)}`);
          return r[c] instanceof Date ? (r[c] as Date).getTime() : r[c];
        }),
      ),
    )
    .sort();
}

describe('windows over SESSION window results vs SQLite', () => {
  const events: Event[] = [
    { k: 'a', v: 1, price: 1, ts: BASE + 3000 },
    { k: 'b', v: 1, price: 2, ts: BASE + 3000 },
    { k: 'c', v: 1, price: 4, ts: BASE + 3500 },
    { k: 'a', v: 1, price: 8, ts: BASE + 3500 },
    { k: 'b', v: 1, price: 16, ts: BASE + 3500 },
    { k: 'a', v: 1, price: 32, ts: BASE + 9000 },
  ];
  const at = (r: Record<string, unknown>, c: string): unknown => (r[c] instanceof Date ? (r[c] as Date).getTime() - BASE : r[c]);

  it('hand-checked: grouped by the sessions\' key, append-only in order of end, then start; across keys, an updating GROUP BY', async () => {
    const attached: Spec = { gapMs: 1000, shape: 'attached', innerKeys: ['k'], outerByV: false, tvf: true, filter: '', batchSize: 1 };
    const rows = await diff.eddy(events, eddySql(attached), DELAY, 1);
    // a, b: [3000, 4500) with 2 rows each; c: [3500, 4500); a: [9000, 10000).
    expect(rows.map((r) => ['op', 'k', 'ws', 'we', 'top', 'total', 'groups'].map((c) => at(r, c)))).toEqual([
      [undefined, 'a', 3000, 4500, 2, 9, 1],
      [undefined, 'b', 3000, 4500, 2, 18, 1],
      [undefined, 'c', 3500, 4500, 1, 4, 1],
      [undefined, 'a', 9000, 10000, 1, 32, 1],
    ]);
    expect(canonical(rows, attached)).toEqual(canonical(await diff.sqlite(events, sqliteSql(attached)), attached));

    const across: Spec = { ...attached, shape: 'across-keys' };
    const changes = await diff.eddy(events, eddySql(across), DELAY, 1);
    // An updating result (op first), as Flink's GROUP BY (its changes per batch are folded: DESIGN.md).
    expect(changes.length > 0 && changes.every((r) => 'op' in r)).toBe(true);
    expect(canonical(changes, across)).toEqual(
      [
        [3000, 4500, 2, 27, 2, 'a'],
        [3500, 4500, 1, 4, 1, 'c'],
        [9000, 10000, 1, 32, 1, 'a'],
      ]
        .map(([ws, we, ...rest]) => JSON.stringify([BASE + (ws as number), BASE + (we as number), ...rest]))
        .sort(),
    );
    expect(canonical(changes, across)).toEqual(canonical(await diff.sqlite(events, sqliteSql(across)), across));
  });

  it('matches SQLite for random rows, gaps, shapes, keys, filters and batch sizes', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(DELAY - 1, 5, 4), arbSpec, async (events, q) => {
        const rows = await diff.eddy(events, eddySql(q), DELAY, q.batchSize, prelude(q));
        expect(rows.every((r) => 'op' in r === (q.shape === 'across-keys'))).toBe(true);
        const want = canonical(await diff.sqlite(events, sqliteSql(q)), q);
        expect(canonical(rows, q)).toEqual(want);
        compared += want.length;
      }),
      { seed: 20261203, numRuns: 45, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(200);
  });
});
