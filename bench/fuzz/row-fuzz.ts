/**
 * The input-row fuzz pass (issue 13): JSON Lines and CSV files of mutated rows through the real
 * file source (FileSource, row-decoders.ts) with each 'on-error' policy. Acceptable: rows of the
 * schema's types, counted skips / dead letters (file + line), and for 'fail' a BAD_ROW EddyError
 * naming the file and the line of the first bad record. The counts must add up: good + skipped =
 * the records in the file, counted here independently of the reader.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EddyError } from '../../src/common/errors.js';
import type { Row, Schema, SqlType } from '../../src/common/types.js';
import { FileSource, fileSourceOptions } from '../../src/connectors/file-source.js';
import { prng } from '../prng.js';

const SCHEMA: Schema = {
  columns: [
    { name: 'id', type: 'BIGINT' },
    { name: 'n', type: 'INT' },
    { name: 'price', type: 'DOUBLE' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'ts', type: 'TIMESTAMP' },
  ],
};

const POLICIES = ['fail', 'skip', 'dead-letter'] as const;
type Policy = (typeof POLICIES)[number];

export interface RowFuzzResult {
  readonly rows: number;
  readonly files: number;
  /** Records read per policy run, summed over files and policies. */
  readonly reads: number;
  readonly good: number;
  readonly skipped: number;
  readonly failedFast: number;
  readonly findings: readonly { readonly message: string; readonly sample: string; readonly count: number }[];
  readonly seconds: number;
}

const ODD_VALUES = ['', '""', 'null', 'NaN', 'Infinity', '-0', '1e400', '-1e400', '9007199254740993', '2147483648', '0x10', '1_000', ' 7 ', 'true', 'TRUE', 'yes', '{}', '[]', '[1,2]', '{"a":1}', '"2024-02-30 10:00:00"', '"2024-01-01T00:00:00Z"', '"24:00"', '"😀"', '"\\u0000"', '"\\ud800"', '"a\\nb"', '1.', '.5', '--1'];
const ODD_CHARS = ['"', "'", ',', ';', '\\', '{', '}', '[', ']', ':', '\t', '\r', '\n', '\0', '\ufeff', '\u00a0', '😀', 'é', ' '];

function validRow(r: () => number, i: number): Record<string, string | number | boolean | null> {
  const nullish = (v: string | number | boolean) => (r() < 0.05 ? null : v);
  return {
    id: i,
    n: nullish(Math.floor(r() * 2000) - 1000),
    price: nullish(Math.round(r() * 1e6) / 100),
    name: nullish(['alice', 'bob', 'a,b', 'say "hi"', 'über', '', ' x '][Math.floor(r() * 7)]!),
    ok: nullish(r() < 0.5),
    ts: nullish(r() < 0.5 ? 1_700_000_000_000 + Math.floor(r() * 1e9) : '2024-01-01 00:00:00.123'),
  };
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

function mutateText(s: string, r: () => number, format: 'json' | 'csv'): string {
  const at = Math.floor(r() * (s.length + 1));
  const ch = () => ODD_CHARS[Math.floor(r() * ODD_CHARS.length)]!;
  switch (Math.floor(r() * 8)) {
    case 0:
      return s.slice(0, at) + ch() + s.slice(at);
    case 1:
      return s.slice(0, at) + s.slice(at + 1);
    case 2:
      return s.slice(0, at);
    case 3:
      return s.slice(0, at) + ch() + s.slice(at + 1);
    case 4: {
      // A value replaced by an odd one (after a ':' in JSON, a ',' in CSV).
      const sep = format === 'json' ? ':' : ',';
      const p = s.indexOf(sep, at);
      if (p < 0) return s + sep + ODD_VALUES[Math.floor(r() * ODD_VALUES.length)]!;
      const end = format === 'json' ? s.slice(p + 1).search(/[,}]/) : s.slice(p + 1).indexOf(',');
      const odd = ODD_VALUES[Math.floor(r() * ODD_VALUES.length)]!;
      return s.slice(0, p + 1) + (format === 'csv' ? odd.replace(/^"(.*)"$/, '$1') : odd) + (end < 0 ? (format === 'json' ? '}' : '') : s.slice(p + 1 + end));
    }
    case 5:
      return s + s.slice(at);
    case 6:
      return format === 'json' ? s.replace(/"(\w+)":/, (_m, k: string) => (r() < 0.5 ? `"${k.toUpperCase()}":` : `"${k}x":`)) : s + ',';
    default:
      return s.slice(at) + s.slice(0, at);
  }
}

