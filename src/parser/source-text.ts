import type { IToken } from 'chevrotain';
import type { Span } from '../common/errors.js';

/** Maps offsets of one SQL text to spans with 1-based line/column. */
export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** Span of [start, end) (end exclusive). */
  span(start: number, end: number): Span {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    return { start, end, line: lo + 1, column: start - this.lineStarts[lo]! + 1 };
  }

  /** Span of one token (chevrotain's endOffset is inclusive). */
  tokenSpan(tok: IToken): Span {
    return this.span(tok.startOffset, (tok.endOffset ?? tok.startOffset) + 1);
  }

  /** Span from the first token's start to the last token's end. */
  tokensSpan(first: IToken, last: IToken): Span {
    return this.span(first.startOffset, (last.endOffset ?? last.startOffset) + 1);
  }

  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }
}
