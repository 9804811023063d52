import { decimalParams, isDecimal, type Column, type Row, type SqlType, type Value } from '../common/types.js';
import { formatDecimal } from '../common/exact.js';
import { collectionText, isCollection } from '../common/collection-types.js';

/*
 * The text Flink's 'print' connector writes for a row: Row#toString of the external row
 * (RowUtils.deepToStringRow), `+I[1, foo, 2020-01-01T00:00]`: the RowKind's short string, then
 * the fields joined by ", " in brackets, each as its Java toString (Long, Double, Boolean, String,
 * LocalDateTime, Duration), NULL as `null`, a nested ROW as its own `+I[...]`.
 */

/** Compiles the formatter of rows in `columns`; `opFirst`: the first column is the change's op (+I, -U, +U, -D). */
export function flinkRowFormatter(columns: readonly Column[], opFirst: boolean): (row: Row) => string {
  const fields = opFirst ? columns.slice(1) : columns;
  const tree = fieldTree(fields);
  const offset = opFirst ? 1 : 0;
  const types = fields.map((c) => c.type);
  const render = (nodes: readonly FieldNode[], row: Row): string => {
    let s = '[';
    for (let i = 0; i < nodes.length; i++) {
      if (i > 0) s += ', ';
      const n = nodes[i]!;
      if (n.children === null) s += javaString(row[n.index + offset] ?? null, types[n.index]!);
      // A ROW whose fields are all NULL is a NULL row (as Eddy's JSON writes it).
      else s += allNull(n, row, offset) ? 'null' : '+I' + render(n.children, row);
    }
    return s + ']';
  };
  return (row) => (opFirst ? String(row[0]) : '+I') + render(tree, row);
}

/** A field: a column (its index among the fields) or a ROW whose fields Eddy flattened to `row.field` columns. */
interface FieldNode {
  readonly name: string;
  readonly index: number;
  readonly children: FieldNode[] | null;
}

/** The nesting of `a.b` column names (a name that is both a column and a row prefix stays a column). */
function fieldTree(columns: readonly Column[]): FieldNode[] {
  const root: FieldNode[] = [];
  for (const [i, c] of columns.entries()) {
    const parts = c.name.split('.');
    let level = root;
    for (const [d, part] of parts.entries()) {
      const leaf = d === parts.length - 1;
      const last = level[level.length - 1];
      // Only the ROW being built continues: fields of one ROW are adjacent columns.
      if (!leaf && last !== undefined && last.name === part && last.children !== null) {
        level = last.children;
        continue;
      }
      if (leaf) {
        level.push({ name: part, index: i, children: null });
        break;
      }
      const node: FieldNode = { name: part, index: i, children: [] };
      level.push(node);
      level = node.children!;
    }
  }
  return root;
}

function allNull(n: FieldNode, row: Row, offset: number): boolean {
  return n.children === null ? (row[n.index + offset] ?? null) === null : n.children.every((c) => allNull(c, row, offset));
}

/** A value as the Java object Flink converts it to prints itself. */
export function javaString(v: Value, type: SqlType): string {
  if (v === null) return 'null';
  // BigDecimal#toString with the type's scale (12.500); ARRAY/MAP/ROW elements as Flink prints them.
  if (isDecimal(type)) return formatDecimal(v as number | bigint, decimalParams(type)!.scale);
  if (isCollection(type)) return collectionText(v, type, (x, t) => (x === null ? 'null' : javaString(x, t)));
  switch (type) {
    case 'TIMESTAMP':
      return localDateTimeString(v as number);
    case 'INTERVAL':
      return durationString(v as number);
    case 'DOUBLE':
      return javaDoubleString(v as number);
    case 'FLOAT':
      return javaFloatString(v as number);
    default:
      return String(v);
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** java.time.LocalDateTime#toString of epoch ms (UTC): `2020-01-01T00:00`, seconds only when not zero, then `.SSS`. */
export function localDateTimeString(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? '-' : '+') + pad(Math.abs(y), 4);
  let s = `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  const sec = d.getUTCSeconds();
  const milli = d.getUTCMilliseconds();
  if (sec !== 0 || milli !== 0) s += ':' + pad(sec);
  if (milli !== 0) s += '.' + pad(milli, 3);
  return s;
}

/** java.time.Duration#toString of milliseconds: `PT0S`, `PT1H30M`, `PT0.5S`, `PT-1.5S`. */
export function durationString(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  if (seconds === 0 && nanos === 0) return 'PT0S';
  const total = seconds < 0 && nanos > 0 ? seconds + 1 : seconds;
  const hours = Math.trunc(total / 3600);
  const minutes = Math.trunc((total % 3600) / 60);
  const secs = total % 60;
  let s = 'PT';
  if (hours !== 0) s += hours + 'H';
  if (minutes !== 0) s += minutes + 'M';
  if (secs === 0 && nanos === 0 && s.length > 2) return s;
  s += seconds < 0 && nanos > 0 ? (secs === 0 ? '-0' : String(secs)) : String(secs);
  if (nanos > 0) {
    const frac = String(seconds < 0 ? 2_000_000_000 - nanos : nanos + 1_000_000_000).replace(/0+$/, '');
    s += '.' + frac.slice(1);
  }
  return s + 'S';
}

/** java.lang.Double#toString: plain between 10^-3 and 10^7 (`1.0`, `0.001`), else `1.0E7`, `1.234E-5`. */
export function javaDoubleString(x: number): string {
  return javaDecimal(x, (v) => v.toExponential());
}

/** java.lang.Float#toString: as Double's, with the fewest digits that read back as the same float. */
export function javaFloatString(x: number): string {
  const f = Math.fround(x);
  return javaDecimal(f, (v) => {
    for (let p = 1; p <= 9; p++) {
      const t = v.toExponential(p - 1);
      if (Math.fround(Number(t)) === v) return t;
    }
    return v.toExponential(8);
  });
}

/** Java's decimal form, from the shortest exponential digits `d.dddde±n` of a finite number. */
function javaDecimal(x: number, shortest: (v: number) => string): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expText] = shortest(Math.abs(x)).split('e') as [string, string];
  const exp = Number(expText);
  const digits = mant.replace('.', '');
  if (exp >= -3 && exp < 7) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${int}.${frac === '' ? '0' : frac}`;
  }
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exp}`;
}
