import type { CstElement, CstNode, IToken } from 'chevrotain';
import { internalError, type Span } from '../common/errors.js';
import type { Ident } from './ast.js';
import type { SourceText } from './source-text.js';

// Typed reads of CST children; a missing mandatory child means the grammar and builder disagree (a bug).

function isToken(e: CstElement): e is IToken {
  return (e as IToken).tokenType !== undefined;
}

export function tokensOf(node: CstNode, key: string): IToken[] {
  return (node.children[key] ?? []).filter(isToken);
}

export function nodesOf(node: CstNode, key: string): CstNode[] {
  return (node.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
}

export function optToken(node: CstNode, key: string): IToken | undefined {
  return tokensOf(node, key)[0];
}

export function optNode(node: CstNode, key: string): CstNode | undefined {
  return nodesOf(node, key)[0];
}

export function token(node: CstNode, key: string): IToken {
  const t = optToken(node, key);
  if (!t) throw internalError(`CST node ${node.name} has no token ${key}`);
  return t;
}

export function child(node: CstNode, key: string): CstNode {
  const n = optNode(node, key);
  if (!n) throw internalError(`CST node ${node.name} has no child ${key}`);
  return n;
}

/** Span of a whole CST node (chevrotain's "full" location tracking). */
export function nodeSpan(src: SourceText, node: CstNode): Span {
  const loc = node.location;
  if (!loc || Number.isNaN(loc.startOffset)) throw internalError(`CST node ${node.name} has no location`);
  return src.span(loc.startOffset, (loc.endOffset ?? loc.startOffset) + 1);
}

/** An identifier token as an Ident: plain names lower-case, "quoted" or `quoted` names keep their case. */
export function identOf(src: SourceText, tok: IToken): Ident {
  const image = tok.image;
  const quote = image[0];
  if (quote === '"' || quote === '`') {
    const inner = image.slice(1, -1).split(quote + quote).join(quote);
    return { name: inner, quoted: true, span: src.tokenSpan(tok) };
  }
  return { name: image.toLowerCase(), quoted: false, span: src.tokenSpan(tok) };
}

/** The value of a 'single-quoted' string token, with '' unescaped. */
export function stringValue(tok: IToken): string {
  return tok.image.slice(1, -1).split("''").join("'");
}
