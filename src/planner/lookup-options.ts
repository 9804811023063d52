import { EddyError } from '../common/errors.js';
import { parseDuration } from '../common/duration.js';
import type { FullCacheReload, LookupCache } from './plan.js';

/**
 * A lookup table's cache from its WITH options, under Flink's names (read when a lookup join is
 * planned, so EXPLAIN shows it):
 * - Flink 1.16+: 'lookup.cache' = 'NONE' (default) | 'PARTIAL', with 'lookup.partial-cache.max-rows',
 *   'lookup.partial-cache.expire-after-write' and 'lookup.partial-cache.cache-missing-key';
 *   | 'FULL', with 'lookup.full-cache.reload-strategy' (see fullCacheReloadOf).
 * - The JDBC connector's older keys: 'lookup.cache.max-rows' with 'lookup.cache.ttl' (as in Flink,
 *   the cache is on only when both are given) and 'lookup.cache.caching-missing-key'.
 * Missing keys are cached by default (both spellings), as in Flink.
 */
export function lookupCacheOf(table: string, options: Readonly<Record<string, string>>): LookupCache | null {
  const mode = options['lookup.cache']?.trim().toUpperCase();
  const count = (key: string): number | undefined => {
    const text = options[key];
    if (text === undefined) return undefined;
    const n = Number(text.trim());
    if (!Number.isSafeInteger(n) || n <= 0) throw new EddyError('INVALID_OPTION', `option '${key}' of table '${table}' must be a positive integer, got '${text}'`, undefined, `e.g. '${key}' = '10000'`);
    return n;
  };
  const duration = (key: string): number | undefined => {
    const text = options[key];
    if (text === undefined) return undefined;
    const ms = parseDuration(text, `option '${key}' of table '${table}'`);
    if (ms <= 0) throw new EddyError('INVALID_OPTION', `option '${key}' of table '${table}' must be a positive duration, got '${text}'`, undefined, `e.g. '${key}' = '10min'`);
    return ms;
  };
  const flag = (key: string): boolean => {
    const text = options[key]?.trim().toLowerCase();
    if (text === undefined || text === 'true') return true;
    if (text === 'false') return false;
    throw new EddyError('INVALID_OPTION', `option '${key}' of table '${table}' must be 'true' or 'false', got '${options[key]}'`);
  };
  if (mode !== undefined) {
    if (mode === 'NONE') return null;
    if (mode === 'FULL') return { kind: 'full', reload: fullCacheReloadOf(table, options, duration) };
    if (mode !== 'PARTIAL') throw new EddyError('INVALID_OPTION', `option 'lookup.cache' of table '${table}' must be 'NONE', 'PARTIAL' or 'FULL', got '${options['lookup.cache']}'`);
    const maxRows = count('lookup.partial-cache.max-rows');
    const ttl = duration('lookup.partial-cache.expire-after-write');
    if (maxRows === undefined && ttl === undefined) {
      throw new EddyError('INVALID_OPTION', `'lookup.cache' = 'PARTIAL' of table '${table}' needs 'lookup.partial-cache.max-rows' or 'lookup.partial-cache.expire-after-write'`, undefined, "e.g. 'lookup.partial-cache.max-rows' = '10000'");
    }
    return { kind: 'partial', maxRows: maxRows ?? Number.MAX_SAFE_INTEGER, ttlMs: ttl ?? Infinity, missingKeys: flag('lookup.partial-cache.cache-missing-key') };
  }
  const maxRows = count('lookup.cache.max-rows');
  const ttl = duration('lookup.cache.ttl');
  if (maxRows === undefined || ttl === undefined) return null;
  return { kind: 'partial', maxRows, ttlMs: ttl, missingKeys: flag('lookup.cache.caching-missing-key') };
}

