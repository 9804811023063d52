import { fmix32 } from '../common/hash.js';
import { isCollection } from '../common/collection-types.js';
import { isDecimal, type Column, type Row, type Schema, type Value } from '../common/types.js';
import { EddyError, assertNever, closest } from '../common/errors.js';
import type { SourceReader } from './connector.js';
import type { StreamDef } from '../planner/catalog.js';
import { BAD, coerceValue } from './values.js';
import { checkOptions, enumOption, numberOption, timestampOption, type OptionSpec } from './options.js';

/*
 * Flink's datagen connector, deterministic. Every value is a pure function of (seed, row sequence
 * number, column), so seek({seq, start}) after a crash replays byte-identical rows.
 *
 * Options (Flink's names): 'rows-per-second' (default 10000), 'number-of-rows' (bounded when set),
 * 'seed' (default 0), 'fields.<col>.kind' = random | sequence, '.min' / '.max' (numbers),
 * '.length' (strings), '.start' / '.end' (sequence), '.null-rate' (0..1).
 * Eddy extensions: '.values' = 'a,b,c' picks uniformly among fixed choices; TIMESTAMP columns are
 * event time: ts = start + floor(seq * 1000 / rows-per-second), where start is '.start' (timestamp
 * text or epoch ms) or the wall clock when the reader was created, minus a random 0..'.max-past' ms
 * of disorder.
 * Defaults (Eddy's, chosen so generated keys group usefully): INT/BIGINT/INTERVAL 1..1000,
 * FLOAT/DOUBLE 0..100, VARCHAR 10 characters of [a-z0-9].
 */

const FIELD_KEYS = ['kind', 'min', 'max', 'length', 'start', 'end', 'values', 'max-past', 'null-rate'] as const;

export const DATAGEN_SPEC: OptionSpec = {
  connector: 'datagen',
  required: [],
  optional: ['rows-per-second', 'number-of-rows', 'seed'],
  prefixes: ['fields.'],
};

/** How one column is generated. */
type FieldGen =
  | { readonly kind: 'random-int'; readonly min: number; readonly span: number }
  | { readonly kind: 'random-double'; readonly min: number; readonly range: number }
  | { readonly kind: 'random-bool' }
  | { readonly kind: 'random-string'; readonly length: number }
  | { readonly kind: 'choice'; readonly values: readonly Value[] }
  | { readonly kind: 'sequence'; readonly start: number; readonly asString: boolean }
  | { readonly kind: 'event-time'; readonly start: number | undefined; readonly maxPast: number };

interface ColumnPlan {
  readonly gen: FieldGen;
  readonly nullRate: number;
}

export interface DatagenOptions {
  readonly rowsPerSecond: number;
  /** Total rows when bounded (number-of-rows, or the shortest sequence); undefined = unbounded. */
  readonly total: number | undefined;
  readonly seed: number;
  readonly columns: readonly ColumnPlan[];
}

export interface DatagenOffset {
  /** Sequence number of the next row. */
  readonly seq: number;
  /** Default event-time origin (epoch ms). */
  readonly start: number;
}

/** Validates datagen WITH options against the schema and plans each column's generator. */
export function datagenOptions(options: Readonly<Record<string, string>>, schema: Schema): DatagenOptions {
  checkOptions(options, DATAGEN_SPEC);
  const names = schema.columns.map((c) => c.name.toLowerCase());
  const fieldOpts = new Map<string, Record<string, string>>();
  for (const [key, value] of Object.entries(options)) {
    if (!key.startsWith('fields.')) continue;
    const rest = key.slice('fields.'.length);
    const dot = rest.lastIndexOf('.');
    const col = dot < 0 ? rest : rest.slice(0, dot);
    const prop = dot < 0 ? '' : rest.slice(dot + 1);
    if (!names.includes(col)) {
      const guess = closest(col, names);
      throw new EddyError('INVALID_OPTION', `option '${key}' names no column of the stream`, undefined, guess ? `did you mean 'fields.${guess}.${prop}'?` : `columns: ${names.join(', ')}`);
    }
    if (!(FIELD_KEYS as readonly string[]).includes(prop)) {
      const guess = closest(prop, FIELD_KEYS);
      throw new EddyError('INVALID_OPTION', `unknown option '${key}' for connector 'datagen'`, undefined, guess ? `did you mean 'fields.${col}.${guess}'?` : `field options: ${FIELD_KEYS.join(', ')}`);
    }
    const m = fieldOpts.get(col) ?? {};
    m[prop] = value;
    fieldOpts.set(col, m);
  }
  const rowsPerSecond = numberOption(options, 'rows-per-second', 10000, { min: 1e-9 });
  let total: number | undefined = options['number-of-rows'] === undefined ? undefined : numberOption(options, 'number-of-rows', 0, { min: 0, integer: true });
  const columns = schema.columns.map((c, i) => {
    const f = fieldOpts.get(names[i]!) ?? {};
    const plan = planColumn(c, f);
    if (plan.gen.kind === 'sequence') {
      // Flink ends a datagen source when a sequence is exhausted.
      const end = numberOption(f, 'end', 0, { integer: true });
      const count = Math.max(0, end - plan.gen.start + 1);
      total = total === undefined ? count : Math.min(total, count);
    }
    return plan;
  });
  return { rowsPerSecond, total, seed: numberOption(options, 'seed', 0, { integer: true }), columns };
}

