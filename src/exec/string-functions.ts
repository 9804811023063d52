import { javaRegex, javaReplacement } from '../planner/java-regex.js';

/*
 * String functions. Positions and lengths count Unicode code points, as Flink does (an emoji is one
 * character, not two UTF-16 units). Strings without surrogates take the plain UTF-16 fast path.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // count every unit but low surrogates
  }
  return n;
}

/** Code points [start, end) of `s` (0-based), clamped to the string. */
function codePointSlice(s: string, start: number, end: number): string {
  if (!SURROGATE.test(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/**
 * SUBSTRING(s FROM pos FOR len), as Flink: positions are 1-based, 0 counts as 1, a negative `pos`
 * counts from the end; a negative length gives NULL.
 */
export function substring(s: string, pos: number, len?: number): string | null {
  if (len !== undefined && len < 0) return null;
  const n = codePointLength(s);
  let start: number;
  if (pos > 0) start = pos - 1;
  else if (pos < 0) start = n + pos;
  else start = 0;
  if (start >= n || start < 0) return '';
  const end = len === undefined ? n : Math.min(n, start + len);
  return codePointSlice(s, start, end);
}

/** TRIM/LTRIM/RTRIM: removes leading and/or trailing characters that occur in `chars` (each one, in any order; default a space). */
export function trimChars(s: string, chars: string, leading: boolean, trailing: boolean): string {
  const set = new Set(Array.from(chars));
  const cps = SURROGATE.test(s) ? Array.from(s) : s.split('');
  let a = 0;
  let b = cps.length;
  if (leading) while (a < b && set.has(cps[a]!)) a++;
  if (trailing) while (b > a && set.has(cps[b - 1]!)) b--;
  return a === 0 && b === cps.length ? s : cps.slice(a, b).join('');
}

/** POSITION(needle IN s) / LOCATE(needle, s, from): 1-based code point position of the first match at or after `from`, 0 when absent. */
export function position(needle: string, s: string, from = 1): number {
  if (from < 1) return 0;
  const startUnit = from === 1 ? 0 : codePointSlice(s, 0, from - 1).length;
  if (from > 1 && startUnit >= s.length && needle !== '') return 0;
  const i = s.indexOf(needle, startUnit);
  return i < 0 ? 0 : codePointLength(s.slice(0, i)) + 1;
}

/** LPAD/RPAD to `len` code points, cycling `pad`; longer strings are cut to `len`. NULL for a negative length or empty padding (Flink). */
export function padString(s: string, len: number, pad: string, left: boolean): string | null {
  if (len < 0 || pad === '') return null;
  const cps = Array.from(s);
  if (cps.length >= len) return cps.slice(0, len).join('');
  const padCps = Array.from(pad);
  const fill: string[] = [];
  for (let i = 0; fill.length < len - cps.length; i++) fill.push(padCps[i % padCps.length]!);
  return left ? fill.join('') + s : s + fill.join('');
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** INITCAP: the first letter of each word (a run of letters and digits) upper-case, the rest lower-case. */
export function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const ch of s) {
    const word = WORD_CHAR.test(ch);
    out += word && !inWord ? ch.toUpperCase() : ch.toLowerCase();
    inWord = word;
  }
  return out;
}

const regexCache = new Map<string, RegExp | null>();

/** A Java regex compiled once per distinct pattern; null when it does not compile (Flink then returns NULL). */
export function cachedRegex(pattern: string, flags = ''): RegExp | null {
  const key = `${flags}/${pattern}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    if (regexCache.size > 1000) regexCache.clear();
    try {
      re = javaRegex(pattern, flags);
    } catch {
      re = null;
    }
    regexCache.set(key, re);
  }
  return re;
}

/** REGEXP_EXTRACT: the `group` of the first match (0 = the whole match), NULL when nothing matches or the group did not take part. */
export function regexpExtract(s: string, re: RegExp | null, group: number): string | null {
  if (re === null) return null;
  const m = re.exec(s);
  if (m === null || group < 0 || group >= m.length) return null;
  return m[group] ?? null;
}

/** REGEXP_REPLACE: every match replaced; the replacement uses Java's `$1` syntax. */
export function regexpReplace(s: string, re: RegExp | null, replacement: string): string | null {
  if (re === null) return null;
  return s.replace(re, javaReplacement(replacement));
}

