import type { IToken } from 'chevrotain';
import { EddyError, type Span } from '../common/errors.js';
import { Case, End, LParen, RParen } from './lexer.js';
import type { SourceText } from './source-text.js';
import type { Statement } from './ast.js';

/**
 * Parentheses and CASE ... END open a level of the recursive-descent parser each: a few hundred
 * levels exhaust Node's stack (a RangeError, not a message). Real SQL nests a handful; generated
 * SQL rarely more than a few dozen.
 */
export const MAX_NESTING = 100;

/**
 * Nodes from the root of a statement's tree to its deepest leaf. A chain `a + b + c ...` is one
 * level per operator, and every later stage (binder, rules, code generator) walks the tree
 * recursively: well within what they handle, and far beyond real queries.
 */
export const MAX_TREE_DEPTH = 1000;

/** Refuses a statement nested deeper than MAX_NESTING, pointing at the first bracket past the limit (before the parser recurses into it). */
export function checkNesting(tokens: readonly IToken[], src: SourceText): void {
  let depth = 0;
  for (const tok of tokens) {
    const t = tok.tokenType;
    if (t === LParen || t === Case) {
      if (++depth > MAX_NESTING) {
        throw new EddyError('SYNTAX', `nested too deeply: more than ${MAX_NESTING} levels of parentheses and CASE`, src.tokenSpan(tok), 'split the expression into steps (a view per step), or generate flatter SQL');
      }
    } else if ((t === RParen || t === End) && depth > 0) depth--;
  }
}

/** Refuses a statement whose tree is deeper than MAX_TREE_DEPTH (an expression of thousands of chained operators). Iterative, so it cannot overflow itself. */
export function checkTreeDepth(stmt: Statement): void {
  const stack: { node: unknown; depth: number }[] = [{ node: stmt, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const isNode = !Array.isArray(node) && typeof (node as { kind?: unknown }).kind === 'string';
    const d = isNode ? depth + 1 : depth;
    if (d > MAX_TREE_DEPTH) {
      const span = (node as { span?: Span }).span;
      throw new EddyError('SYNTAX', `expression too deeply nested: more than ${MAX_TREE_DEPTH} levels of operators`, span ?? stmt.span, 'split the expression, or use IN (...) for a long list of alternatives');
    }
    for (const v of Array.isArray(node) ? node : Object.values(node)) if (typeof v === 'object' && v !== null) stack.push({ node: v, depth: d });
  }
}
