/*
 * TIMESTAMP(3) text forms (DESIGN.md §2), the one implementation the whole engine uses: values are
 * epoch milliseconds, UTC, zone-less as in Flink; printed as `yyyy-MM-dd HH:mm:ss.SSS`.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Value of the `n` ASCII digits of `s` at `i`, or -1 if any is not a digit. */
function digits(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export const INTEGER_TEXT = /^[+-]?\d+$/;

/** TIMESTAMP(3)'s range, as in Flink: 0000-01-01 00:00:00.000 to 9999-12-31 23:59:59.999 (a JS Date, printing and year arithmetic all hold there). */
export const MIN_TIMESTAMP_MS = -62_167_219_200_000;
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

export function inTimestampRange(ms: number): boolean {
  return ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}

/**
 * Epoch milliseconds (UTC) of a number of epoch ms, `yyyy-MM-dd[ HH:mm[:ss[.SSS]]]` or ISO-8601
 * `yyyy-MM-ddTHH:mm[:ss[.fff]][Z|±hh[:mm]]`; zone-less text is UTC. null when unparseable.
 * Hand-written because Date.parse per row is slow and treats zone-less ISO text as local time.
 */
export function parseTimestamp(s: string | number): number | null {
  // Epoch milliseconds outside TIMESTAMP(3)'s years (1.7e22 from a mangled row) are refused, not carried as garbage dates.
  if (typeof s === 'number') return inTimestampRange(s) ? Math.floor(s) : null;
  const n = s.length;
  if (n === 23) {
    const ms = parseCanonical(s);
    if (ms === ms) return ms; // not NaN
  }
  if (n < 10 || s.charCodeAt(4) !== 45 /* - */ || s.charCodeAt(7) !== 45) {
    // Not a date: epoch milliseconds written as text (CSV) is the only other accepted form.
    if (INTEGER_TEXT.test(s)) return inTimestampRange(Number(s)) ? Number(s) : null;
    return null;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (n === 10) return ms;
  const sep = s.charCodeAt(10);
  if (sep !== 32 /* space */ && sep !== 84 /* T */ && sep !== 116 /* t */) return null;
  const hour = digits(s, 11, 2);
  const minute = s.charCodeAt(13) === 58 /* : */ ? digits(s, 14, 2) : -1;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  ms += hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    const sec = digits(s, i + 1, 2);
    if (sec < 0 || sec > 59) return null;
    ms += sec * 1000;
    i += 3;
    if (i < n && (s.charCodeAt(i) === 46 /* . */ || s.charCodeAt(i) === 44) /* , */) {
      i++;
      const start = i;
      let frac = 0;
      while (i < n) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        // Digits beyond milliseconds are truncated, as Flink's TIMESTAMP(3) does.
        if (i - start < 3) frac = frac * 10 + c;
        i++;
      }
      const len = i - start;
      if (len === 0 || len > 9) return null;
      ms += len === 1 ? frac * 100 : len === 2 ? frac * 10 : frac;
    }
  }
  if (i === n) return ms;
  const z = s.charCodeAt(i);
  if ((z === 90 /* Z */ || z === 122) && i + 1 === n) return ms;
  if (z !== 43 /* + */ && z !== 45 /* - */) return null;
  const oh = digits(s, i + 1, 2);
  let om = 0;
  let j = i + 3;
  if (j < n) {
    if (s.charCodeAt(j) === 58) j++;
    om = digits(s, j, 2);
    j += 2;
  }
  if (oh < 0 || oh > 23 || om < 0 || om > 59 || j !== n) return null;
  const offset = (oh * 60 + om) * 60_000;
  return z === 43 ? ms - offset : ms + offset;
}

const dig = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * The form Eddy itself prints, `yyyy-MM-dd HH:mm:ss.SSS` (or with `T`), without the general
 * parser's per-field calls: the file path parses one per row. NaN when `s` is not exactly that
 * form or names no real date/time; the general parser then decides.
 */
function parseCanonical(s: string): number {
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 32 && sep !== 84) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46) return NaN;
  const y0 = dig(s, 0), y1 = dig(s, 1), y2 = dig(s, 2), y3 = dig(s, 3), mo0 = dig(s, 5), mo1 = dig(s, 6), d0 = dig(s, 8), d1 = dig(s, 9);
  const h0 = dig(s, 11), h1 = dig(s, 12), mi0 = dig(s, 14), mi1 = dig(s, 15), s0 = dig(s, 17), s1 = dig(s, 18), f0 = dig(s, 20), f1 = dig(s, 21), f2 = dig(s, 22);
  // Any non-digit gives a code outside 0..9, which unsigned is above 9.
  const bad = (y0 >>> 0 > 9 || y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9 || mo0 >>> 0 > 9 || mo1 >>> 0 > 9 || d0 >>> 0 > 9 || d1 >>> 0 > 9 || h0 >>> 0 > 9 || h1 >>> 0 > 9 || mi0 >>> 0 > 9 || mi1 >>> 0 > 9 || s0 >>> 0 > 9 || s1 >>> 0 > 9 || f0 >>> 0 > 9 || f1 >>> 0 > 9 || f2 >>> 0 > 9);
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  const v = f0 * 100 + f1 * 10 + f2;
  if (bad || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + v;
}

const pad2 = (v: number): string => (v < 10 ? '0' + v : '' + v);
const pad3 = (v: number): string => (v < 10 ? '00' + v : v < 100 ? '0' + v : '' + v);

/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC for epoch milliseconds. */
export interface Civil {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

/** Proleptic Gregorian date of a day number (days since 1970-01-01), Hinnant's civil_from_days. */
export function civilFromDays(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export function formatTimestamp(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rem = ms - days * MS_PER_DAY;
  const { y, m, d } = civilFromDays(days);
  const hh = Math.floor(rem / 3_600_000);
  rem -= hh * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const ss = Math.floor(rem / 1000);
  const mss = rem - ss * 1000;
  const yyyy = y >= 0 && y < 10000 ? String(y).padStart(4, '0') : String(y);
  return `${yyyy}-${pad2(m)}-${pad2(d)} ${pad2(hh)}:${pad2(mi)}:${pad2(ss)}.${pad3(mss)}`;
}