/**
 * A full cache's reload schedule, under Flink's LookupOptions names: 'lookup.full-cache.reload-strategy'
 * 'PERIODIC' (default) needs 'lookup.full-cache.periodic-reload.interval' and takes
 * 'lookup.full-cache.periodic-reload.schedule-mode' 'FIXED_DELAY' (default) | 'FIXED_RATE';
 * 'TIMED' needs 'lookup.full-cache.timed-reload.iso-time' ('10:15', '10:15:30Z', '10:15+07:00';
 * without a zone the process's own, as Flink uses the JVM's) and takes
 * 'lookup.full-cache.timed-reload.interval-in-days' (default 1).
 */
function fullCacheReloadOf(table: string, options: Readonly<Record<string, string>>, duration: (key: string) => number | undefined): FullCacheReload {
  const strategy = (options['lookup.full-cache.reload-strategy'] ?? 'PERIODIC').trim().toUpperCase();
  if (strategy === 'PERIODIC') {
    const intervalMs = duration('lookup.full-cache.periodic-reload.interval');
    if (intervalMs === undefined) {
      throw new EddyError('INVALID_OPTION', `'lookup.cache' = 'FULL' of table '${table}' needs 'lookup.full-cache.periodic-reload.interval'`, undefined, "e.g. 'lookup.full-cache.periodic-reload.interval' = '10min', or 'lookup.full-cache.reload-strategy' = 'TIMED'");
    }
    const mode = (options['lookup.full-cache.periodic-reload.schedule-mode'] ?? 'FIXED_DELAY').trim().toUpperCase();
    if (mode !== 'FIXED_DELAY' && mode !== 'FIXED_RATE') {
      throw new EddyError('INVALID_OPTION', `option 'lookup.full-cache.periodic-reload.schedule-mode' of table '${table}' must be 'FIXED_DELAY' or 'FIXED_RATE', got '${options['lookup.full-cache.periodic-reload.schedule-mode']}'`);
    }
    return { kind: 'periodic', intervalMs, fixedRate: mode === 'FIXED_RATE' };
  }
  if (strategy !== 'TIMED') {
    throw new EddyError('INVALID_OPTION', `option 'lookup.full-cache.reload-strategy' of table '${table}' must be 'PERIODIC' or 'TIMED', got '${options['lookup.full-cache.reload-strategy']}'`);
  }
  const iso = options['lookup.full-cache.timed-reload.iso-time'];
  if (iso === undefined) {
    throw new EddyError('INVALID_OPTION', `'lookup.full-cache.reload-strategy' = 'TIMED' of table '${table}' needs 'lookup.full-cache.timed-reload.iso-time'`, undefined, "e.g. 'lookup.full-cache.timed-reload.iso-time' = '02:00Z'");
  }
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(iso.trim());
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  const sec = m?.[3] !== undefined ? Number(m[3]) : 0;
  if (!m || h > 23 || min > 59 || sec > 59) {
    throw new EddyError('INVALID_OPTION', `option 'lookup.full-cache.timed-reload.iso-time' of table '${table}' must be an ISO-8601 time, got '${iso}'`, undefined, "e.g. '10:15', '10:15:30Z' or '10:15+07:00'");
  }
  const ms = m[4] !== undefined ? Number(m[4].padEnd(3, '0')) : 0;
  const zone = m[5];
  const utcOffsetMs = zone === undefined ? null : zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 3_600_000 + Number(zone.slice(4, 6)) * 60_000);
  const daysText = options['lookup.full-cache.timed-reload.interval-in-days'];
  const intervalDays = daysText === undefined ? 1 : Number(daysText.trim());
  if (!Number.isSafeInteger(intervalDays) || intervalDays <= 0) {
    throw new EddyError('INVALID_OPTION', `option 'lookup.full-cache.timed-reload.interval-in-days' of table '${table}' must be a positive integer, got '${daysText}'`);
  }
  return { kind: 'timed', timeOfDayMs: ((h * 60 + min) * 60 + sec) * 1000 + ms, utcOffsetMs, intervalDays };
}
