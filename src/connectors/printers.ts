import type { Column, Row, SqlType, Value } from '../common/types.js';
import { isDecimal } from '../common/types.js';
import { decimalText, formatTimestamp, formatValueForOutput } from './values.js';
import { collectionJson } from '../common/collection-types.js';

/*
 * Text forms of result rows, shared by the stdout sink and the file sink: JSON Lines, CSV
 * (RFC 4180 quoting) and ASCII tables in the style of the Flink SQL client / psql.
 */

/** A compiled JSON Lines formatter: one object per row keyed by column name, no trailing newline. */
export function jsonLineFormatter(columns: readonly Column[]): (row: Row) => string {
  const tree = columns.some((c) => c.name.includes('.')) ? rowTree(columns) : null;
  if (tree) return nestedFormatter(tree, columns.map((c) => c.type));
  const keys = columns.map((c, i) => (i === 0 ? '{' : ',') + JSON.stringify(c.name) + ':');
  const types = columns.map((c) => c.type);
  return (row) => {
    let s = '';
    for (let i = 0; i < keys.length; i++) s += keys[i]! + jsonValue(row[i] ?? null, types[i]!);
    return keys.length === 0 ? '{}' : s + '}';
  };
}

/** A JSON key: a column (leaf, its row position) or a ROW whose fields were flattened to `row.field` columns. */
interface JsonNode {
  readonly key: string;
  readonly index: number;
  readonly children: JsonNode[] | null;
}

/** The nesting of `a.b` column names; null when a name is both a column and a row prefix (then keys stay flat). */
function rowTree(columns: readonly Column[]): JsonNode[] | null {
  const root: JsonNode[] = [];
  for (const [i, c] of columns.entries()) {
    const parts = c.name.split('.');
    let level = root;
    for (const [d, part] of parts.entries()) {
      const leaf = d === parts.length - 1;
      const hit = level.find((n) => n.key === part);
      if (hit && (leaf || hit.children === null)) return null;
      if (hit) {
        level = hit.children!;
        continue;
      }
      const node: JsonNode = { key: part, index: i, children: leaf ? null : [] };
      level.push(node);
      if (!leaf) level = node.children!;
    }
  }
  return root;
}

/**
 * JSON with flattened ROW fields nested again (`person.id` → {"person": {"id": ...}}), as Flink's
 * json format writes a ROW; a row whose fields are all NULL is written as null (a NULL row).
 */
function nestedFormatter(tree: readonly JsonNode[], types: readonly SqlType[]): (row: Row) => string {
  const allNull = (n: JsonNode, row: Row): boolean => (n.children === null ? (row[n.index] ?? null) === null : n.children.every((c) => allNull(c, row)));
  const object = (nodes: readonly JsonNode[], row: Row): string => {
    let s = '{';
    for (const [i, n] of nodes.entries()) {
      s += (i === 0 ? '' : ',') + JSON.stringify(n.key) + ':';
      if (n.children === null) s += jsonValue(row[n.index] ?? null, types[n.index]!);
      else s += allNull(n, row) ? 'null' : object(n.children, row);
    }
    return s + '}';
  };
  return (row) => object(tree, row);
}

