import type { IToken } from 'chevrotain';
import { EddyError, type Span } from '../common/errors.js';
import type { Expr, Statement } from './ast.js';
import { buildExpr } from './build-expr.js';
import { buildStatement } from './build-statement.js';
import { grammar } from './grammar.js';
import { Semicolon, tokenize } from './lexer.js';
import { SourceText } from './source-text.js';
import { checkInStatementSet, closesStatementSet, statementSetOpening, unclosedStatementSet } from './statement-set.js';
import { syntaxError, type TokenRun } from './syntax-errors.js';
import { checkNesting, checkTreeDepth } from './nesting.js';

/** One statement of a script with its own source text. */
export interface ParsedStatement {
  readonly stmt: Statement;
  readonly text: string;
  readonly span: Span;
}

/** Parses a script of ;-separated statements (last ; optional). Throws EddyError('SYNTAX', ...) with a span into the whole script. */
export function parseScript(sql: string): ParsedStatement[] {
  const src = new SourceText(sql);
  const out: ParsedStatement[] = [];
  // The opening token of the statement set being read (its INSERTs are the set: see statement-set.ts).
  let inSet: IToken | null = null;
  for (const whole of splitStatements(tokenize(src))) {
    let run = whole;
    if (inSet === null) {
      const opening = statementSetOpening(run);
      if (opening > 0) {
        inSet = run.tokens[0]!;
        if (run.tokens.length === opening) continue;
        run = { ...run, tokens: run.tokens.slice(opening) };
      }
    } else if (closesStatementSet(run)) {
      inSet = null;
      continue;
    }
    checkNesting(run.tokens, src);
    const stmt = withStackGuard(run.tokens, src, () => {
      grammar.input = [...run.tokens];
      const cst = grammar.statement();
      const err = grammar.errors[0];
      if (err) throw syntaxError(err, run, src);
      return buildStatement(src, cst);
    });
    checkTreeDepth(stmt);
    if (inSet !== null) checkInStatementSet(stmt);
    out.push({ stmt, text: src.slice(stmt.span), span: stmt.span });
  }
  if (inSet !== null) throw unclosedStatementSet(src, inSet);
  return out;
}

/** Parses exactly one statement (a trailing `;` is allowed). */
export function parseStatement(sql: string): Statement {
  const stmts = parseScript(sql);
  const [first, second] = stmts;
  if (!first) {
    throw new EddyError('SYNTAX', 'empty statement', new SourceText(sql).span(0, Math.max(1, sql.length)), 'write a statement such as SELECT ... FROM ...');
  }
  if (second) {
    throw new EddyError('SYNTAX', 'expected a single statement', second.span, 'run the statements one at a time, or as a script');
  }
  return first.stmt;
}

/** Parses a standalone expression (watermark expressions stored as text). */
export function parseExpression(sql: string): Expr {
  const src = new SourceText(sql);
  const tokens = tokenize(src);
  if (tokens.length === 0) throw new EddyError('SYNTAX', 'empty expression', src.span(0, Math.max(1, sql.length)));
  checkNesting(tokens, src);
  return withStackGuard(tokens, src, () => {
    grammar.input = tokens;
    const cst = grammar.expr();
    const err = grammar.errors[0];
    if (err) throw syntaxError(err, { tokens }, src);
    return buildExpr(src, cst);
  });
}

/**
 * checkNesting keeps the parser's recursion well inside Node's stack; should a statement still
 * exhaust it (called from deep inside a program), it is refused with a message, not a RangeError.
 */
function withStackGuard<T>(tokens: readonly IToken[], src: SourceText, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const first = tokens[0]!;
    throw new EddyError('SYNTAX', 'statement too deeply nested to parse', src.tokensSpan(first, tokens[tokens.length - 1]!), 'split the statement, or generate flatter SQL');
  }
}

/** Cuts the token stream at each `;`; empty statements (`;;`) are dropped. */
function splitStatements(tokens: readonly IToken[]): TokenRun[] {
  const runs: TokenRun[] = [];
  let current: IToken[] = [];
  for (const tok of tokens) {
    if (tok.tokenType === Semicolon) {
      if (current.length > 0) runs.push({ tokens: current, terminator: tok });
      current = [];
    } else {
      current.push(tok);
    }
  }
  if (current.length > 0) runs.push({ tokens: current });
  return runs;
}
