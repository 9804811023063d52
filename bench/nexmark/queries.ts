/**
 * The Nexmark-style queries as Eddy SQL over the `bid` stream, with what every contender needs to
 * compare results: output columns, which are timestamps, and an order-independent fingerprint.
 * q7 is simplified to the per-window MAX(price) (Nexmark's q7 then joins the bids back to find
 * the bid holding that price; Eddy has no stream join yet).
 */
import { BID_COLUMNS, BID_WATERMARK } from './generator.js';

export type QueryId = 'q0' | 'q1' | 'q2' | 'q5' | 'q7' | 'q11' | 'q12';

export interface NexmarkQuery {
  readonly id: QueryId;
  readonly title: string;
  readonly select: string;
  /** Column definitions of a file sink receiving the SELECT's rows. */
  readonly sinkColumns: string;
  /** Positions of TIMESTAMP output columns (Dates in memory, text in files, epoch ms elsewhere). */
  readonly tsColumns: readonly number[];
  /** Window queries: position of window_end; the key's position (null: a global window). */
  readonly window: { readonly endColumn: number; readonly keyColumn: number | null; readonly kind: 'tumble' | 'hop' | 'session' } | null;
  /** Flink's published per-core Nexmark throughput range (events/s), where there is one. */
  readonly flinkPerCore: readonly [number, number] | null;
}

const T10 = "INTERVAL '10' SECOND";
const HOP = "dateTime, INTERVAL '2' SECOND, INTERVAL '10' SECOND";

export const QUERIES: readonly NexmarkQuery[] = [
  {
    id: 'q0',
    title: 'q0 pass-through',
    select: 'SELECT * FROM bid',
    sinkColumns: BID_COLUMNS,
    tsColumns: [5],
    window: null,
    flinkPerCore: null,
  },
  {
    id: 'q1',
    title: 'q1 projection (price * 0.908)',
    select: 'SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
    sinkColumns: 'auction BIGINT, bidder BIGINT, price DOUBLE, dateTime TIMESTAMP(3), extra VARCHAR',
    tsColumns: [3],
    window: null,
    flinkPerCore: null,
  },
  {
    id: 'q2',
    title: 'q2 filter (MOD(auction, 123) = 0)',
    select: 'SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0',
    sinkColumns: 'auction BIGINT, price BIGINT',
    tsColumns: [],
    window: null,
    flinkPerCore: null,
  },
  {
    id: 'q5',
    title: 'q5-style HOP 2s/10s count per auction',
    select: `SELECT auction, HOP_START(${HOP}) AS window_start, HOP_END(${HOP}) AS window_end, COUNT(*) AS num FROM bid GROUP BY auction, HOP(${HOP})`,
    sinkColumns: 'auction BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), num BIGINT',
    tsColumns: [1, 2],
    window: { endColumn: 2, keyColumn: 0, kind: 'hop' },
    flinkPerCore: [22_000, 75_000],
  },
  {
    id: 'q7',
    title: 'q7-style TUMBLE 10s MAX(price) (simplified: no join back)',
    select: `SELECT TUMBLE_START(dateTime, ${T10}) AS window_start, TUMBLE_END(dateTime, ${T10}) AS window_end, MAX(price) AS maxprice FROM bid GROUP BY TUMBLE(dateTime, ${T10})`,
    sinkColumns: 'window_start TIMESTAMP(3), window_end TIMESTAMP(3), maxprice BIGINT',
    tsColumns: [0, 1],
    window: { endColumn: 1, keyColumn: null, kind: 'tumble' },
    flinkPerCore: [12_000, 23_000],
  },
  {
    id: 'q11',
    title: 'q11-style SESSION 10s count per bidder',
    select: `SELECT bidder, SESSION_START(dateTime, ${T10}) AS window_start, SESSION_END(dateTime, ${T10}) AS window_end, COUNT(*) AS bid_count FROM bid GROUP BY bidder, SESSION(dateTime, ${T10})`,
    sinkColumns: 'bidder BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), bid_count BIGINT',
    tsColumns: [1, 2],
    window: { endColumn: 2, keyColumn: 0, kind: 'session' },
    flinkPerCore: null,
  },
  {
    id: 'q12',
    title: 'q12-style TUMBLE 10s count per bidder',
    select: `SELECT bidder, TUMBLE_START(dateTime, ${T10}) AS window_start, TUMBLE_END(dateTime, ${T10}) AS window_end, COUNT(*) AS bid_count FROM bid GROUP BY bidder, TUMBLE(dateTime, ${T10})`,
    sinkColumns: 'bidder BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), bid_count BIGINT',
    tsColumns: [1, 2],
    window: { endColumn: 2, keyColumn: 0, kind: 'tumble' },
    flinkPerCore: [76_000, 194_000],
  },
];

/** CREATE STREAM bid over a source given by its WITH options. */
export function bidStreamDdl(withOptions: string): string {
  return `CREATE STREAM bid (${BID_COLUMNS}, ${BID_WATERMARK}) WITH (${withOptions})`;
}

/** `yyyy-MM-dd HH:mm:ss.SSS` as UTC epoch ms (only that exact form). */
export function parseTsText(s: string): number {
  return Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10), +s.slice(11, 13), +s.slice(14, 16), +s.slice(17, 19), +s.slice(20, 23));
}

export interface Fingerprint {
  readonly rows: number;
  /** Two 32-bit sums of per-row hashes: independent of row order, sensitive to every value. */
  readonly checksum: string;
}

/**
 * Streaming, order-independent digest of a result: each row is canonicalized (timestamps to epoch
 * ms, numbers by their shortest round-trip text), hashed twice (FNV-1a with two offsets), and the
 * hashes summed mod 2^32. Summing (not XOR) keeps duplicate rows visible.
 */
export class Fingerprinter {
  private rows = 0;
  private a = 0;
  private b = 0;

  constructor(private readonly tsColumns: readonly number[]) {}

  add(values: readonly unknown[]): void {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      let v = values[i];
      if (v instanceof Date) v = v.getTime();
      else if (typeof v === 'string' && this.tsColumns.includes(i)) v = parseTsText(v);
      line += (i ? '|' : '') + (v === null || v === undefined ? '\\N' : String(v));
    }
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    this.a = (this.a + (h1 >>> 0)) >>> 0;
    this.b = (this.b + (h2 >>> 0)) >>> 0;
    this.rows++;
  }

  result(): Fingerprint {
    return { rows: this.rows, checksum: this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0') };
  }
}

/** Fingerprint of rows given as value arrays in output column order. */
export function fingerprintOf(q: NexmarkQuery, rows: Iterable<readonly unknown[]>): Fingerprint {
  const f = new Fingerprinter(q.tsColumns);
  for (const r of rows) f.add(r);
  return f.result();
}
