import { civilFromDays, daysFromCivil, parseTimestamp } from '../common/time.js';
import type { PatternPart } from '../planner/date-pattern.js';
import { parseDatePattern } from '../planner/date-pattern.js';

/*
 * Calendar functions over TIMESTAMP(3) values (epoch milliseconds, UTC, zone-less as in Flink):
 * EXTRACT, FLOOR/CEIL(ts TO unit), DATE_FORMAT, TO_TIMESTAMP(s, format), TIMESTAMPADD/DIFF.
 */

const MS_DAY = 86_400_000;
const FIXED_MS: Readonly<Record<string, number>> = { MILLISECOND: 1, SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: MS_DAY, WEEK: 7 * MS_DAY };

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const floorMod = (a: number, b: number): number => a - Math.floor(a / b) * b;


/** 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday). */
const isoDow = (days: number): number => floorMod(days + 3, 7) + 1;

/** ISO 8601 week number and week-based year of a day. */
function isoWeek(days: number): { week: number; year: number } {
  const thursday = days - isoDow(days) + 4; // the Thursday of this ISO week decides its year
  const year = civilFromDays(thursday).y;
  const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
  return { week, year };
}

/** EXTRACT(unit FROM ts) as Flink computes it: DOW is 1 (Sunday) to 7, ISODOW 1 (Monday) to 7, WEEK the ISO week, MILLISECOND 0-999, EPOCH seconds. */
export function extractField(unit: string, ts: number): number {
  const days = floorDiv(ts, MS_DAY);
  const msOfDay = ts - days * MS_DAY;
  switch (unit) {
    case 'HOUR':
      return Math.floor(msOfDay / 3_600_000);
    case 'MINUTE':
      return Math.floor(msOfDay / 60_000) % 60;
    case 'SECOND':
      return Math.floor(msOfDay / 1000) % 60;
    case 'MILLISECOND':
      return msOfDay % 1000;
    case 'EPOCH':
      return floorDiv(ts, 1000);
    case 'DOW':
      return floorMod(days + 4, 7) + 1;
    case 'ISODOW':
      return isoDow(days);
    case 'WEEK':
      return isoWeek(days).week;
    case 'ISOYEAR':
      return isoWeek(days).year;
    default: {
      const { y, m, d } = civilFromDays(days);
      switch (unit) {
        case 'YEAR':
          return y;
        case 'MONTH':
          return m;
        case 'DAY':
          return d;
        case 'QUARTER':
          return Math.floor((m + 2) / 3);
        case 'DOY':
          return days - daysFromCivil(y, 1, 1) + 1;
        case 'DECADE':
          return Math.floor(y / 10);
        case 'CENTURY':
          return y > 0 ? Math.floor((y + 99) / 100) : Math.ceil((y - 99) / 100);
        case 'MILLENNIUM':
          return y > 0 ? Math.floor((y + 999) / 1000) : Math.ceil((y - 999) / 1000);
        default:
          throw new RangeError(`unknown EXTRACT unit ${unit}`);
      }
    }
  }
}

/** Start of the unit containing `ts`: calendar units (MONTH, QUARTER, YEAR) in UTC; WEEK starts on Sunday, as in Flink. */
export function floorTimestamp(unit: string, ts: number): number {
  if (unit === 'WEEK') {
    const days = floorDiv(ts, MS_DAY);
    return (days - floorMod(days + 4, 7)) * MS_DAY;
  }
  const size = FIXED_MS[unit];
  if (size !== undefined) return floorDiv(ts, size) * size;
  const { y, m } = civilFromDays(floorDiv(ts, MS_DAY));
  const month = unit === 'YEAR' ? 1 : unit === 'QUARTER' ? m - ((m - 1) % 3) : m;
  return daysFromCivil(y, month, 1) * MS_DAY;
}

/** The smallest unit boundary at or after `ts` (a value already on a boundary stays). */
export function ceilTimestamp(unit: string, ts: number): number {
  const f = floorTimestamp(unit, ts);
  return f === ts ? ts : addUnits(unit, 1, f);
}

