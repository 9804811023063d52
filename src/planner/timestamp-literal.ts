/**
 * Parses a TIMESTAMP string literal ('yyyy-MM-dd[ HH:mm[:ss[.SSS]]]' or ISO-8601 with T and an
 * optional zone) to epoch milliseconds, UTC; undefined when the text is not a timestamp.
 * Zone-less text is UTC (as DESIGN.md §2), never the machine's local zone.
 */
export function parseTimestampLiteral(text: string): number | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2023-02-30 over into March; reject it instead.
  if (new Date(t).getUTCDate() !== day) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

/** Formats epoch milliseconds as 'yyyy-MM-dd HH:mm:ss.SSS' (UTC), the way Eddy prints TIMESTAMP. */
export function formatTimestampLiteral(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
