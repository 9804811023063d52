/**
 * The SQL fuzz pass (issue 13): mutants of valid statements (the golden scripts test/sql/*.sql and
 * the README's SQL blocks) through parse + plan (+ EXPLAIN), in-process and without running a
 * query. The only acceptable outcomes are success and an EddyError that is not INTERNAL, whose
 * span (always there for an error in the SQL) lies inside the text at its own line:column.
 * Anything else, or a statement taking over a second, is a finding.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EddyError, formatError, type ErrorCode, type Span } from '../../src/common/errors.js';
import { parseScript, type ParsedStatement } from '../../src/parser/index.js';
import { Session } from '../../src/runtime/session.js';
import { planStatement } from './plan-statement.js';
import { mutate, tokens, type Tokens } from './sql-mutate.js';
import { prng } from '../prng.js';

/** Codes of errors in the SQL text itself: these must point at it. */
const SQL_CODES: ReadonlySet<ErrorCode> = new Set(['SYNTAX', 'INVALID_OPTION', 'UNKNOWN_STREAM', 'UNKNOWN_COLUMN', 'UNKNOWN_FUNCTION', 'AMBIGUOUS_COLUMN', 'TYPE_MISMATCH', 'NOT_GROUPED', 'NO_WATERMARK']);

const HANG_MS = 1000;

/** The statements of one script, with the session whose catalog its DDL declared. */
interface Context {
  readonly name: string;
  readonly session: Session;
  readonly statements: readonly Tokens[];
}

export interface Finding {
  /** What went wrong, with quoted names and numbers blanked out (findings with one signature are one bug). */
  readonly signature: string;
  readonly message: string;
  /** The shortest statement that showed it. */
  readonly sql: string;
  readonly count: number;
}

export interface SqlFuzzResult {
  readonly statements: number;
  readonly corpus: number;
  readonly parsed: number;
  /** Statements that parsed and planned (a physical plan, explained) or were checked (DDL, SET, VALUES). */
  readonly planned: number;
  readonly checked: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
  readonly slowestMs: number;
  readonly seconds: number;
}

/** Splits a script into its statements' texts; a script that does not parse whole (error-*.sql) is split at `;` and its pieces kept if they parse. */
function statementsOf(script: string): ParsedStatement[] {
  try {
    return parseScript(script);
  } catch {
    return script.split(/;\s*\n/).flatMap((piece) => {
      try {
        return parseScript(piece);
      } catch {
        return [];
      }
    });
  }
}

/** A session whose catalog holds the streams and views the script declares (nothing runs). */
async function contextOf(name: string, script: string, baseDir: string): Promise<Context> {
  const session = new Session({ store: null, endMemoryWhenDrained: true, baseDir, fresh: false, onWarning: () => {} });
  const stmts = statementsOf(script);
  for (const ps of stmts) {
    if (ps.stmt.kind === 'createStream' || (ps.stmt.kind === 'createView' && !ps.stmt.materialized)) {
      try {
        await session.execute(ps);
      } catch {
        // A statement of an error script, or one declaring a name twice: its catalog is the rest.
      }
    }
  }
  return { name, session, statements: stmts.map((ps) => tokens(ps.text)) };
}

/** The golden scripts and the README's ```sql blocks, each with its own catalog. */
export async function loadCorpus(root: string): Promise<Context[]> {
  const sqlDir = path.join(root, 'test/sql');
  const out: Context[] = [];
  for (const f of fs.readdirSync(sqlDir).filter((f) => f.endsWith('.sql')).sort()) out.push(await contextOf(f, fs.readFileSync(path.join(sqlDir, f), 'utf8'), sqlDir));
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  out.push(await contextOf('README.md', blocks.join(';\n'), root));
  return out.filter((c) => c.statements.length > 0);
}

/** Why `e`, thrown by parsing or planning `sql`, is a finding; undefined when it is an acceptable error. */
export function judgeError(sql: string, e: unknown): string | undefined {
  if (!(e instanceof EddyError)) {
    const err = e as Error;
    const where = /\n\s+at [^\n]*?((?:src|dist\/src)\/[^\s):]+:\d+)/.exec(String(err?.stack ?? ''))?.[1] ?? '?';
    return `${err?.constructor?.name ?? typeof e}: ${err?.message ?? String(e)} (at ${where})`;
  }
  if (e.code === 'INTERNAL') return `INTERNAL: ${e.message}`;
  if (!e.span) return SQL_CODES.has(e.code) ? `${e.code} without a span: ${e.message}` : undefined;
  const bad = spanProblem(sql, e.span);
  if (bad) return `${e.code} with a bad span (${bad}): ${e.message}`;
  if (/\bundefined\b|\[object Object\]|\bNaN\b/.test(e.message + (e.hint ?? '')) && !/undefined|object|NaN/i.test(sql)) return `${e.code} with a broken message: ${e.message} / ${e.hint}`;
  formatError(e, sql);
  return undefined;
}