/** ts + n units; months and years keep the day of month, clamped to the month's length (Jan 31 + 1 MONTH = Feb 29 in a leap year). */
export function addUnits(unit: string, n: number, ts: number): number {
  const size = FIXED_MS[unit];
  if (size !== undefined) return ts + n * size;
  const months = unit === 'YEAR' ? 12 * n : unit === 'QUARTER' ? 3 * n : n;
  const days = floorDiv(ts, MS_DAY);
  const { y, m, d } = civilFromDays(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  const lastDay = civilFromDays(daysFromCivil(nm === 12 ? ny + 1 : ny, nm === 12 ? 1 : nm + 1, 1) - 1).d;
  return daysFromCivil(ny, nm, Math.min(d, lastDay)) * MS_DAY + (ts - days * MS_DAY);
}

/** Whole units from `a` to `b`, truncated toward zero (calendar months for MONTH, QUARTER, YEAR). */
export function diffUnits(unit: string, a: number, b: number): number {
  const size = FIXED_MS[unit];
  if (size !== undefined) return Math.trunc((b - a) / size) + 0;
  const ca = civilFromDays(floorDiv(a, MS_DAY));
  const cb = civilFromDays(floorDiv(b, MS_DAY));
  let months = (cb.y - ca.y) * 12 + (cb.m - ca.m);
  // A partial month does not count: compare what is left after adding the whole months.
  if (months > 0 && addUnits('MONTH', months, a) > b) months--;
  if (months < 0 && addUnits('MONTH', months, a) < b) months++;
  const per = unit === 'YEAR' ? 12 : unit === 'QUARTER' ? 3 : 1;
  return Math.trunc(months / per) + 0;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const pad = (v: number, width: number): string => {
  const s = String(Math.abs(v));
  return (v < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
};

/** A formatter for a SimpleDateFormat pattern, compiled once. */
export function dateFormatter(pattern: string): (ts: number) => string {
  const parts = parseDatePattern(pattern);
  return (ts) => {
    const days = floorDiv(ts, MS_DAY);
    const ms = ts - days * MS_DAY;
    const { y, m, d } = civilFromDays(days);
    const hour = Math.floor(ms / 3_600_000);
    let out = '';
    for (const p of parts) {
      if (p.kind === 'text') {
        out += p.text;
        continue;
      }
      const w = p.width;
      switch (p.letter) {
        case 'y':
          out += w === 2 ? pad(floorMod(y, 100), 2) : pad(y, w);
          break;
        case 'M':
          out += w >= 4 ? MONTHS[m - 1]! : w === 3 ? MONTHS[m - 1]!.slice(0, 3) : pad(m, w);
          break;
        case 'd':
          out += pad(d, w);
          break;
        case 'D':
          out += pad(days - daysFromCivil(y, 1, 1) + 1, w);
          break;
        case 'E': {
          const name = DAYS[isoDow(days) - 1]!;
          out += w >= 4 ? name : name.slice(0, 3);
          break;
        }
        case 'a':
          out += hour < 12 ? 'AM' : 'PM';
          break;
        case 'H':
          out += pad(hour, w);
          break;
        case 'k':
          out += pad(hour === 0 ? 24 : hour, w);
          break;
        case 'h':
          out += pad(hour % 12 === 0 ? 12 : hour % 12, w);
          break;
        case 'm':
          out += pad(Math.floor(ms / 60_000) % 60, w);
          break;
        case 's':
          out += pad(Math.floor(ms / 1000) % 60, w);
          break;
        case 'S':
          out += pad(ms % 1000, w);
          break;
      }
    }
    return out;
  };
}

/** A parser for a SimpleDateFormat pattern, compiled once: epoch ms (UTC), or null when the text does not match. */
export function dateParser(pattern: string): (s: string) => number | null {
  const parts = parseDatePattern(pattern);
  const fields: PatternPart[] = [];
  let src = '^';
  parts.forEach((p, i) => {
    if (p.kind === 'text') {
      src += p.text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
      return;
    }
    fields.push(p);
    const next = parts[i + 1];
    // Next to another number, a field takes exactly its width (yyyyMMdd); otherwise any digit count.
    const adjacent = next?.kind === 'field' && next.letter !== 'a' && next.letter !== 'E' && !(next.letter === 'M' && next.width >= 3);
    if (p.letter === 'a') src += '([AaPp][Mm])';
    else if (p.letter === 'E') src += '([A-Za-z]+)';
    else if (p.letter === 'M' && p.width >= 3) src += '([A-Za-z]+)';
    else src += adjacent ? `(\\d{${p.width}})` : '(\\d+)';
  });
  const re = new RegExp(`${src}$`);
  return (s) => {
    const match = re.exec(s);
    if (!match) return null;
    let y = 1970;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let sec = 0;
    let ms = 0;
    let pm: boolean | undefined;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]! as Extract<PatternPart, { kind: 'field' }>;
      const text = match[i + 1]!;
      const n = Number(text);
      switch (f.letter) {
        case 'y':
          y = f.width === 2 && text.length === 2 ? 2000 + n : n;
          break;
        case 'M':
          mo = f.width >= 3 ? MONTHS.findIndex((x) => x.toLowerCase().startsWith(text.toLowerCase()) && text.length >= 3) + 1 : n;
          break;
        case 'd':
          d = n;
          break;
        case 'H':
        case 'k':
          h = f.letter === 'k' && n === 24 ? 0 : n;
          break;
        case 'h':
          h = n === 12 ? 0 : n;
          break;
        case 'a':
          pm = text.toUpperCase() === 'PM';
          break;
        case 'm':
          mi = n;
          break;
        case 's':
          sec = n;
          break;
        case 'S':
          ms = n;
          break;
        case 'D':
        case 'E':
          break;
      }
    }
    if (pm) h += 12;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 || ms > 999) return null;
    const days = daysFromCivil(y, mo, d);
    if (civilFromDays(days).d !== d) return null; // Feb 30
    return days * MS_DAY + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
  };
}

/** TO_TIMESTAMP(s) without a format: the engine's TIMESTAMP text forms (`yyyy-MM-dd HH:mm:ss[.SSS]`, ISO-8601, date only). */
export function parseDefaultTimestamp(s: string): number | null {
  return /^\d{4}-/.test(s) ? parseTimestamp(s) : null;
}
