/** The lookup join's full cache: its index and the reload schedule (PERIODIC fixed delay / rate, TIMED), and its options. */
import { describe, expect, it } from 'vitest';
import { EddyError } from '../../src/common/errors.js';
import { FullLookupCache, nextReload, nextTimeOfDay } from '../../src/exec/lookup-full-cache.js';
import { lookupCacheOf } from '../../src/planner/lookup-options.js';

const H = 3_600_000;
const DAY = 24 * H;

describe('FullLookupCache', () => {
  it('indexes every row by its key, skips NULL keys, and is read first and when a reload is due', () => {
    const c = new FullLookupCache({ kind: 'periodic', intervalMs: 1000, fixedRate: false }, [0]);
    expect(c.needsRead(0)).toBe(true);
    c.replace([[1, 'a'], [2, 'b'], [1, 'c'], [null, 'd']], 0, 50);
    expect(c.get(JSON.stringify([1]))).toEqual([[1, 'a'], [1, 'c']]);
    expect(c.get(JSON.stringify([9]))).toEqual([]);
    expect(c.size).toBe(2);
    expect(c.needsRead(1049)).toBe(false);
    expect(c.needsRead(1050)).toBe(true); // fixed delay: from the end of the read
    c.replace([[2, 'z']], 1050, 1060);
    expect(c.get(JSON.stringify([1]))).toEqual([]);
    expect(c.get(JSON.stringify([2]))).toEqual([[2, 'z']]);
  });
});

describe('nextReload', () => {
  it('PERIODIC: fixed delay counts from the end of the read, fixed rate from its start', () => {
    expect(nextReload({ kind: 'periodic', intervalMs: 100, fixedRate: false }, Infinity, 10, 30)).toBe(130);
    expect(nextReload({ kind: 'periodic', intervalMs: 100, fixedRate: true }, Infinity, 10, 30)).toBe(110);
  });

  it('TIMED: the first reload at the next time of day, then every interval-in-days from the one due', () => {
    const reload = { kind: 'timed', timeOfDayMs: 2 * H, utcOffsetMs: 0, intervalDays: 3 } as const;
    const t0 = Date.UTC(2026, 0, 10, 5, 0);
    const first = nextReload(reload, Infinity, t0, t0);
    expect(new Date(first).toISOString()).toBe('2026-01-11T02:00:00.000Z');
    expect(new Date(nextReload(reload, first, first, first + 1000)).toISOString()).toBe('2026-01-14T02:00:00.000Z');
    // Reloads missed while the query was down collapse into the next one after the read.
    expect(new Date(nextReload(reload, first, first + 10 * DAY, first + 10 * DAY)).toISOString()).toBe('2026-01-23T02:00:00.000Z');
  });

  it('nextTimeOfDay honours the offset and is strictly after the instant', () => {
    const at = Date.UTC(2026, 5, 1, 1, 0); // 01:00Z = 08:00+07:00
    expect(new Date(nextTimeOfDay(10 * H + 15 * 60_000, 7 * H, at)).toISOString()).toBe('2026-06-01T03:15:00.000Z');
    expect(new Date(nextTimeOfDay(1 * H, 0, at)).toISOString()).toBe('2026-06-02T01:00:00.000Z');
    expect(new Date(nextTimeOfDay(23 * H, -5 * H, at)).toISOString()).toBe('2026-06-01T04:00:00.000Z'); // 20:00-05:00 now, 23:00 the same day
    const local = nextTimeOfDay(6 * H, null, at);
    expect(local).toBeGreaterThan(at);
    expect(local - at).toBeLessThanOrEqual(DAY + H); // within a day (an hour of slack for a DST change)
    expect(new Date(local).getHours()).toBe(6);
  });
});

describe("lookupCacheOf: 'lookup.cache' = 'FULL' under Flink's option names", () => {
  const full = (extra: Record<string, string>) => lookupCacheOf('dim', { 'lookup.cache': 'full', ...extra });
  const refused = (extra: Record<string, string>, message: RegExp) => {
    let err: unknown = null;
    try {
      full(extra);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EddyError);
    expect((err as EddyError).message).toMatch(message);
  };

  it('PERIODIC (the default) with its interval and schedule mode', () => {
    expect(full({ 'lookup.full-cache.periodic-reload.interval': '10 min' })).toEqual({ kind: 'full', reload: { kind: 'periodic', intervalMs: 600_000, fixedRate: false } });
    expect(full({ 'lookup.full-cache.reload-strategy': 'periodic', 'lookup.full-cache.periodic-reload.interval': '1s', 'lookup.full-cache.periodic-reload.schedule-mode': 'FIXED_RATE' })).toEqual({
      kind: 'full',
      reload: { kind: 'periodic', intervalMs: 1000, fixedRate: true },
    });
  });

  it('TIMED with an ISO time, with and without a zone, and interval-in-days', () => {
    expect(full({ 'lookup.full-cache.reload-strategy': 'TIMED', 'lookup.full-cache.timed-reload.iso-time': '10:15Z' })).toEqual({
      kind: 'full',
      reload: { kind: 'timed', timeOfDayMs: (10 * 60 + 15) * 60_000, utcOffsetMs: 0, intervalDays: 1 },
    });
    expect(full({ 'lookup.full-cache.reload-strategy': 'TIMED', 'lookup.full-cache.timed-reload.iso-time': '10:15:30+07:00', 'lookup.full-cache.timed-reload.interval-in-days': '2' })).toEqual({
      kind: 'full',
      reload: { kind: 'timed', timeOfDayMs: ((10 * 60 + 15) * 60 + 30) * 1000, utcOffsetMs: 7 * H, intervalDays: 2 },
    });
    expect(full({ 'lookup.full-cache.reload-strategy': 'TIMED', 'lookup.full-cache.timed-reload.iso-time': '23:59' })).toMatchObject({ reload: { utcOffsetMs: null } });
  });

  it('refuses a missing interval or time, and bad values, naming the option', () => {
    refused({}, /needs 'lookup.full-cache.periodic-reload.interval'/);
    refused({ 'lookup.full-cache.periodic-reload.interval': '1 min', 'lookup.full-cache.periodic-reload.schedule-mode': 'SOMETIMES' }, /must be 'FIXED_DELAY' or 'FIXED_RATE'/);
    refused({ 'lookup.full-cache.reload-strategy': 'HOURLY' }, /must be 'PERIODIC' or 'TIMED'/);
    refused({ 'lookup.full-cache.reload-strategy': 'TIMED' }, /needs 'lookup.full-cache.timed-reload.iso-time'/);
    refused({ 'lookup.full-cache.reload-strategy': 'TIMED', 'lookup.full-cache.timed-reload.iso-time': '25:00' }, /must be an ISO-8601 time/);
    refused({ 'lookup.full-cache.reload-strategy': 'TIMED', 'lookup.full-cache.timed-reload.iso-time': '01:00', 'lookup.full-cache.timed-reload.interval-in-days': '0' }, /positive integer/);
    expect(() => lookupCacheOf('dim', { 'lookup.cache': 'SOME' })).toThrow(/'NONE', 'PARTIAL' or 'FULL'/);
  });
});
