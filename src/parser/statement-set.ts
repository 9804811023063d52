import type { IToken } from 'chevrotain';
import { EddyError } from '../common/errors.js';
import type { Statement } from './ast.js';
import type { SourceText } from './source-text.js';
import type { TokenRun } from './syntax-errors.js';

/**
 * Flink's statement sets: `EXECUTE STATEMENT SET BEGIN INSERT ...; INSERT ...; END;` and the SQL
 * client's `BEGIN STATEMENT SET; INSERT ...; END;`. Flink submits the INSERTs as one job; Eddy runs
 * each as its own persistent query (same rows in each sink, each checkpointed and resumed on its
 * own), so a set is its INSERTs in order. Only INSERT statements may stand in a set, as in Flink.
 */
const words = (tokens: readonly IToken[], n: number): string =>
  tokens
    .slice(0, n)
    .map((t) => t.image.toUpperCase())
    .join(' ');

/** The number of leading tokens that open a statement set in `run` (0: none). */
export function statementSetOpening(run: TokenRun): number {
  if (words(run.tokens, 4) === 'EXECUTE STATEMENT SET BEGIN') return 4;
  if (run.tokens.length === 3 && words(run.tokens, 3) === 'BEGIN STATEMENT SET') return 3;
  return 0;
}

/** Whether `run` is the `END` that closes a statement set. */
export const closesStatementSet = (run: TokenRun): boolean => run.tokens.length === 1 && run.tokens[0]!.image.toUpperCase() === 'END';

/** Refuses what a statement set cannot hold. */
export function checkInStatementSet(stmt: Statement): void {
  if (stmt.kind === 'insertSelect' || stmt.kind === 'insertValues') return;
  throw new EddyError('SYNTAX', 'a statement set holds only INSERT statements (as in Flink)', stmt.span, 'write INSERT INTO ... SELECT ... statements between BEGIN and END, and END; to close the set');
}

/** The error for a set that the script leaves open. */
export function unclosedStatementSet(src: SourceText, opening: IToken): EddyError {
  return new EddyError('SYNTAX', 'statement set without END', src.tokenSpan(opening), 'close it with END; after its INSERT statements');
}
