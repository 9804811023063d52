import { parse as parseCsv } from 'csv-parse/sync';
import { isDecimal, type Column, type Row, type Schema, type Value } from '../common/types.js';
import { jsonPlan, jsonRowConverter, type JsonPlan, type JsonRowConverter } from './json-converter.js';
import { BAD, badValueReason, coerceValue } from './values.js';

/** A malformed record: the source reports `reason` with its own location (`path:line: `, `topic[partition]@offset: `). */
export class RowError {
  constructor(readonly reason: string) {}
}

/** Whether the text has 16 or more digits (or points) in a row: a number a double may not hold exactly (a loop: a regex costs more per line). */
function hasLongNumber(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 46) {
      if (++run >= 16) return true;
    } else run = 0;
  }
  return false;
}
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*/g;

/** The JSON text with every number of 16 or more characters written as a string of its text (coerceValue reads numbers from text exactly). */
export function quoteLongNumbers(text: string): string {
  return text.replace(JSON_TOKEN, (m) => (m.charCodeAt(0) === 34 || m.length < 16 ? m : '"' + m + '"'));
}

/** How many records may fail to name every column before a decoder stops planning a compiled conversion. */
const PLAN_TRIES = 64;

/**
 * Decodes JSON objects (one record of JSON Lines, one Kafka message) into rows of a schema: the
 * conversion compiled for the shape of the first record naming every column (see jsonPlan), else a
 * per-record loop that matches keys case-insensitively. Malformed records throw RowError.
 */
export class JsonRowDecoder {
  private fromJson: JsonRowConverter | null = null;
  private plan: JsonPlan | null = null;
  private readonly names: readonly string[];
  private planTries = 0;
  private readonly columns: readonly Column[];
  private readonly lowerNames: readonly string[];
  /** For a name with dots (a flattened ROW field), the nested keys it names: declared and lower case. */
  private readonly paths: readonly ({ readonly declared: readonly string[]; readonly lower: readonly string[] } | null)[];

  /** Whether a DECIMAL column may need more digits than a double holds: then long digit runs are read from the text. */
  private readonly decimals: boolean;
  /** The BIGINT columns: a value beyond 2^53 comes out of JSON.parse as an unsafe double, which tells that the record must be read again exactly. */
  private readonly bigints: readonly number[];

  /** NULL slots each row has after its columns (see reserveTrailing). */
  private spare = 0;
  /** The columns decoded; the others are NULL (the query does not read them). */
  private readonly read: readonly boolean[] | null;

  constructor(
    private readonly schema: Schema,
    readColumns?: readonly number[],
  ) {
    this.read = readColumns ? schema.columns.map((_, i) => readColumns.includes(i)) : null;
    this.decimals = schema.columns.some((c, i) => isDecimal(c.type) && (this.read === null || this.read[i]));
    this.bigints = schema.columns.flatMap((c, i) => (c.type === 'BIGINT' && (this.read === null || this.read[i]) ? [i] : []));
    this.columns = schema.columns;
    this.names = schema.columns.map((c) => c.name);
    this.lowerNames = schema.columns.map((c) => c.name.toLowerCase());
    this.paths = schema.columns.map((c) => (c.name.includes('.') ? { declared: c.name.split('.'), lower: c.name.toLowerCase().split('.') } : null));
  }

  /** From now on each row has `n` NULL slots after its columns (SourceReader.reserveTrailing). */
  reserveTrailing(n: number): void {
    this.spare = n;
    if (this.plan !== null) this.fromJson = jsonRowConverter(this.schema, this.plan, this.read, n);
  }

  /** Parses one JSON text into a row. */
  decodeText(text: string): Row {
    let obj: unknown;
    try {
      // JSON.parse rounds numbers to doubles: with a DECIMAL column, a text with a long run of
      // digits has its long numbers read as their text (a scan per record only then).
      obj = JSON.parse(this.decimals && hasLongNumber(text) ? quoteLongNumbers(text) : text);
    } catch (e) {
      throw new RowError(`invalid JSON: ${(e as Error).message}`);
    }
    let row: Row;
    try {
      row = this.decode(obj);
    } catch (e) {
      // 2^63 - 1 reads as the double 2^63, beyond BIGINT: the digits decide.
      // Only when it is a BIGINT column that failed: another column's error stands as it was (its value unquoted).
      const onBigint = e instanceof RowError && this.bigints.some((i) => e.reason.startsWith(`${this.columns[i]!.name}: `));
      if (onBigint && hasLongNumber(text)) return this.decode(JSON.parse(quoteLongNumbers(text)));
      throw e;
    }
    // A BIGINT beyond 2^53 (a BigInt now, converted from a rounded double): read the record again from its digits.
    for (let i = 0; i < this.bigints.length; i++) if (typeof row[this.bigints[i]!] === 'bigint') return this.decode(JSON.parse(quoteLongNumbers(text)));
    return row;
  }