function planColumn(c: Column, raw: Record<string, string>): ColumnPlan {
  // Field options are re-keyed as 'fields.<col>.<prop>' so error messages name the real option.
  const f: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) f[`fields.${c.name}.${k}`] = v;
  const key = (p: string): string => `fields.${c.name}.${p}`;
  const nullRate = numberOption(f, key('null-rate'), 0, { min: 0, max: 1 });
  const kind = enumOption(f, key('kind'), ['random', 'sequence'], 'random');
  const allowOnly = (props: readonly string[], why: string): void => {
    for (const p of Object.keys(raw)) {
      if (p !== 'kind' && p !== 'null-rate' && !props.includes(p)) {
        throw new EddyError('INVALID_OPTION', `option '${key(p)}' does not apply to ${why}`);
      }
    }
  };
  if (raw['values'] !== undefined) {
    allowOnly(['values'], `column '${c.name}' with 'values'`);
    const values = raw['values'].split(',').map((text) => {
      const v = coerceValue(text.trim(), c.type, true);
      if (v === BAD) throw new EddyError('INVALID_OPTION', `option '${key('values')}': '${text.trim()}' is not a valid ${c.type}`);
      return v;
    });
    return { gen: { kind: 'choice', values }, nullRate };
  }
  if (c.type === 'TIMESTAMP') {
    if (kind === 'sequence') throw new EddyError('INVALID_OPTION', `option '${key('kind')}': TIMESTAMP columns always advance with the rows`, undefined, `use '${key('start')}' and 'rows-per-second' to shape event time`);
    allowOnly(['start', 'max-past'], 'a TIMESTAMP column');
    return { gen: { kind: 'event-time', start: timestampOption(f, key('start')), maxPast: numberOption(f, key('max-past'), 0, { min: 0, integer: true }) }, nullRate };
  }
  if (kind === 'sequence') {
    allowOnly(['start', 'end'], 'a sequence');
    if (c.type !== 'INT' && c.type !== 'BIGINT' && c.type !== 'VARCHAR') {
      throw new EddyError('INVALID_OPTION', `option '${key('kind')}': a sequence needs an INT, BIGINT or VARCHAR column, not ${c.type}`);
    }
    for (const p of ['start', 'end']) {
      if (raw[p] === undefined) throw new EddyError('INVALID_OPTION', `a sequence needs option '${key(p)}'`);
    }
    const start = numberOption(f, key('start'), 0, { integer: true });
    if (numberOption(f, key('end'), 0, { integer: true }) < start) throw new EddyError('INVALID_OPTION', `option '${key('end')}' must not be less than '${key('start')}'`);
    return { gen: { kind: 'sequence', start, asString: c.type === 'VARCHAR' }, nullRate };
  }
  if (isCollection(c.type)) {
    throw new EddyError('UNSUPPORTED', `datagen cannot generate ${c.type} column '${c.name}'`, undefined, 'declare the column with a scalar type, or build the collection in the query, e.g. ARRAY[x, y]');
  }
  switch (c.type) {
    case 'INT':
    case 'BIGINT':
    case 'INTERVAL': {
      allowOnly(['min', 'max'], `a ${c.type} column`);
      const min = numberOption(f, key('min'), 1, { integer: true });
      const max = numberOption(f, key('max'), Math.max(min, 1000), { integer: true });
      if (max < min) throw new EddyError('INVALID_OPTION', `option '${key('max')}' must not be less than '${key('min')}'`);
      return { gen: { kind: 'random-int', min, span: max - min + 1 }, nullRate };
    }
    case 'FLOAT':
    case 'DOUBLE': {
      allowOnly(['min', 'max'], `a ${c.type} column`);
      const min = numberOption(f, key('min'), 0);
      const max = numberOption(f, key('max'), Math.max(min, 100));
      if (max < min) throw new EddyError('INVALID_OPTION', `option '${key('max')}' must not be less than '${key('min')}'`);
      return { gen: { kind: 'random-double', min, range: max - min }, nullRate };
    }
    case 'BOOLEAN':
      allowOnly([], 'a BOOLEAN column');
      return { gen: { kind: 'random-bool' }, nullRate };
    case 'VARCHAR':
      allowOnly(['length'], 'a VARCHAR column');
      return { gen: { kind: 'random-string', length: numberOption(f, key('length'), 10, { min: 0, max: 1 << 20, integer: true }) }, nullRate };
    case 'NULL':
      return { gen: { kind: 'choice', values: [null] }, nullRate };
    default:
      if (isDecimal(c.type)) throw new EddyError('UNSUPPORTED', `datagen cannot generate ${c.type} column '${c.name}' yet`, undefined, 'generate a DOUBLE or BIGINT column and CAST it in the query');
      return assertNever(c.type, 'SQL type');
  }
}

