import type { IRecognitionException, IToken } from 'chevrotain';
import { EOF } from './chevrotain-runtime.js';
import { EddyError, type Span } from '../common/errors.js';
import { allTokens, Comma, Identifier, isWordToken, KEYWORDS, QuotedIdent, RESERVED, StringLiteral } from './lexer.js';
import type { SourceText } from './source-text.js';
import { closest as suggest } from '../common/errors.js';

/** The tokens of one statement, and the `;` that ended it if any. */
export interface TokenRun {
  readonly tokens: readonly IToken[];
  readonly terminator?: IToken;
}

const STATEMENT_STARTS = ['SELECT', 'CREATE', 'INSERT', 'DROP', 'SET', 'EXPLAIN', 'SHOW', 'DESCRIBE', 'TERMINATE'];
/** The second words of statements whose first word alone does not choose the statement (CREATE STREAM vs CREATE VIEW). */
const SECOND_WORDS: Readonly<Record<string, readonly string[]>> = {
  CREATE: ['STREAM', 'TABLE', 'VIEW', 'TEMPORARY', 'MATERIALIZED'],
  DROP: ['STREAM', 'TABLE', 'VIEW', 'TEMPORARY', 'MATERIALIZED'],
};
/** Words a misspelling is likely aimed at when the misspelled word was swallowed as a name or alias. */
const CLAUSE_KEYWORDS = ['SELECT', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'LIMIT', 'AND', 'BETWEEN', 'LIKE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'CAST', 'INTERVAL', 'VALUES', 'WITH', 'WATERMARK'];
const UNSUPPORTED: Readonly<Record<string, string>> = {
  ORDER: 'ORDER BY is not supported: a continuous query has no final order (use LIMIT to cap the rows)',
};
const LABELS: ReadonlyMap<string, string> = new Map(allTokens.map((t) => [t.name, typeof t.LABEL === 'string' ? t.LABEL : t.name]));
const EXPRESSION_STARTS = new Set(['Name', 'NumberLiteral', 'StringLiteral', 'LParen', 'CASE', 'CAST', 'INTERVAL', 'TRUE', 'FALSE', 'NULL', 'Minus', 'Plus', 'NOT']);

/** Turns chevrotain's first recognition error into the EddyError('SYNTAX') users see: message, span and hint. */
export function syntaxError(e: IRecognitionException, run: TokenRun, src: SourceText): EddyError {
  const expected = expectedOf(e);
  const atEnd = e.token.tokenType === EOF;
  const idx = atEnd ? run.tokens.length : run.tokens.findIndex((t) => t.startOffset === e.token.startOffset);
  const prev = idx > 0 ? run.tokens[idx - 1] : undefined;
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1] ?? 'statement';
  const notAllParsed = e.name === 'NotAllInputParsedException';
  const statementLevel = rule === 'statement' && expected.includes('SELECT');

  // An alternation whose first token fits failed further in (`ts AS ...` in a column list): blame the token after it.
  if (e.name === 'NoViableAltException' && !atEnd && fitsExpected(e.token, expected) && run.tokens[idx + 1]) {
    const next = run.tokens[idx + 1]!;
    const second = rule === 'statement' ? SECOND_WORDS[e.token.image.toUpperCase()] : undefined;
    const guess = second && isWordToken(next) ? suggest(next.image, second) : undefined;
    const hint = second ? (guess ? `did you mean ${guess}?` : `${e.token.image.toUpperCase()} is followed by ${second.join(', ')}`) : undefined;
    return new EddyError('SYNTAX', `unexpected ${quote(next.image)}`, src.tokenSpan(next), hint);
  }
  const found = atEnd ? run.terminator : e.token;
  const span: Span = found ? src.tokenSpan(found) : endOfInput(run, src);
  const foundText = found ? quote(found.image) : 'end of input';
  const desc = describe(expected, rule);

  let message: string;
  if (notAllParsed || statementLevel || desc === '') message = `unexpected ${foundText}`;
  else if (!found) message = `unexpected end of input, expected ${desc}`;
  else message = `expected ${desc} but found ${foundText}`;

  // A misspelled keyword is usually read as a name first; the error then surfaces one token later.
  if (prev && prev.tokenType === Identifier && prev.image.length >= 3 && !(found && isWordToken(found) && keywordGuess(found, expected, statementLevel))) {
    const meant = suggest(prev.image, CLAUSE_KEYWORDS);
    if (meant && meant !== prev.image.toUpperCase()) {
      return new EddyError('SYNTAX', `unexpected '${prev.image}'`, src.tokenSpan(prev), `did you mean ${meant}?`);
    }
  }
  return new EddyError('SYNTAX', message, span, hintFor({ found, prev, expected, rule, notAllParsed, statementLevel, run, idx, atEnd }));
}

interface HintContext {
  readonly found: IToken | undefined;
  readonly prev: IToken | undefined;
  readonly expected: readonly string[];
  readonly rule: string;
  readonly notAllParsed: boolean;
  readonly statementLevel: boolean;
  readonly run: TokenRun;
  readonly idx: number;
  readonly atEnd: boolean;
}

