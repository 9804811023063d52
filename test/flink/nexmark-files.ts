/**
 * nexmark-flink's own SQL files (vendored unchanged in test/flink/nexmark/ from nexmark/nexmark
 * commit 6b3646c, Apache License 2.0), made runnable the way its QueryRunner does: ${...}
 * placeholders filled, and the connectors chosen (the queries' 'blackhole' sinks become another sink, so
 * a test sees their rows).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NEXMARK_DIR = join(dirname(fileURLToPath(import.meta.url)), 'nexmark');

export function nexmarkFile(name: string): string {
  return readFileSync(join(NEXMARK_DIR, `${name}.sql`), 'utf8');
}

export interface Placeholders {
  readonly tps: number;
  readonly events: number;
  readonly proportions?: readonly [number, number, number];
}

/** ddl_gen.sql with its placeholders filled, plus Eddy's reproducibility options (a fixed base time and seed). */
export function ddlGen(p: Placeholders, extraOptions = "'base-time' = '2024-05-01 10:00:00'"): string {
  const [person, auction, bid] = p.proportions ?? [1, 3, 46];
  const text = nexmarkFile('ddl_gen')
    .replaceAll('${TPS}', String(p.tps))
    .replaceAll('${EVENTS_NUM}', String(p.events))
    .replaceAll('${PERSON_PROPORTION}', String(person))
    .replaceAll('${AUCTION_PROPORTION}', String(auction))
    .replaceAll('${BID_PROPORTION}', String(bid));
  return extraOptions ? text.replace(/\n\);\s*$/, `,\n    ${extraOptions}\n);\n`) : text;
}

/** ddl_views.sql over the table ddl_gen.sql declares. */
export function ddlViews(): string {
  return nexmarkFile('ddl_views').replaceAll('${NEXMARK_TABLE}', 'datagen');
}

/** A query file with its 'blackhole' sink made 'print' (Flink's row text, `+I[...]`), or the sink given. */
export function queryFile(q: string, sink = "'connector' = 'print'"): string {
  return nexmarkFile(q).replaceAll("'connector' = 'blackhole'", sink);
}
