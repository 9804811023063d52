import type { CstNode } from 'chevrotain';
import { EddyError } from '../common/errors.js';
import type { TypeName } from './ast.js';
import { nodeSpan, optToken, token, tokensOf } from './cst-access.js';
import type { SourceText } from './source-text.js';
import { closest as suggest } from '../common/errors.js';

/** Type words as Flink users write them. DECIMAL/NUMERIC map to DOUBLE (Eddy has no exact decimals). */
const TYPE_WORDS: ReadonlyMap<string, TypeName> = new Map<string, TypeName>([
  ['BOOLEAN', 'BOOLEAN'],
  ['BOOL', 'BOOLEAN'],
  ['TINYINT', 'INT'],
  ['SMALLINT', 'INT'],
  ['INT', 'INT'],
  ['INTEGER', 'INT'],
  ['BIGINT', 'BIGINT'],
  ['FLOAT', 'FLOAT'],
  ['REAL', 'FLOAT'],
  ['DOUBLE', 'DOUBLE'],
  ['DECIMAL', 'DOUBLE'],
  ['NUMERIC', 'DOUBLE'],
  ['VARCHAR', 'VARCHAR'],
  ['STRING', 'VARCHAR'],
  ['CHAR', 'VARCHAR'],
  ['TIMESTAMP', 'TIMESTAMP'],
  ['TIMESTAMP_LTZ', 'TIMESTAMP'],
]);

/** How many `(n, ...)` parameters each type word takes. */
const MAX_PARAMS: ReadonlyMap<string, number> = new Map([
  ['VARCHAR', 1],
  ['CHAR', 1],
  ['TIMESTAMP', 1],
  ['TIMESTAMP_LTZ', 1],
  ['DECIMAL', 2],
  ['NUMERIC', 2],
]);

const SUPPORTED = 'BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, VARCHAR (or STRING) and TIMESTAMP(3)';

/** Maps a dataType CST node to its TypeName and the text as written; unknown words are SYNTAX errors. */
export function buildDataType(src: SourceText, node: CstNode): { type: TypeName; typeText: string } {
  const word = token(node, 'typeName');
  const upper = word.image.toUpperCase();
  const type = TYPE_WORDS.get(upper);
  if (type === undefined) {
    const guess = suggest(upper, TYPE_WORDS.keys());
    throw new EddyError(
      'SYNTAX',
      `unknown type '${word.image}'`,
      src.tokenSpan(word),
      guess ? `did you mean ${guess}?` : `supported types are ${SUPPORTED}`,
    );
  }
  const precision = optToken(node, 'precision');
  if (precision && upper !== 'DOUBLE') {
    throw new EddyError('SYNTAX', `unexpected '${precision.image}' after ${upper}`, src.tokenSpan(precision), 'only DOUBLE PRECISION is a type');
  }
  const params = tokensOf(node, 'NumberLiteral');
  const max = MAX_PARAMS.get(upper) ?? 0;
  if (params.length > max) {
    const first = token(node, 'LParen');
    throw new EddyError(
      'SYNTAX',
      `type ${upper} takes ${max === 0 ? 'no' : `at most ${max}`} parameter${max === 1 ? '' : 's'}`,
      src.tokenSpan(first),
      `write ${upper} without '(...)'`,
    );
  }
  return { type, typeText: src.slice(nodeSpan(src, node)) };
}
