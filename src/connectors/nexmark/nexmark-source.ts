import type { Row, Schema, SqlType } from '../../common/types.js';
import { EddyError, closest } from '../../common/errors.js';
import type { SourceReader } from '../connector.js';
import { checkOptions, enumOption, numberOption, timestampOption, type OptionSpec } from '../options.js';
import { NexmarkGenerator, type Auction, type Bid, type NexmarkConfig, type NexmarkEvent, type Person } from './generator.js';

/*
 * nexmark-flink's 'nexmark' table source: the columns of its ddl_gen.sql (event_type, person ROW<...>,
 * auction ROW<...>, bid ROW<...>; ROW fields are flattened columns such as `person.id`, see
 * parser/build-statement.ts), under its option keys and defaults (NexmarkSourceOptions). Like Flink's
 * with the default 'rate.limited' = 'false', it emits as fast as it is read; event time advances by
 * 'first-event.rate' events per second from the base time. Eddy's additions: 'seed' (default 0) and
 * 'base-time' (a timestamp or epoch ms; default: the wall clock when the query first starts, kept in
 * the checkpoint), so a run is reproducible and a resume replays the same events.
 */
export const NEXMARK_SPEC: OptionSpec = {
  connector: 'nexmark',
  required: [],
  optional: [
    'first-event.rate',
    'next-event.rate',
    'events.num',
    'person.proportion',
    'auction.proportion',
    'bid.proportion',
    'person.avg-size',
    'auction.avg-size',
    'bid.avg-size',
    'bid.hot-ratio.auctions',
    'bid.hot-ratio.bidders',
    'auction.hot-ratio.sellers',
    'rate.limited',
    'rate.shape',
    'rate.period',
    'max-emit-speed',
    'keep-alive',
    'stop-at',
    'seed',
    'base-time',
  ],
};

/**
 * Columns the source can fill: name (lower-cased) → the event kind whose field it is (null: the
 * event's own `type`), the field, and the types it fits. A column of another kind's field is NULL.
 */
interface Field {
  readonly of: 0 | 1 | 2 | null;
  readonly field: keyof Person | keyof Auction | keyof Bid | 'type';
  readonly types: readonly SqlType[];
}
const ID: readonly SqlType[] = ['BIGINT'];
const NUM: readonly SqlType[] = ['BIGINT', 'DOUBLE'];
const STR: readonly SqlType[] = ['VARCHAR'];
const TS: readonly SqlType[] = ['TIMESTAMP'];
const person = (field: keyof Person, types: readonly SqlType[]): Field => ({ of: 0, field, types });
const auction = (field: keyof Auction, types: readonly SqlType[]): Field => ({ of: 1, field, types });
const bid = (field: keyof Bid, types: readonly SqlType[]): Field => ({ of: 2, field, types });
const FIELDS: ReadonlyMap<string, Field> = new Map<string, Field>([
  ['event_type', { of: null, field: 'type', types: ['INT', 'BIGINT'] }],
  ['person.id', person('id', ID)],
  ['person.name', person('name', STR)],
  ['person.emailaddress', person('emailAddress', STR)],
  ['person.creditcard', person('creditCard', STR)],
  ['person.city', person('city', STR)],
  ['person.state', person('state', STR)],
  ['person.datetime', person('dateTime', TS)],
  ['person.extra', person('extra', STR)],
  ['auction.id', auction('id', ID)],
  ['auction.itemname', auction('itemName', STR)],
  ['auction.description', auction('description', STR)],
  ['auction.initialbid', auction('initialBid', NUM)],
  ['auction.reserve', auction('reserve', NUM)],
  ['auction.datetime', auction('dateTime', TS)],
  ['auction.expires', auction('expires', TS)],
  ['auction.seller', auction('seller', ID)],
  ['auction.category', auction('category', ID)],
  ['auction.extra', auction('extra', STR)],
  ['bid.auction', bid('auction', ID)],
  ['bid.bidder', bid('bidder', ID)],
  ['bid.price', bid('price', NUM)],
  ['bid.channel', bid('channel', STR)],
  ['bid.url', bid('url', STR)],
  ['bid.datetime', bid('dateTime', TS)],
  ['bid.extra', bid('extra', STR)],
]);