function jsonValue(v: Value, type: SqlType): string {
  if (v === null) return 'null';
  // A DECIMAL as a plain JSON number with exactly s fractional digits; a BIGINT beyond 2^53 as its bare digits.
  if (isDecimal(type)) return decimalText(v, type);
  if (typeof v === 'object') return collectionJson(v, type);
  if (typeof v === 'number') {
    if (type === 'TIMESTAMP') return '"' + formatTimestamp(v) + '"';
    return Number.isFinite(v) ? String(v) : 'null';
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const NEEDS_QUOTES = /["\r\n]/;

/** One CSV field, quoted when it holds a quote, the delimiter or a line break (RFC 4180). */
export function csvField(text: string, delimiter = ','): string {
  return NEEDS_QUOTES.test(text) || text.includes(delimiter) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

/** The CSV header line (no trailing newline). */
export function csvHeader(columns: readonly Column[], delimiter = ','): string {
  return columns.map((c) => csvField(c.name, delimiter)).join(delimiter);
}

/** A compiled CSV row formatter: NULL is an empty field, TIMESTAMP is text; no trailing newline. */
export function csvLineFormatter(columns: readonly Column[], delimiter = ','): (row: Row) => string {
  const types = columns.map((c) => c.type);
  return (row) => {
    let s = '';
    for (let i = 0; i < types.length; i++) {
      if (i > 0) s += delimiter;
      s += csvField(formatValueForOutput(row[i] ?? null, types[i]!, 'csv') as string, delimiter);
    }
    return s;
  };
}

/** A column for renderTable: a typed Column, or just a name (values then shown by their JS type). */
export type TableColumn = Column | string;

function cellText(v: Value, type: SqlType | undefined): string {
  if (type === undefined) return v === null ? 'NULL' : String(v);
  return formatValueForOutput(v, type, 'table') as string;
}

function rightAligned(v: Value, type: SqlType | undefined): boolean {
  return type === undefined ? typeof v === 'number' || typeof v === 'bigint' : type === 'INT' || type === 'BIGINT' || type === 'FLOAT' || type === 'DOUBLE' || type === 'INTERVAL' || isDecimal(type);
}

function border(widths: readonly number[]): string {
  return '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
}

function line(cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string {
  return '| ' + cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
}

/** A complete ASCII table (header, rows, borders) for one-shot results such as SHOW STREAMS; ends with a newline. */
export function renderTable(columns: readonly TableColumn[], rows: readonly Row[]): string {
  const names = columns.map((c) => (typeof c === 'string' ? c : c.name));
  const types = columns.map((c) => (typeof c === 'string' ? undefined : c.type));
  const cells = rows.map((r) => names.map((_, i) => cellText(r[i] ?? null, types[i])));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((r) => r[i]!.length)));
  const out = [border(widths), line(names, widths, names.map(() => false)), border(widths)];
  for (let r = 0; r < rows.length; r++) {
    out.push(line(cells[r]!, widths, names.map((_, i) => rightAligned(rows[r]![i] ?? null, types[i]))));
  }
  if (rows.length > 0) out.push(border(widths));
  return out.join('\n') + '\n';
}

/** Widest a text column grows before its values wrap onto continuation lines. */
const MAX_TEXT_WIDTH = 40;

/** psql's expanded display: 'on' one field per line, 'off' never, 'auto' when a row does not fit the width. */
export type ExpandedMode = 'on' | 'off' | 'auto';

export interface StreamingTableOptions {
  /** The terminal's width; the table wraps text or switches to expanded rows to fit it (default: no limit). */
  readonly maxWidth?: number;
  readonly expanded?: ExpandedMode;
}

/**
 * An ASCII table printed as rows arrive. Column widths start from each type's usual width (and the
 * first batch's values); a later value that does not fit widens its column, and the header is
 * printed again in the new widths, so a number is never cut. Text longer than MAX_TEXT_WIDTH (or
 * than the terminal leaves room for) wraps onto continuation lines. A table wider than
 * `maxWidth` prints in psql's expanded form, one field per line.
 */
export class StreamingTable {
  private widths: number[] | undefined;
  private rowCount = 0;
  private expandedNow = false;
  private readonly right: readonly boolean[];
  /** Per column, the widest a value shows before it wraps (text only). */
  private readonly textCap: number[];

  constructor(
    private readonly columns: readonly Column[],
    private readonly opts: StreamingTableOptions = {},
  ) {
    this.right = columns.map((c) => rightAligned(null, c.type));
    this.textCap = columns.map((c) => (c.type === 'VARCHAR' ? MAX_TEXT_WIDTH : Infinity));
  }

  /** The header, printed before any row arrives (the shell shows it at once); '' if already printed. */
  start(): string {
    if (this.widths) return '';
    this.widths = this.columns.map((c) => Math.max(c.name.length, typeWidth(c.type)));
    return this.layout();
  }

  /** Text for a batch of rows (the header too, on the first call); ends with a newline, '' for no rows. */
  rows(rows: readonly Row[]): string {
    if (rows.length === 0) return '';
    const cells = rows.map((r) => this.columns.map((c, i) => cellText(r[i] ?? null, c.type)));
    let out = '';
    if (!this.widths) {
      this.widths = this.columns.map((c, i) => Math.max(c.name.length, typeWidth(c.type), ...cells.map((r) => Math.min(r[i]!.length, this.textCap[i]!))));
      out += this.layout();
    }
    const widths = this.widths;
    for (const r of cells) {
      this.rowCount++;
      if (this.expandedNow) {
        out += this.record(r);
        continue;
      }
      let widened = false;
      for (let i = 0; i < r.length; i++) {
        const need = Math.min(r[i]!.length, this.textCap[i]!);
        if (need > widths[i]!) {
          widths[i] = need;
          widened = true;
        }
      }
      if (widened) {
        out += this.layout();
        if (this.expandedNow) {
          out += this.record(r);
          continue;
        }
      }
      out += this.line(r);
    }
    return out;
  }

  /** The closing border (and the header, if no row ever arrived). */
  end(): string {
    if (!this.widths) return this.start() + `(0 rows)\n`;
    if (this.rowCount === 0) return '(0 rows)\n';
    return this.expandedNow ? '' : border(this.widths) + '\n';
  }

  get printedRows(): number {
    return this.rowCount;
  }

  /** Decides plain or expanded for the current widths and returns the header (nothing in expanded form). */
  private layout(): string {
    const w = this.widths!;
    const total = w.reduce((a, b) => a + b + 3, 1);
    const max = this.opts.maxWidth ?? Infinity;
    const mode = this.opts.expanded ?? 'auto';
    this.expandedNow = mode === 'on' || (mode === 'auto' && total > max && !this.shrinkText(total - max));
    if (this.expandedNow) return '';
    return `${border(w)}\n${line(this.columns.map((c, i) => c.name.padEnd(w[i]!)), w, this.columns.map(() => false))}\n${border(w)}\n`;
  }

  /** Narrows text columns (their values wrap) by `excess` characters if they can give that much; true on success. */
  private shrinkText(excess: number): boolean {
    const w = this.widths!;
    const text = this.columns.flatMap((c, i) => (c.type === 'VARCHAR' ? [i] : []));
    const spare = text.reduce((a, i) => a + Math.max(0, w[i]! - Math.max(8, this.columns[i]!.name.length)), 0);
    if (spare < excess) return false;
    let left = excess;
    for (const i of text.sort((a, b) => w[b]! - w[a]!)) {
      const give = Math.min(left, Math.max(0, w[i]! - Math.max(8, this.columns[i]!.name.length)));
      w[i]! -= give;
      this.textCap[i] = w[i]!;
      left -= give;
    }
    return true;
  }

  /** One row, its long text cells wrapped onto continuation lines. */
  private line(cells: readonly string[]): string {
    const w = this.widths!;
    const parts = cells.map((c, i) => wrap(c, w[i]!));
    const height = Math.max(...parts.map((p) => p.length));
    let out = '';
    for (let k = 0; k < height; k++) out += line(parts.map((p) => p[k] ?? ''), w, this.right) + '\n';
    return out;
  }

  /** One row in expanded form: a record banner, then `name | value` per column. */
  private record(cells: readonly string[]): string {
    const nameWidth = Math.max(...this.columns.map((c) => c.name.length));
    const banner = `-[ RECORD ${this.rowCount} ]`;
    let out = banner + '-'.repeat(Math.max(1, nameWidth + 3 - banner.length)) + '\n';
    this.columns.forEach((c, i) => (out += `${c.name.padEnd(nameWidth)} | ${cells[i]}\n`));
    return out;
  }
}

/** The usual printed width of a type's values, so a first batch of short values does not squeeze later ones. */
function typeWidth(t: SqlType): number {
  switch (t) {
    case 'TIMESTAMP':
      return 23;
    case 'BOOLEAN':
      return 5;
    case 'BIGINT':
    case 'DOUBLE':
      return 8;
    default:
      return 4;
  }
}

/** Splits `text` into pieces of at most `width` characters (one piece if it fits). */
function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out;
}
