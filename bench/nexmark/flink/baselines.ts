/** The hand-written baseline of each bench query, and the loops that drive one over the events. */
import { FLUSH_EVERY, feed, type Baseline, type Out } from './baseline-api.js';
import { Q0, Q1, Q2, Q13, Q21, Q22 } from './baselines-stateless.js';
import { Q3, Q4, Q7, Q9, Q20 } from './baselines-joins.js';
import { Q5, Q8, Q11, Q12 } from './baselines-windows.js';
import { Q15, Q16, Q17, Q18, Q19 } from './baselines-aggregates.js';
import { generator, parseTs, type Auction, type Bid, type NexmarkEvent, type Person } from './events.js';
import type { BenchQuery } from './sql.js';

export function makeBaseline(q: BenchQuery, out: Out, sideInput: string): Baseline {
  switch (q) {
    case 'q0':
      return new Q0(out);
    case 'q1':
      return new Q1(out);
    case 'q2':
      return new Q2(out);
    case 'q3':
      return new Q3(out);
    case 'q4':
      return new Q4(out);
    case 'q5':
      return new Q5(out);
    case 'q7':
      return new Q7(out);
    case 'q8':
      return new Q8(out);
    case 'q9':
      return new Q9(out);
    case 'q11':
      return new Q11(out);
    case 'q12':
      return new Q12(out);
    case 'q13':
      return new Q13(out, sideInput);
    case 'q15':
      return new Q15(out);
    case 'q16':
      return new Q16(out);
    case 'q17':
      return new Q17(out);
    case 'q18':
      return new Q18(out);
    case 'q19':
      return new Q19(out);
    case 'q20':
      return new Q20(out);
    case 'q21':
      return new Q21(out);
    case 'q22':
      return new Q22(out);
  }
}

/** Events 0..n-1 from the generator, fed one by one (the in-memory path); end() unless `open`. */
export function runGenerated(b: Baseline, n: number, tps: number, open = false): void {
  const gen = generator(tps);
  for (let i = 0; i < n; i++) {
    feed(b, gen.event(i));
    if ((i + 1) % FLUSH_EVERY === 0) b.flush();
  }
  b.flush();
  if (!open) b.end();
}

/** The generator alone over the same events: the floor under both sides of the in-memory path. */
export function generateOnly(n: number, tps: number): number {
  const gen = generator(tps);
  let sink = 0;
  for (let i = 0; i < n; i++) sink += gen.event(i).type;
  return sink;
}

/** One JSON line of the events file (ddl_gen.sql's nested shape) as the generator's event, its text timestamps parsed in place. */
export function parseEventLine(line: string): NexmarkEvent {
  const o = JSON.parse(line) as { event_type: number; person: Record<string, unknown>; auction: Record<string, unknown>; bid: Record<string, unknown> };
  if (o.event_type === 2) {
    o.bid['dateTime'] = parseTs(o.bid['dateTime'] as string);
    return { type: 2, bid: o.bid as unknown as Bid };
  }
  if (o.event_type === 1) {
    o.auction['dateTime'] = parseTs(o.auction['dateTime'] as string);
    o.auction['expires'] = parseTs(o.auction['expires'] as string);
    return { type: 1, auction: o.auction as unknown as Auction };
  }
  o.person['dateTime'] = parseTs(o.person['dateTime'] as string);
  return { type: 0, person: o.person as unknown as Person };
}
