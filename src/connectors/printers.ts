import type { Column, Row, SqlType, Value } from '../common/types.js';
import { formatTimestamp, formatValueForOutput } from './values.js';

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
  return type === undefined ? typeof v === 'number' : type === 'INT' || type === 'BIGINT' || type === 'FLOAT' || type === 'DOUBLE' || type === 'INTERVAL';
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

/** Widest a streaming table column may get from its first batch; later longer values are cut with '…'. */
const MAX_STREAM_WIDTH = 40;

/**
 * An ASCII table printed as rows arrive: the header goes out with the first batch, whose values
 * (with the header and each type's usual width) fix the column widths for the rest of the stream.
 */
export class StreamingTable {
  private widths: number[] | undefined;
  private rowCount = 0;
  private readonly right: readonly boolean[];

  constructor(private readonly columns: readonly Column[]) {
    this.right = columns.map((c) => rightAligned(null, c.type));
  }

  /** Text for a batch of rows (the header too, on the first call); ends with a newline, '' for no rows. */
  rows(rows: readonly Row[]): string {
    if (rows.length === 0) return '';
    const cells = rows.map((r) => this.columns.map((c, i) => cellText(r[i] ?? null, c.type)));
    let out = '';
    if (!this.widths) {
      this.widths = this.columns.map((c, i) => {
        const natural = Math.max(c.name.length, typeWidth(c.type), ...cells.map((r) => r[i]!.length));
        return Math.max(c.name.length, Math.min(natural, MAX_STREAM_WIDTH));
      });
      out += this.header();
    }
    const widths = this.widths;
    for (const r of cells) out += line(r.map((c, i) => fit(c, widths[i]!)), widths, this.right) + '\n';
    this.rowCount += rows.length;
    return out;
  }

  /** The closing border (and the header, if no row ever arrived). */
  end(): string {
    if (!this.widths) {
      this.widths = this.columns.map((c) => Math.max(c.name.length, typeWidth(c.type)));
      return this.header() + `(0 rows)\n`;
    }
    return border(this.widths) + '\n';
  }

  get printedRows(): number {
    return this.rowCount;
  }

  private header(): string {
    const w = this.widths!;
    return `${border(w)}\n${line(this.columns.map((c, i) => fit(c.name, w[i]!)), w, this.columns.map(() => false))}\n${border(w)}\n`;
  }
}

/** The usual printed width of a type's values, so a first batch of short values does not squeeze later ones. */
function typeWidth(t: SqlType): number {
  return t === 'TIMESTAMP' ? 23 : t === 'BOOLEAN' ? 5 : 4;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, Math.max(0, width - 1)) + '…';
}