/** The records a reader must see in `text` (after the CSV header): non-blank lines, a CSV record spanning lines while its quotes are unbalanced. */
export function countRecords(text: string, format: 'json' | 'csv'): number {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let n = 0;
  let headerSeen = format === 'json';
  for (let i = 0; i < lines.length; i++) {
    let rec = lines[i]!.replace(/\r$/, '');
    if (i === 0) rec = rec.replace(/^\ufeff/, '');
    if (format === 'csv' && rec.includes('"')) {
      while ((rec.match(/"/g)?.length ?? 0) % 2 === 1 && i + 1 < lines.length) rec += '\n' + lines[++i]!.replace(/\r$/, '');
    }
    if (/^[ \t\r]*$/.test(rec)) continue;
    if (!headerSeen) {
      headerSeen = true;
      continue;
    }
    n++;
  }
  return n;
}

function typeOk(v: unknown, t: SqlType): boolean {
  if (v === null) return true;
  switch (t) {
    case 'BIGINT':
    case 'INT':
    case 'TIMESTAMP':
      return Number.isSafeInteger(v) && (t !== 'INT' || ((v as number) >= -2147483648 && (v as number) <= 2147483647));
    case 'DOUBLE':
      return typeof v === 'number';
    case 'VARCHAR':
      return typeof v === 'string';
    case 'BOOLEAN':
      return typeof v === 'boolean';
    default:
      return false;
  }
}

interface Read {
  readonly good: Row[];
  readonly skipped: number;
  readonly dead: { path: string; line: number; raw: string; reason: string }[];
  readonly error?: unknown;
}

async function readAll(file: string, format: 'json' | 'csv', policy: Policy, chunk: number): Promise<Read> {
  const dead: Read['dead'] = [];
  const opts = fileSourceOptions({ connector: 'file', path: path.basename(file), format, 'on-error': policy });
  const src = new FileSource(SCHEMA, opts, path.dirname(file), chunk, (p, line, raw, reason) => dead.push({ path: p, line, raw, reason }));
  const good: Row[] = [];
  try {
    for (let batch = await src.read(257); batch !== null; batch = await src.read(257)) good.push(...batch);
  } catch (error) {
    return { good, skipped: src.skippedRows, dead, error };
  } finally {
    await src.close();
  }
  return { good, skipped: src.skippedRows, dead };
}

/** Writes `rows` mutated rows into files of `perFile` rows, JSON and CSV alternately, and reads each with every policy. */
export async function runRowFuzz(rows: number, seed: number, perFile = 1000, log: (s: string) => void = () => {}): Promise<RowFuzzResult> {
  const r = prng(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-row-fuzz-'));
  const findings = new Map<string, { message: string; sample: string; count: number }>();
  const find = (message: string, sample: string) => {
    // One bug, one finding: the message up to its first quoted or bracketed detail, digits blanked.
    const key = message.replace(/\d+/g, 'N').split(/ ['"[{]/)[0]!.slice(0, 120);
    const f = findings.get(key);
    if (f) f.count++;
    else {
      findings.set(key, { message, sample, count: 1 });
      log(`finding: ${message}\n  sample: ${JSON.stringify(sample.slice(0, 300))}`);
    }
  };
  let reads = 0;
  let good = 0;
  let skipped = 0;
  let failedFast = 0;
  let files = 0;
  const t0 = performance.now();
  try {
    for (let done = 0; done < rows; files++) {
      const format = files % 2 === 0 ? 'json' : 'csv';
      const count = Math.min(perFile, rows - done);
      done += count;
      const lines: string[] = format === 'csv' ? [SCHEMA.columns.map((c) => c.name).join(',')] : [];
      for (let i = 0; i < count; i++) {
        const row = validRow(r, i);
        let text = format === 'json' ? JSON.stringify(row) : SCHEMA.columns.map((c) => csvField(row[c.name]!)).join(',');
        if (r() < 0.3) for (let m = 1 + Math.floor(r() * 2); m > 0; m--) text = mutateText(text, r, format);
        lines.push(text);
      }
      const text = lines.join(r() < 0.1 ? '\r\n' : '\n') + (r() < 0.5 ? '\n' : '');
      const file = path.join(dir, `f${files}.${format === 'json' ? 'jsonl' : 'csv'}`);
      fs.writeFileSync(file, text);
      const total = countRecords(text, format);
      const chunk = r() < 0.2 ? 64 + Math.floor(r() * 512) : 64 * 1024;
      const runs = new Map<Policy, Read>();
      for (const policy of POLICIES) {
        const res = await readAll(file, format, policy, chunk);
        runs.set(policy, res);
        reads += res.good.length + res.skipped;
        const name = path.basename(file);
        if (res.error !== undefined) {
          const e = res.error;
          if (!(e instanceof EddyError)) find(`${policy}/${format}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`, text);
          else if (policy !== 'fail') find(`${policy}/${format}: ${e.code} while skipping: ${e.message}`, text);
          else if (e.code !== 'BAD_ROW' || !e.message.startsWith(`${name}:`)) find(`${policy}/${format}: ${e.code} not naming file:line: ${e.message}`, text);
          else failedFast++;
          continue;
        }
        for (const row of res.good) {
          const bad = SCHEMA.columns.findIndex((c, i) => !typeOk(row[i], c.type));
          if (row.length !== SCHEMA.columns.length || bad >= 0) {
            find(`${policy}/${format}: a row with a wrong value for ${SCHEMA.columns[bad]?.name}: ${JSON.stringify(row)}`, text);
            break;
          }
        }
        good += policy === 'fail' ? 0 : res.good.length;
        skipped += res.skipped;
        if (policy === 'fail') {
          if (res.good.length !== total) find(`fail/${format}: ${res.good.length} rows read without error, the file has ${total} records`, text);
        } else if (res.good.length + res.skipped !== total) {
          find(`${policy}/${format}: ${res.good.length} good + ${res.skipped} skipped != ${total} records`, text);
        }
        if (policy === 'dead-letter' && (res.dead.length !== res.skipped || res.dead.some((d) => d.path !== name || !(d.line >= 1) || d.reason === ''))) {
          find(`dead-letter/${format}: ${res.dead.length} dead letters for ${res.skipped} skipped rows, or one without file/line/reason`, text);
        }
      }
      // 'fail' stops at the first record 'skip' skips, naming its line.
      const fail = runs.get('fail')!;
      const dead = runs.get('dead-letter')!;
      if (fail.error instanceof EddyError && fail.error.code === 'BAD_ROW' && dead.error === undefined) {
        const first = dead.dead[0];
        if (!first || !fail.error.message.startsWith(`${path.basename(file)}:${first.line}: `)) find(`fail/${format}: failed with '${fail.error.message}', the first skipped record is at line ${first?.line}`, text);
      } else if (fail.error === undefined && dead.skipped > 0) find(`fail/${format}: no error, though 'skip' skipped ${dead.skipped}`, text);
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows, files, reads, good, skipped, failedFast, findings: [...findings.values()], seconds: Math.round((performance.now() - t0) / 100) / 10 };
}
