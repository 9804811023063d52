import { parseScript, type ParsedStatement } from '../src/parser/index.js';
import type { Session } from '../src/runtime/session.js';

/** The hidden one-row, no-column stream a SELECT without FROM reads (Oracle's DUAL, Flink's VALUES of one row). */
const ONE_ROW = 'one_row$';

/** Declares the one-row stream in the session (not saved, not listed): its one row, then its end. */
export function declareOneRow(session: Session): void {
  if (session.catalog.has(ONE_ROW)) return;
  session.catalog.add({ name: ONE_ROW, schema: { columns: [] }, options: { connector: 'memory' }, ddl: '' });
  session.memory.append(ONE_ROW, [[]]);
  session.memory.end(ONE_ROW);
}

/**
 * A single SELECT with no FROM (`SELECT 1 + 1;`, `SELECT CURRENT_TIMESTAMP;`) parsed as a query over
 * the one-row stream, so it prints one row and finishes, as in Flink's SQL client and psql; null
 * for any other text. The FROM goes at the end, so error positions in the user's text stay right.
 */
export function parseSelectWithoutFrom(text: string): ParsedStatement[] | null {
  const body = text.replace(/;\s*$/, '');
  const bare = stripStrings(body);
  if (!/^\s*select\b/i.test(body) || bare.includes(';') || /\bfrom\b/i.test(bare)) return null;
  try {
    const parsed = parseScript(`${body} FROM "${ONE_ROW}"`);
    return parsed.map((p) => ({ ...p, text }));
  } catch {
    return null;
  }
}

const stripStrings = (s: string): string => s.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