  decode(obj: unknown): Row {
    let fast = this.fromJson?.(obj);
    if (fast !== undefined) return fast;
    // Plan from this record when there is no plan yet, or when it shows nested fields the plan does not know yet.
    if ((this.plan === null || !this.plan.complete) && this.planTries < PLAN_TRIES && typeof obj === 'object' && obj !== null && !Array.isArray(obj)) {
      this.planTries++;
      const plan = jsonPlan(obj, this.names, this.plan);
      if (plan !== null) {
        this.plan = plan;
        this.fromJson = jsonRowConverter(this.schema, plan, this.read, this.spare);
        fast = this.fromJson(obj);
        if (fast !== undefined) return fast;
      }
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new RowError(`expected a JSON object, got ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`);
    }
    const rec = obj as Record<string, unknown>;
    const cols = this.columns;
    const paths = this.paths;
    const row: Row = new Array(cols.length + this.spare);
    for (let i = cols.length; i < row.length; i++) row[i] = null;
    const read = this.read;
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i]!;
      if (read !== null && !read[i]) {
        row[i] = null;
        continue;
      }
      let raw = rec[col.name];
      if (raw === undefined) raw = lookupIgnoringCase(rec, this.lowerNames[i]!);
      if (raw === undefined && paths[i] !== null) raw = lookupPath(rec, paths[i]!);
      const v: Value | typeof BAD = coerceValue(raw, col.type);
      if (v === BAD) throw new RowError(`${col.name}: ${badValueReason(raw, col.type)}`);
      row[i] = v;
    }
    return row;
  }
}

/**
 * A flattened ROW field (`person.id`): the nested object's field, under its declared name, else
 * the first key equal to it ignoring case; null when a level is null (a NULL row).
 */
function lookupPath(rec: Record<string, unknown>, path: { readonly declared: readonly string[]; readonly lower: readonly string[] }): unknown {
  let at: unknown = rec;
  for (let i = 0; i < path.declared.length; i++) {
    if (at === null) return null;
    if (typeof at !== 'object' || Array.isArray(at)) return undefined;
    const o = at as Record<string, unknown>;
    const declared = path.declared[i]!;
    at = o[declared] !== undefined ? o[declared] : lookupIgnoringCase(o, path.lower[i]!);
    if (at === undefined) return undefined;
  }
  return at;
}

/** Field names in data often differ in case from SQL's case-insensitive column names. */
function lookupIgnoringCase(rec: Record<string, unknown>, lower: string): unknown {
  for (const k in rec) if (k.toLowerCase() === lower) return rec[k];
  return undefined;
}

/** The fields of one CSV record (quotes per RFC 4180; a quoted field may hold the delimiter or newlines). Throws RowError. */
export function splitCsvRecord(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  try {
    const records = parseCsv(text, { delimiter, relax_column_count: true }) as string[][];
    return records[0] ?? [''];
  } catch (e) {
    throw new RowError(`bad CSV record: ${(e as Error).message}`);
  }
}

/** A row from CSV fields: column i is field `fieldOf[i]`; empty fields are NULL. Throws RowError. */
export function csvFieldsToRow(fields: readonly string[], fieldOf: readonly number[], columns: readonly Column[], width: number): Row {
  if (fields.length !== width) throw new RowError(`wrong number of fields: expected ${width}, got ${fields.length}`);
  const row: Row = new Array(fieldOf.length);
  for (let i = 0; i < fieldOf.length; i++) {
    const col = columns[i]!;
    const raw = fields[fieldOf[i]!];
    const v = coerceValue(raw, col.type, true);
    if (v === BAD) throw new RowError(`${col.name}: ${badValueReason(raw, col.type)}`);
    row[i] = v;
  }
  return row;
}
