import type { ILookaheadStrategy } from 'chevrotain';
import { LLkLookaheadStrategy } from './chevrotain-runtime.js';

type AlternationOptions = Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0];
type OptionalOptions = Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0];
type AlternationLookahead = ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>;
type OptionalLookahead = ReturnType<ILookaheadStrategy['buildLookaheadForOptional']>;

/**
 * Chevrotain's LL(k) lookahead, each production's function built the first time the parser reaches
 * that production instead of all of them in performSelfAnalysis: precomputing the ~600 functions of
 * this grammar took 150-400 ms of every start, while a script visits a small part of the grammar.
 * The functions are the ones LLkLookaheadStrategy builds (same paths, same choices); validation
 * (the grammar test) is LLkLookaheadStrategy's own.
 */
export class LazyLookaheadStrategy implements ILookaheadStrategy {
  private readonly llk: ILookaheadStrategy;

  constructor(maxLookahead: number) {
    this.llk = new LLkLookaheadStrategy({ maxLookahead });
  }

  validate(options: Parameters<ILookaheadStrategy['validate']>[0]): ReturnType<ILookaheadStrategy['validate']> {
    return this.llk.validate(options);
  }

  buildLookaheadForAlternation(options: AlternationOptions): AlternationLookahead {
    const llk = this.llk;
    let built: AlternationLookahead | undefined;
    // Chevrotain calls lookahead functions with the parser as `this` (they read its tokens).
    return function (this: unknown, alts) {
      built ??= llk.buildLookaheadForAlternation(options);
      return built.call(this, alts);
    };
  }

  buildLookaheadForOptional(options: OptionalOptions): OptionalLookahead {
    const llk = this.llk;
    let built: OptionalLookahead | undefined;
    return function (this: unknown) {
      built ??= llk.buildLookaheadForOptional(options);
      return built.call(this);
    };
  }
}