function hintFor(c: HintContext): string | undefined {
  const { found, prev, expected } = c;
  const foundName = found?.tokenType.name;
  if (found && foundName && UNSUPPORTED[foundName]) return UNSUPPORTED[foundName];
  if (foundName === 'DISTINCT' && c.rule === 'selectItem') return 'SELECT DISTINCT is not supported; GROUP BY the columns instead';
  if (found && isWordToken(found)) {
    const guess = keywordGuess(found, c.notAllParsed ? CLAUSE_KEYWORDS : expected, c.statementLevel) ?? unitGuess(found, c);
    if (guess) return `did you mean ${guess}?`;
  }
  if (c.statementLevel) return `a statement starts with ${STATEMENT_STARTS.join(', ')}`;
  if (prev?.tokenType === Comma && (!found || RESERVED.has(foundName ?? '') || foundName === 'RParen')) {
    return `remove the trailing ',' before ${found ? `'${found.image}'` : 'the end'}`;
  }
  if (c.notAllParsed && found && STATEMENT_STARTS.includes(found.image.toUpperCase())) {
    return `missing ';' before ${found.image.toUpperCase()}?`;
  }
  const startsExpression = found !== undefined && (EXPRESSION_STARTS.has(foundName!) || (found.tokenType.CATEGORIES ?? []).some((t) => t.name === 'Name'));
  const endsExpression = prev !== undefined && (isWordToken(prev) || ['NumberLiteral', 'StringLiteral', 'QuotedIdent', 'RParen'].includes(prev.tokenType.name));
  if (startsExpression && endsExpression) {
    if (expected.includes('FROM') && c.rule === 'selectStmt') return `missing ',' between select items?`;
    if (expected.includes('RParen')) return `missing ',' before ${quote(found!.image)}?`;
    if (c.notAllParsed) return `missing an operator or ',' before ${quote(found!.image)}?`;
  }
  if (foundName === 'NULL' && prev?.tokenType.name === 'NOT') return 'did you mean IS NOT NULL?';
  if (c.rule === 'windowTvf') return "FROM TABLE(...) takes a window function call: TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' MINUTE))";
  if (found && RESERVED.has(foundName!) && expected.length > 0 && expected.every((x) => x === 'Name')) {
    return `${foundName} is a reserved word; write "${found.image.toLowerCase()}" (double-quoted) to use it as a name`;
  }
  if (foundName === StringLiteral.name && expected.includes('Name') && !expected.includes('StringLiteral')) {
    return `names are written bare or in "double quotes"; single quotes make a string`;
  }
  if (foundName === QuotedIdent.name && expected.includes('StringLiteral')) {
    return `strings use single quotes: '${found!.image.slice(1, -1)}'`;
  }
  if (c.atEnd && expected.includes('RParen')) return "add the missing ')'";
  return undefined;
}

/** The expected keyword closest to a word the user wrote, if the word is long enough to judge. */
function keywordGuess(found: IToken, expected: readonly string[], statementLevel: boolean): string | undefined {
  if (found.image.length < 3 && !statementLevel) return undefined;
  const candidates = statementLevel ? STATEMENT_STARTS : expected.filter((x) => KEYWORDS.includes(x));
  const guess = suggest(found.image, candidates);
  return guess && guess !== found.image.toUpperCase() ? guess : undefined;
}

/** `INTERVAL '10' SECODN`: the unit word is not consumed, so suggest the unit it resembles. */
function unitGuess(found: IToken, c: HintContext): string | undefined {
  const before = c.run.tokens[c.idx - 2];
  if (c.prev?.tokenType !== StringLiteral || before?.tokenType.name !== 'INTERVAL') return undefined;
  return suggest(found.image, ['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS']);
}

function expectedOf(e: IRecognitionException): string[] {
  try {
    const parsed: unknown = JSON.parse(e.message);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** "an expression", "a statement", or the expected tokens listed: `')'`, `FROM or ','`. */
function describe(expected: readonly string[], rule: string): string {
  if (expected.includes('SELECT') && expected.includes('CREATE')) return 'a statement';
  if (rule === 'fromItem') return 'a stream name';
  if (rule === 'setStmt' && expected.includes('StringLiteral')) return 'a value';
  if (rule === 'settingKey') return 'an option name';
  if (expected.includes('NumberLiteral') && expected.includes('StringLiteral') && expected.includes('Name')) {
    return rule === 'selectItem' ? "an expression or '*'" : 'an expression';
  }
  const labels = [...new Set(expected.map((x) => LABELS.get(x) ?? x))];
  if (labels.length === 0) return '';
  if (labels.length === 1) return labels[0]!;
  const shown = labels.slice(0, 5);
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

function endOfInput(run: TokenRun, src: SourceText): Span {
  const last = run.tokens[run.tokens.length - 1];
  const at = last ? (last.endOffset ?? last.startOffset) + 1 : src.text.length;
  return src.span(at, at + 1);
}

/** A token as shown in messages: 'word'; string literals already carry their quotes. */
function quote(image: string): string {
  const short = image.length > 30 ? `${image.slice(0, 27)}...` : image;
  return image.startsWith("'") ? short : `'${short}'`;
}

function fitsExpected(tok: IToken, expected: readonly string[]): boolean {
  return expected.includes(tok.tokenType.name) || (tok.tokenType.CATEGORIES ?? []).some((c) => expected.includes(c.name));
}
