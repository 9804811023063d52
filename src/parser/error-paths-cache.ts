import type { CstParser } from 'chevrotain';
import { EarlyExitException, NoViableAltException } from './chevrotain-runtime.js';

type Raise = (this: ParserInternals, ...args: unknown[]) => never;
interface ParserInternals {
  raiseNoAltException: Raise;
  raiseEarlyExitException: Raise;
  getCurrRuleFullName(): string;
  LA(i: number): unknown;
  SAVE_ERROR(e: Error): Error;
}

/**
 * Chevrotain computes the lookahead paths of an alternation anew for every syntax error there
 * (it has no cache of its own for them): a few ms per error, and up to ~0.7 s for an error deep in
 * an expression, which made mistyped statements slow in the shell and the fuzz pass crawl. The
 * message our error provider builds from them depends only on the rule and the alternation, so
 * each is computed once per grammar.
 */
export function cacheErrorPaths(parser: CstParser): void {
  const p = parser as unknown as ParserInternals;
  const messages = new Map<string, string>();
  const noAlt = p.raiseNoAltException;
  const earlyExit = p.raiseEarlyExitException;
  p.raiseNoAltException = function (this: ParserInternals, occurrence: unknown, ...rest: unknown[]): never {
    const key = `alt ${this.getCurrRuleFullName()} ${occurrence}`;
    const msg = messages.get(key);
    if (msg !== undefined) throw this.SAVE_ERROR(new NoViableAltException(msg, this.LA(1) as never, this.LA(0) as never));
    try {
      return noAlt.call(this, occurrence, ...rest);
    } catch (e) {
      if (e instanceof NoViableAltException) messages.set(key, e.message);
      throw e;
    }
  };
  p.raiseEarlyExitException = function (this: ParserInternals, occurrence: unknown, prodType: unknown, ...rest: unknown[]): never {
    const key = `exit ${this.getCurrRuleFullName()} ${occurrence} ${prodType}`;
    const msg = messages.get(key);
    if (msg !== undefined) throw this.SAVE_ERROR(new EarlyExitException(msg, this.LA(1) as never, this.LA(0) as never));
    try {
      return earlyExit.call(this, occurrence, prodType, ...rest);
    } catch (e) {
      if (e instanceof EarlyExitException) messages.set(key, e.message);
      throw e;
    }
  };
}
