import type { CstNode, IToken } from 'chevrotain';
import { EddyError, type Span } from '../common/errors.js';
import type { Expr, FromItem, Ident, WindowFn } from './ast.js';
import { buildExpr } from './build-expr.js';
import { child, identOf, nodeSpan, nodesOf, optNode, optToken, token } from './cst-access.js';
import type { SourceText } from './source-text.js';
import { closest as suggest } from '../common/errors.js';

/** The interval parameters of each window function, in positional order; OFFSET may follow any of them. */
const PARAMS: Readonly<Record<WindowFn, readonly string[]>> = {
  TUMBLE: ['SIZE'],
  HOP: ['SLIDE', 'SIZE'],
  CUMULATE: ['STEP', 'SIZE'],
  SESSION: ['GAP'],
};

type TvfArg =
  | { readonly kind: 'table'; readonly table: Ident; readonly partitionBy: readonly Expr[]; readonly name?: IToken; readonly span: Span }
  | { readonly kind: 'descriptor'; readonly timeCol: Ident; readonly name?: IToken; readonly span: Span }
  | { readonly kind: 'value'; readonly expr: Expr; readonly name?: IToken; readonly span: Span };

/** Builds the FROM TABLE(<fn>(...)) item from a windowTvf node, accepting positional and `NAME => value` arguments. */
export function buildWindowTvf(src: SourceText, node: CstNode, span: Span, alias: Ident | undefined): FromItem {
  const fnTok = token(node, 'fn');
  const fn = windowFn(src, fnTok);
  const args = nodesOf(node, 'tvfArg').map((a) => buildArg(src, a));
  const params = PARAMS[fn];
  const usage = `${fn}(TABLE <stream>, DESCRIPTOR(<time column>), ${params.map((p) => `<${p.toLowerCase()}>`).join(', ')} [, <offset>])`;
  const fail = (message: string, at: Span): never => {
    throw new EddyError('SYNTAX', message, at, `write ${usage}`);
  };

  let table: Extract<TvfArg, { kind: 'table' }> | undefined;
  let descriptor: Extract<TvfArg, { kind: 'descriptor' }> | undefined;
  const values: Expr[] = [];
  const named = args.filter((a) => a.name !== undefined);
  if (named.length > 0) {
    const positional = args.find((a) => a.name === undefined);
    if (positional) fail(`${fn} arguments must be all named or all positional`, positional.span);
    const byName = new Map<string, TvfArg>();
    for (const a of args) {
      const nameTok = a.name!;
      const key = nameTok.image.toUpperCase();
      const known = ['DATA', 'TIMECOL', ...params, 'OFFSET'];
      if (!known.includes(key)) {
        const guess = suggest(key, known);
        throw new EddyError('SYNTAX', `${fn} has no argument named '${nameTok.image}'`, src.tokenSpan(nameTok), guess ? `did you mean ${guess}?` : `${fn} takes ${known.join(', ')}`);
      }
      if (byName.has(key)) fail(`argument ${key} is given twice`, src.tokenSpan(nameTok));
      byName.set(key, a);
    }
    const need = (key: string): TvfArg => byName.get(key) ?? fail(`${fn} is missing its ${key} argument`, src.tokenSpan(fnTok));
    const data = need('DATA');
    if (data.kind !== 'table') return fail('DATA must be TABLE <stream>', data.span);
    table = data;
    const timecol = need('TIMECOL');
    if (timecol.kind !== 'descriptor') return fail('TIMECOL must be DESCRIPTOR(<time column>)', timecol.span);
    descriptor = timecol;
    for (const key of [...params, ...(byName.has('OFFSET') ? ['OFFSET'] : [])]) values.push(valueOf(need(key), key));
  } else {
    const [first, second, ...rest] = args;
    if (first?.kind !== 'table') return fail(`the first argument of ${fn} must be TABLE <stream>`, first?.span ?? src.tokenSpan(fnTok));
    table = first;
    if (second?.kind !== 'descriptor') {
      return fail(`the second argument of ${fn} must be DESCRIPTOR(<time column>)`, second?.span ?? nodeSpan(src, node));
    }
    descriptor = second;
    if (rest.length < params.length || rest.length > params.length + 1) {
      fail(
        `${fn} takes ${params.length} interval argument${params.length > 1 ? 's' : ''} (${params.join(', ').toLowerCase()}) and an optional offset, but got ${rest.length}`,
        rest[params.length + 1]?.span ?? nodeSpan(src, node),
      );
    }
    rest.forEach((a, i) => values.push(valueOf(a, params[i] ?? 'OFFSET')));
  }

  function valueOf(a: TvfArg, what: string): Expr {
    if (a.kind !== 'value') return fail(`the ${what.toLowerCase()} argument of ${fn} must be an interval`, a.span);
    return a.expr;
  }

  return {
    kind: 'windowTvf',
    fn,
    table: table.table,
    partitionBy: table.partitionBy,
    timeCol: descriptor.timeCol,
    args: values,
    ...(alias ? { alias } : {}),
    span,
  };
}

function windowFn(src: SourceText, tok: IToken): WindowFn {
  const upper = tok.image.toUpperCase();
  if (upper === 'TUMBLE' || upper === 'HOP' || upper === 'CUMULATE' || upper === 'SESSION') return upper;
  const guess = suggest(upper, Object.keys(PARAMS));
  throw new EddyError(
    'SYNTAX',
    `unknown window function '${tok.image}'`,
    src.tokenSpan(tok),
    guess ? `did you mean ${guess}?` : 'the window functions are TUMBLE, HOP, CUMULATE and SESSION',
  );
}

function buildArg(src: SourceText, node: CstNode): TvfArg {
  const name = optToken(node, 'argName');
  const span = nodeSpan(src, node);
  const common = { ...(name ? { name } : {}), span };
  const tableTok = optToken(node, 'table');
  if (tableTok) {
    const partitionBy = nodesOf(node, 'partitionBy').map((n) => buildExpr(src, n));
    return { kind: 'table', table: identOf(src, tableTok), partitionBy, ...common };
  }
  const timeCol = optToken(node, 'timeCol');
  if (timeCol) return { kind: 'descriptor', timeCol: identOf(src, timeCol), ...common };
  const value = optNode(node, 'value') ?? child(node, 'value');
  return { kind: 'value', expr: buildExpr(src, value), ...common };
}
