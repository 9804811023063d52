import { EddyError } from '../common/errors.js';
import { parseDuration } from '../common/duration.js';
import type { LookupCache } from './plan.js';

/**
 * A lookup table's cache from its WITH options, under Flink's names (read when a lookup join is
 * planned, so EXPLAIN shows it):
 * - Flink 1.16+: 'lookup.cache' = 'NONE' (default) | 'PARTIAL', with 'lookup.partial-cache.max-rows',
 *   'lookup.partial-cache.expire-after-write' and 'lookup.partial-cache.cache-missing-key'.
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
    if (mode === 'FULL') throw new EddyError('UNSUPPORTED', `'lookup.cache' = 'FULL' is not supported (table '${table}')`, undefined, "use 'lookup.cache' = 'PARTIAL' with 'lookup.partial-cache.max-rows'");
    if (mode !== 'PARTIAL') throw new EddyError('INVALID_OPTION', `option 'lookup.cache' of table '${table}' must be 'NONE' or 'PARTIAL', got '${options['lookup.cache']}'`);
    const maxRows = count('lookup.partial-cache.max-rows');
    const ttl = duration('lookup.partial-cache.expire-after-write');
    if (maxRows === undefined && ttl === undefined) {
      throw new EddyError('INVALID_OPTION', `'lookup.cache' = 'PARTIAL' of table '${table}' needs 'lookup.partial-cache.max-rows' or 'lookup.partial-cache.expire-after-write'`, undefined, "e.g. 'lookup.partial-cache.max-rows' = '10000'");
    }
    return { maxRows: maxRows ?? Number.MAX_SAFE_INTEGER, ttlMs: ttl ?? Infinity, missingKeys: flag('lookup.partial-cache.cache-missing-key') };
  }
  const maxRows = count('lookup.cache.max-rows');
  const ttl = duration('lookup.cache.ttl');
  if (maxRows === undefined || ttl === undefined) return null;
  return { maxRows, ttlMs: ttl, missingKeys: flag('lookup.cache.caching-missing-key') };
}
