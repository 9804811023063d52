import type { Row } from '../common/types.js';
import type { FullCacheReload } from '../planner/plan.js';

const DAY_MS = 86_400_000;

/**
 * A lookup join's full cache (Flink's LookupFullCache): every row of the table, indexed by the
 * lookup key, read as a whole at the first batch and again when the reload schedule says so. Until
 * the first read completes nothing is joined (the operator waits for it, as Flink's lookups block
 * on the initial load). A reload replaces the index at once when its read completes; the operator
 * reads a due reload before it joins the next batch, so the rows joined after a reload time see the
 * table as it was read then. In memory only: a restored run reads the table again.
 */
export class FullLookupCache {
  private index: Map<string, Row[]> | null = null;
  private nextReloadAt = Infinity;

  constructor(
    private readonly reload: FullCacheReload,
    /** Column indices of the table's rows that form the lookup key, in key order. */
    private readonly keyColumns: readonly number[],
  ) {}

  /** Whether the table must be read (first use, or a reload is due at `now`) before joining. */
  needsRead(now: number): boolean {
    return this.index === null || now >= this.nextReloadAt;
  }

  /** Installs a complete read of the table that started at `startedAt` and ended at `endedAt`. */
  replace(rows: readonly Row[], startedAt: number, endedAt: number): void {
    const index = new Map<string, Row[]>();
    for (const row of rows) {
      const key = this.keyColumns.map((c) => row[c] ?? null);
      if (key.some((v) => v === null)) continue; // a NULL key is equal to nothing
      const id = JSON.stringify(key);
      const list = index.get(id);
      if (list) list.push(row);
      else index.set(id, [row]);
    }
    this.index = index;
    this.nextReloadAt = nextReload(this.reload, this.nextReloadAt, startedAt, endedAt);
  }

  /** The table's rows for a key id (JSON of the key values); empty when none. */
  get(id: string): readonly Row[] {
    return this.index?.get(id) ?? [];
  }

  /** Keys held. */
  get size(): number {
    return this.index?.size ?? 0;
  }
}

/**
 * When the read after one that started at `startedAt` and ended at `endedAt` is due; `due` is when
 * that read was due (Infinity for the first read, at the first batch).
 */
export function nextReload(reload: FullCacheReload, due: number, startedAt: number, endedAt: number): number {
  switch (reload.kind) {
    case 'periodic':
      return (reload.fixedRate ? startedAt : endedAt) + reload.intervalMs;
    case 'timed': {
      // The first time of day after the initial read, then every intervalDays days from there
      // (Flink's TimedCacheReloadTrigger schedules at that fixed rate); reloads missed while
      // the query was busy or down collapse into one.
      if (due === Infinity) return nextTimeOfDay(reload.timeOfDayMs, reload.utcOffsetMs, endedAt);
      const step = reload.intervalDays * DAY_MS;
      let next = due + step;
      while (next <= endedAt) next += step;
      return next;
    }
  }
}

/** The first instant after `after` whose time of day (in UTC + offset, or the process's zone when null) is `timeOfDayMs`. */
export function nextTimeOfDay(timeOfDayMs: number, utcOffsetMs: number | null, after: number): number {
  let at: number;
  if (utcOffsetMs === null) {
    const d = new Date(after);
    d.setHours(0, 0, 0, 0);
    at = d.getTime() + timeOfDayMs;
  } else {
    const local = after + utcOffsetMs;
    at = local - (((local % DAY_MS) + DAY_MS) % DAY_MS) + timeOfDayMs - utcOffsetMs;
  }
  while (at <= after) at += DAY_MS;
  return at;
}
