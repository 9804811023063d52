import { formatTimestamp, parseTimestamp } from '../common/time.js';

/**
 * Parses a TIMESTAMP string literal ('yyyy-MM-dd[ HH:mm[:ss[.SSS]]]' or ISO-8601 with T and an
 * optional zone) to epoch milliseconds, UTC; undefined when the text is not a timestamp.
 * Zone-less text is UTC (as DESIGN.md §2), never the machine's local zone.
 */
export function parseTimestampLiteral(text: string): number | undefined {
  const t = text.trim();
  // Epoch-millisecond text is accepted from input files, but a literal must look like a date.
  if (!/^\d{4}-/.test(t)) return undefined;
  return parseTimestamp(t) ?? undefined;
}

/** Formats epoch milliseconds as 'yyyy-MM-dd HH:mm:ss.SSS' (UTC), the way Eddy prints TIMESTAMP. */
export const formatTimestampLiteral = formatTimestamp;
