import type { IToken, Lexer as ChevrotainLexer, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain-runtime.js';
import { EddyError } from '../common/errors.js';
import type { SourceText } from './source-text.js';

// Categories group tokens so one CONSUME matches several types while the CST keeps source order.
/** Anything usable as a name: plain and quoted identifiers plus the non-reserved keywords. */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });
/** Any word at all, reserved or not: parts of bare option keys like `properties.group.id`. */
export const AnyWord = createToken({ name: 'AnyWord', pattern: Lexer.NA, label: 'a word' });
export const AddOp = createToken({ name: 'AddOp', pattern: Lexer.NA, label: "'+', '-' or '||'" });
export const MulOp = createToken({ name: 'MulOp', pattern: Lexer.NA, label: "'*', '/' or '%'" });
export const CompOp = createToken({ name: 'CompOp', pattern: Lexer.NA, label: 'a comparison operator' });

// `$` may follow the first character, as in Flink/Calcite identifiers (`bids$late`, `EXPR$0`).
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_$]*/,
  categories: [Name, AnyWord],
  label: 'a name',
});
export const QuotedIdent = createToken({
  name: 'QuotedIdent',
  pattern: /"(?:[^"]|"")*"|`(?:[^`]|``)*`/,
  categories: [Name],
  label: 'a name',
});

const keywordTokens: TokenType[] = [];
function keyword(word: string, reserved: boolean): TokenType {
  const tok = createToken({
    name: word,
    pattern: new RegExp(`${word}`, 'i'),
    // What chevrotain would find by analysing each regex (about 300 of them, at every start).
    start_chars_hint: [word[0]!.toUpperCase(), word[0]!.toLowerCase()],
    line_breaks: false,
    longer_alt: Identifier,
    categories: reserved ? [AnyWord] : [Name, AnyWord],
    label: word,
  });
  keywordTokens.push(tok);
  return tok;
}

