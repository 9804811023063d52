import type { CstNode } from 'chevrotain';
import { EddyError, type Span } from '../common/errors.js';
import type { Expr, GroupingSet } from './ast.js';
import { buildExpr } from './build-expr.js';
import { nodeSpan, nodesOf, optNode, optToken } from './cst-access.js';
import type { SourceText } from './source-text.js';

/** A GROUP BY list: every grouping expression once, and its grouping sets when it is more than a list of expressions. */
export interface BuiltGroupBy {
  readonly groupBy: readonly Expr[];
  readonly groupingSets?: readonly GroupingSet[];
}

/** The expression without spans, to tell equal expressions written twice. */
const shape = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === 'span' || k === 'nameSpan' ? undefined : v));

/**
 * Builds the groupItem nodes of a GROUP BY: GROUPING SETS concatenates its items' sets, ROLLUP (e1, ..., en)
 * is the n + 1 prefixes, longest first, CUBE the 2^n subsets in Calcite's order ((a, b), (a), (b), ()), and
 * the items of the list are crossed (GROUP BY a, ROLLUP (b) = GROUPING SETS ((a, b), (a))).
 */
export function buildGroupBy(src: SourceText, items: readonly CstNode[]): BuiltGroupBy {
  const plain = items.every((n) => !isGroupingConstruct(n));
  let sets: GroupingSet[] = [{ exprs: [], span: items.length ? nodeSpan(src, items[0]!) : { start: 0, end: 0, line: 1, column: 1 } }];
  for (const item of items) {
    const mine = setsOf(src, item, 'top');
    // A crossed set points at the construct that made it (where one set differs from another).
    const construct = isGroupingConstruct(item);
    sets = sets.flatMap((left) => mine.map((right) => ({ exprs: [...left.exprs, ...right.exprs], span: construct ? right.span : left.span })));
  }
  const seen = new Map<string, Expr>();
  for (const s of sets) for (const e of s.exprs) if (!seen.has(shape(e))) seen.set(shape(e), e);
  const groupBy = plain ? items.flatMap((n) => setsOf(src, n, 'top')[0]!.exprs) : [...seen.values()];
  return plain ? { groupBy } : { groupBy, groupingSets: sets.map((s) => ({ exprs: dedupe(s.exprs), span: s.span })) };
}

/** An item that makes grouping sets: GROUPING SETS, ROLLUP, CUBE, or `()`. */
function isGroupingConstruct(n: CstNode): boolean {
  if (optToken(n, 'groupingSets') || optToken(n, 'multi')) return true;
  return optToken(n, 'list') !== undefined && nodesOf(n, 'listExpr').length === 0;
}

function dedupe(exprs: readonly Expr[]): Expr[] {
  const out: Expr[] = [];
  for (const e of exprs) if (!out.some((x) => shape(x) === shape(e))) out.push(e);
  return out;
}

type Level = 'top' | 'inSets' | 'inMulti';

function setsOf(src: SourceText, n: CstNode, level: Level): GroupingSet[] {
  const span = nodeSpan(src, n);
  const multi = optToken(n, 'multi');
  if (optToken(n, 'groupingSets') || multi) {
    if (level === 'inMulti') {
      throw new EddyError('SYNTAX', `${multi ? multi.image.toUpperCase() : 'GROUPING SETS'} cannot be nested inside ROLLUP or CUBE`, span, 'list columns or parenthesised column lists inside ROLLUP (...) and CUBE (...)');
    }
    const elements = nodesOf(n, 'element');
    if (!multi) return elements.flatMap((e) => setsOf(src, e, 'inSets'));
    const parts = elements.map((e) => setsOf(src, e, 'inMulti')[0]!.exprs);
    return (multi.image.toUpperCase() === 'ROLLUP' ? rollup(parts) : cube(parts, span)).map((exprs) => ({ exprs, span }));
  }
  const expr = optNode(n, 'expr');
  if (expr) return [{ exprs: [buildExpr(src, expr)], span }];
  const list = nodesOf(n, 'listExpr').map((e) => buildExpr(src, e));
  if (list.length === 0 && level === 'inMulti') throw new EddyError('SYNTAX', '() cannot be an element of ROLLUP or CUBE', span, 'the empty grouping set is already one of their sets');
  return [{ exprs: list, span }];
}

/** ROLLUP (p1, ..., pn): (p1..pn), (p1..pn-1), ..., (). */
function rollup(parts: readonly (readonly Expr[])[]): Expr[][] {
  return Array.from({ length: parts.length + 1 }, (_, i) => parts.slice(0, parts.length - i).flat());
}

/** CUBE (p1, ..., pn): every subset, p1 the most significant (Calcite's order). */
function cube(parts: readonly (readonly Expr[])[], span: Span): Expr[][] {
  const n = parts.length;
  if (n > 12) throw new EddyError('UNSUPPORTED', `CUBE of ${n} elements makes ${2 ** n} grouping sets`, span, 'use at most 12 elements, or list the grouping sets you need with GROUPING SETS');
  const out: Expr[][] = [];
  for (let mask = 2 ** n - 1; mask >= 0; mask--) out.push(parts.filter((_, i) => (mask >> (n - 1 - i)) & 1).flat());
  return out;
}