function spanProblem(sql: string, s: Span): string | undefined {
  if (!(s.start >= 0 && s.start <= s.end && s.end <= sql.length + 1)) return `offsets ${s.start}..${s.end} outside 0..${sql.length}`;
  const before = sql.slice(0, s.start);
  const line = before.split('\n').length;
  const column = s.start - (before.lastIndexOf('\n') + 1) + 1;
  if (s.line !== line || s.column !== column) return `line:column ${s.line}:${s.column}, offset ${s.start} is ${line}:${column}`;
  return undefined;
}

/** A finding's message with names, literals and numbers blanked, so one bug is one signature. */
function signatureOf(why: string): string {
  return why.replace(/'[^']*'/g, "'?'").replace(/"[^"]*"/g, '"?"').replace(/\b\d+\b/g, 'N').slice(0, 200);
}

/** Parses and plans `sql` on `session`: the outcome, or the finding it makes. */
export function fuzzOne(session: Session, sql: string): { outcome: 'error' | 'parse-error' | 'planned' | 'checked' | 'parsed'; code?: string; finding?: string } {
  let stmts: ParsedStatement[];
  try {
    stmts = parseScript(sql);
  } catch (e) {
    const finding = judgeError(sql, e);
    return { outcome: 'parse-error', code: (e as EddyError).code ?? '?', ...(finding ? { finding } : {}) };
  }
  let outcome: 'planned' | 'checked' | 'parsed' = 'parsed';
  for (const ps of stmts) {
    try {
      const o = planStatement(session, ps);
      if (o === 'planned' || (o === 'checked' && outcome === 'parsed')) outcome = o;
    } catch (e) {
      const finding = judgeError(sql, e);
      return { outcome: 'error', code: (e as EddyError).code ?? '?', ...(finding ? { finding } : {}) };
    }
  }
  return { outcome };
}

/** Runs `n` mutants (seeded) through fuzzOne. */
export async function runSqlFuzz(root: string, n: number, seed: number, log: (s: string) => void = () => {}): Promise<SqlFuzzResult> {
  const corpus = await loadCorpus(root);
  const all = corpus.flatMap((c) => c.statements);
  const dictionary = [...new Set(all.flatMap((t) => t.words))];
  const r = prng(seed);
  const findings = new Map<string, { message: string; sql: string; count: number }>();
  const errors: Record<string, number> = {};
  let parsed = 0;
  let planned = 0;
  let checked = 0;
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const ctx = corpus[Math.floor(r() * corpus.length)]!;
    const base = ctx.statements[Math.floor(r() * ctx.statements.length)]!;
    const other = r() < 0.5 ? ctx.statements[Math.floor(r() * ctx.statements.length)]! : all[Math.floor(r() * all.length)]!;
    const sql = mutate(base, other, r, dictionary);
    const s0 = performance.now();
    const res = fuzzOne(ctx.session, sql);
    const ms = performance.now() - s0;
    if (ms > slowest) slowest = ms;
    let why = res.finding;
    if (!why && ms > HANG_MS) why = `took ${Math.round(ms)} ms (over ${HANG_MS} ms)`;
    if (res.outcome !== 'parse-error') parsed++;
    if (res.outcome === 'planned') planned++;
    if (res.outcome === 'checked') checked++;
    if (res.code) errors[res.code] = (errors[res.code] ?? 0) + 1;
    if (why) {
      const sig = signatureOf(why);
      const f = findings.get(sig);
      if (!f) {
        findings.set(sig, { message: why, sql, count: 1 });
        log(`finding: ${why}\n  in: ${JSON.stringify(sql)}`);
      } else {
        f.count++;
        if (sql.length < f.sql.length) f.sql = sql;
      }
    }
    if ((i + 1) % 100_000 === 0) log(`sql fuzz: ${i + 1} statements, ${parsed} parsed, ${planned} planned, ${findings.size} findings, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  for (const c of corpus) await c.session.close();
  return {
    statements: n,
    corpus: all.length,
    parsed,
    planned,
    checked,
    errors,
    findings: [...findings].map(([signature, f]) => ({ signature, ...f })),
    slowestMs: Math.round(slowest),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