/** Reserved keywords: never names unless double-quoted. ORDER/JOIN/UNION are reserved so misuse fails right there. */
export const Select = keyword('SELECT', true);
export const From = keyword('FROM', true);
export const Where = keyword('WHERE', true);
export const Group = keyword('GROUP', true);
export const By = keyword('BY', true);
export const Having = keyword('HAVING', true);
export const Limit = keyword('LIMIT', true);
export const As = keyword('AS', true);
export const And = keyword('AND', true);
export const Or = keyword('OR', true);
export const Not = keyword('NOT', true);
export const Is = keyword('IS', true);
export const Null = keyword('NULL', true);
export const True = keyword('TRUE', true);
export const False = keyword('FALSE', true);
export const Between = keyword('BETWEEN', true);
export const In = keyword('IN', true);
export const Like = keyword('LIKE', true);
export const Case = keyword('CASE', true);
export const When = keyword('WHEN', true);
export const Then = keyword('THEN', true);
export const Else = keyword('ELSE', true);
export const End = keyword('END', true);
export const Cast = keyword('CAST', true);
export const Interval = keyword('INTERVAL', true);
export const Distinct = keyword('DISTINCT', true);
export const Create = keyword('CREATE', true);
export const Table = keyword('TABLE', true);
export const Drop = keyword('DROP', true);
export const Insert = keyword('INSERT', true);
export const Into = keyword('INTO', true);
export const Overwrite = keyword('OVERWRITE', false);
export const Values = keyword('VALUES', true);
export const With = keyword('WITH', true);
export const Exists = keyword('EXISTS', true);
export const For = keyword('FOR', true);
export const Descriptor = keyword('DESCRIPTOR', true);
export const Order = keyword('ORDER', true);
export const Join = keyword('JOIN', true);
/** Join words are reserved (as in Flink) so that `FROM a LEFT JOIN b` never reads LEFT as an alias. */
export const Inner = keyword('INNER', true);
export const Left = keyword('LEFT', true);
export const Right = keyword('RIGHT', true);
export const Full = keyword('FULL', true);
export const Outer = keyword('OUTER', true);
export const On = keyword('ON', true);
export const Union = keyword('UNION', true);
export const Intersect = keyword('INTERSECT', true);
export const Except = keyword('EXCEPT', true);
/** Non-reserved keywords: also valid as names (a column called `timestamp` or `desc`). */
export const Stream = keyword('STREAM', false);
export const All = keyword('ALL', false);
export const If = keyword('IF', false);
export const Timestamp = keyword('TIMESTAMP', false);
export const Watermark = keyword('WATERMARK', false);
export const Partition = keyword('PARTITION', false);
export const Filter = keyword('FILTER', false);
export const SetKw = keyword('SET', false);
export const Show = keyword('SHOW', false);
export const Describe = keyword('DESCRIBE', false);
export const Desc = keyword('DESC', false);
export const Explain = keyword('EXPLAIN', false);
export const Plan = keyword('PLAN', false);
export const Terminate = keyword('TERMINATE', false);
export const Reset = keyword('RESET', false);
export const View = keyword('VIEW', false);
export const Temporary = keyword('TEMPORARY', false);
export const Materialized = keyword('MATERIALIZED', false);
export const FunctionKw = keyword('FUNCTION', false);
export const Asc = keyword('ASC', false);

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });
/** Matched only when the closing delimiter is missing, so the error can say exactly that. */
const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/ });
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /'(?:[^']|'')*'/, label: 'a string' });
const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'[\s\S]*/ });
const UnterminatedQuoted = createToken({ name: 'UnterminatedQuoted', pattern: /["`][\s\S]*/ });
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: 'a number',
});

export const Arrow = createToken({ name: 'Arrow', pattern: /=>/, label: "'=>'" });
export const LtEq = createToken({ name: 'LtEq', pattern: /<=/, categories: [CompOp], label: "'<='" });
export const NotEq = createToken({ name: 'NotEq', pattern: /<>|!=/, categories: [CompOp], label: "'<>'" });
export const GtEq = createToken({ name: 'GtEq', pattern: />=/, categories: [CompOp], label: "'>='" });
export const Lt = createToken({ name: 'Lt', pattern: /</, categories: [CompOp], label: "'<'" });
export const Gt = createToken({ name: 'Gt', pattern: />/, categories: [CompOp], label: "'>'" });
export const Eq = createToken({ name: 'Eq', pattern: /=/, categories: [CompOp], label: "'='" });
export const Concat = createToken({ name: 'Concat', pattern: /\|\|/, categories: [AddOp], label: "'||'" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [AddOp], label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [AddOp], label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: [MulOp], label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: [MulOp], label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, categories: [MulOp], label: "'%'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  QuotedIdent,
  UnterminatedQuoted,
  NumberLiteral,
  // Longest first, so IN does not shadow INTERVAL/INSERT/INTO.
  ...[...keywordTokens].sort((a, b) => b.name.length - a.name.length),
  Identifier,
  Arrow,
  LtEq,
  NotEq,
  GtEq,
  Lt,
  Gt,
  Eq,
  Concat,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Semicolon,
  Name,
  AnyWord,
  AddOp,
  MulOp,
  CompOp,
];

/** Words that are keywords of the grammar, for "did you mean" hints. */
export const KEYWORDS: readonly string[] = keywordTokens.map((t) => t.name);
/** Keywords that are never names. */
export const RESERVED: ReadonlySet<string> = new Set(
  keywordTokens.filter((t) => !(t.CATEGORIES ?? []).includes(Name)).map((t) => t.name),
);

/**
 * `validate` runs chevrotain's checks of the token definitions (unreachable or duplicate patterns,
 * line-break issues); they cost ~30 ms of every start, so the shared lexer skips them and the
 * grammar test builds one with them (deferring their errors, so it can show them all).
 */
export function createLexer(validate: boolean): ChevrotainLexer {
  return new Lexer(allTokens, { ensureOptimizations: false, positionTracking: 'full', skipValidations: !validate, deferDefinitionErrorsHandling: validate });
}

const lexer = createLexer(false);

/** Splits SQL text into tokens (whitespace and comments dropped); throws EddyError('SYNTAX') on a bad character or an unterminated string/comment. */
export function tokenize(src: SourceText): IToken[] {
  const result = lexer.tokenize(src.text);
  for (const tok of result.tokens) {
    const unterminated = unterminatedMessage(tok.tokenType);
    if (unterminated) {
      const span = src.span(tok.startOffset, tok.startOffset + 1);
      throw new EddyError('SYNTAX', unterminated.message, span, unterminated.hint);
    }
  }
  const err = result.errors[0];
  if (err) {
    const ch = src.text[err.offset] ?? '';
    throw new EddyError(
      'SYNTAX',
      `unexpected character '${ch}'`,
      src.span(err.offset, err.offset + 1),
      ch === '"' || ch === '`' ? undefined : 'remove it, or put it inside a quoted string',
    );
  }
  return result.tokens;
}

function unterminatedMessage(type: TokenType): { message: string; hint: string } | undefined {
  if (type === UnterminatedString) {
    return { message: 'unterminated string literal', hint: "close the string with a single quote ('); write '' for a quote inside it" };
  }
  if (type === UnterminatedComment) return { message: 'unterminated block comment', hint: "close the comment with '*/'" };
  if (type === UnterminatedQuoted) {
    return { message: 'unterminated quoted identifier', hint: 'close the name with the same quote it starts with' };
  }
  return undefined;
}

/** Token kinds a converter needs to tell apart. */
export function isWordToken(tok: IToken): boolean {
  return tok.tokenType === Identifier || (tok.tokenType.CATEGORIES ?? []).includes(AnyWord);
}
