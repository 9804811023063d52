import { EddyError } from './errors.js';

/* Durations of settings and WITH options ('checkpoint.interval', 'source.idle-timeout', ...). */

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
};

/** Parses '500ms', '10s', '1 min', '2h' or a bare number of milliseconds. */
export function parseDuration(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? (m[2] || 'ms').toLowerCase() : '';
  if (!m || !(unit in UNIT_MS)) {
    throw new EddyError('INVALID_OPTION', `invalid ${what} '${text}'`, undefined, "write a duration such as '500ms', '10s' or '1min'");
  }
  return Math.round(Number(m[1]) * UNIT_MS[unit]!);
}