/** The row of an event: its kind's columns set, the other kinds' NULL. */
export type RowOf = (e: NexmarkEvent) => Row;

const KIND_OBJECT = ['person', 'auction', 'bid'] as const;

/**
 * The row builder of the columns `fields` and `spare` NULL slots after them: generated once, one
 * array literal per event kind (a row is mostly other kinds' NULLs; the field names are FIELDS').
 * Columns outside `read` (the ones the query reads, when the planner says) are NULL as well.
 */
function rowBuilder(fields: readonly Field[], spare = 0, read?: readonly number[]): RowOf {
  const value = (f: Field, i: number, kind: 0 | 1 | 2): string => (read !== undefined && !read.includes(i) ? 'null' : f.of === null ? `e.${f.field}` : f.of === kind ? `x.${f.field}` : 'null');
  const literal = (kind: 0 | 1 | 2): string => `[${[...fields.map((f, i) => value(f, i, kind)), ...Array<string>(spare).fill('null')].join(', ')}]`;
  const cases = KIND_OBJECT.map((obj, kind) => `    case ${kind}: { const x = e.${obj}; return ${literal(kind as 0 | 1 | 2)}; }`);
  return new Function(`return function rowOf(e) {\n  switch (e.type) {\n${cases.join('\n')}\n  }\n};`)() as RowOf;
}

export interface NexmarkOptions {
  readonly config: NexmarkConfig;
  /** events.num; 0 = unbounded. */
  readonly eventsNum: number;
  readonly baseTime: number | undefined;
  readonly rateLimited: boolean;
  readonly rowOf: RowOf;
  /** The same rows with `spare` more (NULL) slots after the columns. */
  readonly rowOfWidth: (spare: number) => RowOf;
}