const TWO32 = 4294967296;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform double in [0, 1) with 53 random bits from a 32-bit hash. */
function unit53(h: number): number {
  const lo = fmix32(h ^ 0x5bd1e995);
  return (h * 2097152 + (lo >>> 11)) / 9007199254740992;
}

/** Generated row `seq`: a pure function of (seed, seq, column) and the event-time origin. */
export function generateRow(o: DatagenOptions, seq: number, start: number): Row {
  const rowHash = fmix32(fmix32(fmix32(o.seed ^ 0x9e3779b9) ^ (seq >>> 0)) ^ Math.floor(seq / TWO32));
  const cols = o.columns;
  const row: Row = new Array(cols.length);
  for (let c = 0; c < cols.length; c++) {
    const plan = cols[c]!;
    const h = fmix32(rowHash ^ Math.imul(c + 1, 0x27d4eb2f));
    if (plan.nullRate > 0 && fmix32(h ^ 0x165667b1) / TWO32 < plan.nullRate) {
      row[c] = null;
      continue;
    }
    row[c] = generateValue(plan.gen, h, seq, start, o.rowsPerSecond);
  }
  return row;
}

function generateValue(g: FieldGen, h: number, seq: number, start: number, rps: number): Value {
  switch (g.kind) {
    case 'random-int':
      return g.min + Math.floor((g.span <= TWO32 ? h / TWO32 : unit53(h)) * g.span);
    case 'random-double':
      return g.min + unit53(h) * g.range;
    case 'random-bool':
      return (h & 1) === 1;
    case 'random-string': {
      let s = '';
      let x = h;
      for (let i = 0; i < g.length; i++) {
        if (i % 6 === 0 && i > 0) x = fmix32(x ^ i);
        s += ALPHABET[x % 36];
        x = Math.floor(x / 36);
      }
      return s;
    }
    case 'choice':
      return g.values[Math.floor((h / TWO32) * g.values.length)]!;
    case 'sequence':
      return g.asString ? String(g.start + seq) : g.start + seq;
    case 'event-time': {
      const base = (g.start ?? start) + Math.floor((seq * 1000) / rps);
      return g.maxPast > 0 ? base - Math.floor((h / TWO32) * (g.maxPast + 1)) : base;
    }
    default:
      return assertNever(g, 'datagen field');
  }
}

const MAX_WAIT_MS = 50;

/** Deterministic generated rows, rate-limited to 'rows-per-second' against the wall clock. */
export class DatagenSource implements SourceReader {
  readonly bounded: boolean;
  readonly skippedRows = 0;
  private seq = 0;
  private start: number;
  /** Wall clock and sequence when reading began: the rate limit counts from here. */
  private clock0 = -1;
  private seq0 = 0;
  private readonly now: () => number;

  constructor(
    private readonly opts: DatagenOptions,
    now: () => number = Date.now,
  ) {
    this.bounded = opts.total !== undefined;
    this.now = now;
    this.start = now();
  }

  offset(): DatagenOffset {
    return { seq: this.seq, start: this.start };
  }

  async seek(offset: unknown): Promise<void> {
    const o = offset as DatagenOffset | null;
    if (!o || !Number.isInteger(o.seq) || typeof o.start !== 'number') {
      throw new EddyError('CHECKPOINT', `invalid datagen offset ${JSON.stringify(offset)}`);
    }
    this.seq = o.seq;
    this.start = o.start;
  }

  async read(max: number): Promise<Row[] | null> {
    const total = this.opts.total;
    if (total !== undefined && this.seq >= total) return null;
    if (this.clock0 < 0) {
      this.clock0 = this.now();
      this.seq0 = this.seq;
    }
    let due = this.due();
    if (due <= this.seq) {
      // Nothing due yet: wait a little (at most MAX_WAIT_MS) rather than make the caller spin.
      const nextAt = this.clock0 + ((this.seq - this.seq0) * 1000) / this.opts.rowsPerSecond;
      await sleep(Math.min(MAX_WAIT_MS, Math.max(1, Math.ceil(nextAt - this.now()))));
      due = this.due();
    }
    let end = Math.min(due, this.seq + max);
    if (total !== undefined) end = Math.min(end, total);
    const rows: Row[] = [];
    for (let s = this.seq; s < end; s++) rows.push(generateRow(this.opts, s, this.start));
    this.seq = Math.max(this.seq, end);
    return rows;
  }

  private due(): number {
    return this.seq0 + Math.floor(((this.now() - this.clock0) * this.opts.rowsPerSecond) / 1000) + 1;
  }

  async close(): Promise<void> {}
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A datagen source for a declared stream. */
export function createDatagenSource(stream: StreamDef): DatagenSource {
  return new DatagenSource(datagenOptions(stream.options, stream.schema));
}