/** Flink MemorySize text such as '200b', '1kb', '500': bytes. */
function sizeOption(options: Readonly<Record<string, string>>, key: string, dflt: number): number {
  const text = options[key];
  if (text === undefined) return dflt;
  const m = /^\s*(\d+)\s*(b|bytes|k|kb|kibibytes|m|mb|mebibytes)?\s*$/i.exec(text);
  if (!m) throw new EddyError('INVALID_OPTION', `option '${key}' must be a size such as '200b' or '1kb', got '${text}'`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
}

/** Validates a 'nexmark' stream's options and columns (each must be one of ddl_gen.sql's, in a type that fits); rows fill `readColumns` only, when given. */
export function nexmarkOptions(options: Readonly<Record<string, string>>, schema: Schema, readColumns?: readonly number[]): NexmarkOptions {
  checkOptions(options, NEXMARK_SPEC);
  const int = (key: string, dflt: number, min = 0): number => numberOption(options, key, dflt, { min, integer: true });
  for (const key of ['rate.shape', 'rate.period', 'keep-alive', 'stop-at', 'max-emit-speed']) {
    // Accepted for compatibility with nexmark-flink's DDL; with the default rate settings they change nothing here.
    if (key === 'max-emit-speed' && options[key] !== undefined && enumOption(options, key, ['true', 'false'], 'true') === 'false') {
      throw new EddyError('UNSUPPORTED', "'max-emit-speed' = 'false' is not supported", undefined, "use 'rate.limited' = 'true' to pace events at 'first-event.rate'");
    }
  }
  const config: NexmarkConfig = {
    firstEventRate: int('first-event.rate', 10000, 1),
    nextEventRate: int('next-event.rate', 10000, 1),
    personProportion: int('person.proportion', 1),
    auctionProportion: int('auction.proportion', 3),
    bidProportion: int('bid.proportion', 46),
    avgPersonByteSize: sizeOption(options, 'person.avg-size', 200),
    avgAuctionByteSize: sizeOption(options, 'auction.avg-size', 500),
    avgBidByteSize: sizeOption(options, 'bid.avg-size', 100),
    hotAuctionRatio: int('bid.hot-ratio.auctions', 2, 1),
    hotBiddersRatio: int('bid.hot-ratio.bidders', 4, 1),
    hotSellersRatio: int('auction.hot-ratio.sellers', 4, 1),
    numInFlightAuctions: 100,
    numActivePeople: 1000,
    seed: int('seed', 0),
  };
  if (config.personProportion + config.auctionProportion + config.bidProportion === 0) {
    throw new EddyError('INVALID_OPTION', "the 'person.proportion', 'auction.proportion' and 'bid.proportion' options sum to 0", undefined, 'give at least one kind of event a share');
  }
  if (config.personProportion === 0 && config.auctionProportion + config.bidProportion > 0) {
    // Auctions and bids pick their sellers and bidders among the people generated so far.
    throw new EddyError('INVALID_OPTION', "'person.proportion' must be at least 1", undefined, 'auctions and bids refer to generated people');
  }
  const fields = schema.columns.map((c) => {
    const f = FIELDS.get(c.name.toLowerCase());
    if (!f) {
      const guess = closest(c.name.toLowerCase(), [...FIELDS.keys()]);
      throw new EddyError('INVALID_OPTION', `connector 'nexmark' has no column '${c.name}'`, undefined, guess ? `did you mean '${guess}'?` : "declare the columns of nexmark-flink's ddl_gen.sql");
    }
    if (!f.types.includes(c.type)) {
      throw new EddyError('TYPE_MISMATCH', `nexmark column '${c.name}' is ${f.types.join(' or ')}, not ${c.type}`, undefined, `declare '${c.name}' as ${f.types[0]}`);
    }
    return f;
  });
  return {
    config,
    eventsNum: numberOption(options, 'events.num', 0, { min: 0, integer: true }),
    baseTime: timestampOption(options, 'base-time'),
    rateLimited: enumOption(options, 'rate.limited', ['true', 'false'], 'false') === 'true',
    rowOf: rowBuilder(fields, 0, readColumns),
    rowOfWidth: (spare) => rowBuilder(fields, spare, readColumns),
  };
}

export interface NexmarkOffset {
  /** Events emitted so far. */
  readonly count: number;
  readonly baseTime: number;
}

const MAX_WAIT_MS = 50;

/** The Nexmark event stream as rows; checkpointable by its event count (every event is a pure function of its number). */
export class NexmarkSource implements SourceReader {
  readonly bounded: boolean;
  readonly skippedRows = 0;
  private count = 0;
  private rowOf: RowOf;
  private gen: NexmarkGenerator;
  private clock0 = -1;
  private count0 = 0;

  constructor(
    private readonly opts: NexmarkOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.bounded = opts.eventsNum > 0;
    this.rowOf = opts.rowOf;
    this.gen = new NexmarkGenerator(opts.config, opts.baseTime ?? now());
  }

  offset(): NexmarkOffset {
    return { count: this.count, baseTime: this.gen.baseTime };
  }

  async seek(offset: unknown): Promise<void> {
    const o = offset as NexmarkOffset | null;
    if (!o || !Number.isInteger(o.count) || typeof o.baseTime !== 'number') throw new EddyError('CHECKPOINT', `invalid nexmark offset ${JSON.stringify(offset)}`);
    this.count = o.count;
    this.gen = new NexmarkGenerator(this.opts.config, o.baseTime);
  }

  async read(max: number): Promise<Row[] | null> {
    const n = this.opts.eventsNum;
    if (n > 0 && this.count >= n) return null;
    let end = this.count + max;
    if (n > 0) end = Math.min(end, n);
    if (this.opts.rateLimited) end = Math.min(end, await this.due());
    const rowOf = this.rowOf;
    const rows: Row[] = new Array(Math.max(0, end - this.count));
    for (let i = this.count; i < end; i++) rows[i - this.count] = rowOf(this.gen.event(i));
    this.count = Math.max(this.count, end);
    return rows;
  }

  reserveTrailing(n: number): void {
    this.rowOf = this.opts.rowOfWidth(n);
  }

  /** With 'rate.limited': the event count due by now at 'first-event.rate' per second (waiting briefly when none is). */
  private async due(): Promise<number> {
    if (this.clock0 < 0) {
      this.clock0 = this.now();
      this.count0 = this.count;
    }
    const rate = this.opts.config.firstEventRate;
    const dueNow = (): number => this.count0 + Math.floor(((this.now() - this.clock0) * rate) / 1000) + 1;
    if (dueNow() <= this.count) {
      const nextAt = this.clock0 + ((this.count - this.count0) * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.min(MAX_WAIT_MS, Math.max(1, Math.ceil(nextAt - this.now())))));
    }
    return dueNow();
  }

  async close(): Promise<void> {}
}
