import type { CstNode, IToken } from 'chevrotain';
import { EddyError } from '../common/errors.js';
import type { Ident, TypeName } from './ast.js';
import { identOf, nodeSpan, nodesOf, optToken, token, tokensOf } from './cst-access.js';
import type { SourceText } from './source-text.js';
import type { SqlType } from '../common/types.js';
import { arrayOf, isCollection, mapOf, rowOf, type RowFieldType } from '../common/collection-types.js';
import { closest as suggest } from '../common/errors.js';
import { decimalType, isDecimal } from '../common/types.js';
import { MAX_DECIMAL_PRECISION } from '../common/exact.js';

/** Type words as Flink users write them. DECIMAL/NUMERIC/DEC are exact: DECIMAL(p, s), see decimalOf. */
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
  ['DECIMAL', decimalType(10, 0)],
  ['DEC', decimalType(10, 0)],
  ['NUMERIC', decimalType(10, 0)],
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
  ['DEC', 2],
]);

const SUPPORTED = 'BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p, s), VARCHAR (or STRING) and TIMESTAMP(3)';

/** A column's declared type: a scalar, or Flink's `ROW<name type, ...>` (whose fields may be rows again). */
export type ColumnType =
  | { readonly kind: 'scalar'; readonly type: TypeName; readonly typeText: string }
  | { readonly kind: 'row'; readonly fields: readonly { readonly name: Ident; readonly type: ColumnType }[]; readonly typeText: string };

/** The type of a column declaration: a ROW's fields are kept (build-statement.ts flattens them into `row.field` columns). */
export function buildColumnType(src: SourceText, node: CstNode): ColumnType {
  const word = token(node, 'typeName');
  const fields = nodesOf(node, 'rowField');
  if (word.image.toUpperCase() !== 'ROW' || tokensOf(node, 'arraySuffix').length > 0) return { kind: 'scalar', ...buildDataType(src, node) };
  if (fields.length === 0) {
    throw new EddyError('SYNTAX', 'ROW needs its fields', src.tokenSpan(word), 'write ROW<name type, ...>, as ROW<id BIGINT, name STRING>');
  }
  const out: { name: Ident; type: ColumnType }[] = [];
  for (const f of fields) {
    const name = identOf(src, token(f, 'field'));
    if (out.some((o) => o.name.name === name.name)) {
      throw new EddyError('SYNTAX', `field '${name.name}' is declared twice in ROW`, name.span, 'give each field a distinct name');
    }
    out.push({ name, type: buildColumnType(src, nodesOf(f, 'dataType')[0]!) });
  }
  return { kind: 'row', fields: out, typeText: src.slice(nodeSpan(src, node)) };
}

/** Maps a dataType CST node to its TypeName and the text as written; unknown words are SYNTAX errors. */
export function buildDataType(src: SourceText, node: CstNode): { type: TypeName; typeText: string } {
  const word = token(node, 'typeName');
  const upper = word.image.toUpperCase();
  if (isCollectionSyntax(node)) return { type: buildValueType(src, node) as TypeName, typeText: src.slice(nodeSpan(src, node)) };
  if (upper === 'ROW' || nodesOf(node, 'rowField').length > 0) {
    const at = upper === 'ROW' ? src.tokenSpan(word) : nodeSpan(src, node);
    throw new EddyError(
      upper === 'ROW' ? 'UNSUPPORTED' : 'SYNTAX',
      upper === 'ROW' ? 'ROW types are supported only as column types of CREATE TABLE' : `type ${upper} takes no fields`,
      at,
      upper === 'ROW' ? 'declare the column as ROW<...> in CREATE TABLE and read its fields as col.field' : `write ${upper} without '<...>'`,
    );
  }
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
  if (isDecimal(type)) return { type: decimalOf(src, upper, params), typeText: src.slice(nodeSpan(src, node)) };
  return { type, typeText: src.slice(nodeSpan(src, node)) };
}

const isCollectionSyntax = (node: CstNode): boolean =>
  tokensOf(node, 'arraySuffix').length > 0 || /^(ARRAY|MAP|MULTISET)$/.test(token(node, 'typeName').image.toUpperCase());

/**
 * The type of a value that may be nested in a collection: ARRAY<T>, MAP<K, V>, `T ARRAY` (Flink's
 * postfix form), a ROW (as a value type: an element of a collection) or a scalar, as its
 * canonical spelling (see CollectionType).
 */
function buildValueType(src: SourceText, node: CstNode): SqlType {
  const word = token(node, 'typeName');
  const upper = word.image.toUpperCase();
  const suffixes = tokensOf(node, 'arraySuffix');
  for (const s of suffixes) {
    if (s.image.toUpperCase() !== 'ARRAY') throw new EddyError('SYNTAX', `unexpected '${s.image}'`, src.tokenSpan(s), 'write T ARRAY or ARRAY<T>');
  }
  const elements = nodesOf(node, 'elementType');
  let type: SqlType;
  if (upper === 'MULTISET') {
    throw new EddyError('UNSUPPORTED', 'MULTISET types are not supported', src.tokenSpan(word), 'use ARRAY<T> or MAP<T, INT> (element counts)');
  } else if (upper === 'ARRAY' || upper === 'MAP') {
    const want = upper === 'ARRAY' ? 1 : 2;
    if (elements.length !== want) {
      throw new EddyError(
        'SYNTAX',
        `${upper} takes ${want === 1 ? 'one element type' : 'a key and a value type'}`,
        nodeSpan(src, node),
        upper === 'ARRAY' ? 'write ARRAY<INT> or INT ARRAY' : 'write MAP<STRING, INT>',
      );
    }
    const [a, b] = elements.map((e) => buildValueType(src, e));
    if (upper === 'MAP' && isCollection(a!)) {
      throw new EddyError('UNSUPPORTED', `MAP keys must be scalars, got ${a}`, nodeSpan(src, elements[0]!), 'key the map by a scalar type, e.g. MAP<STRING, ...>');
    }
    type = upper === 'ARRAY' ? arrayOf(a!) : mapOf(a!, b!);
  } else if (upper === 'ROW') {
    const fields = nodesOf(node, 'rowField');
    if (fields.length === 0) throw new EddyError('SYNTAX', 'ROW needs its fields', src.tokenSpan(word), 'write ROW<name type, ...>, as ROW<id BIGINT, name STRING>');
    const out: RowFieldType[] = [];
    for (const f of fields) {
      const name = identOf(src, token(f, 'field'));
      if (out.some((o) => o.name === name.name)) throw new EddyError('SYNTAX', `field '${name.name}' is declared twice in ROW`, name.span, 'give each field a distinct name');
      out.push({ name: name.name, type: buildValueType(src, nodesOf(f, 'dataType')[0]!) });
    }
    type = rowOf(out);
  } else {
    if (elements.length > 0) throw new EddyError('SYNTAX', `type ${upper} takes no element types`, nodeSpan(src, elements[0]!), `write ${upper} without '<...>'`);
    type = buildDataType(src, { ...node, children: { ...node.children, arraySuffix: [] } }).type;
  }
  for (let i = 0; i < suffixes.length; i++) type = arrayOf(type);
  return type;
}

/** DECIMAL(p, s) as Flink: DECIMAL is DECIMAL(10, 0), DECIMAL(p) is DECIMAL(p, 0); 1 ≤ p ≤ 38, 0 ≤ s ≤ p. */
function decimalOf(src: SourceText, word: string, params: readonly IToken[]): TypeName {
  const precision = params[0] ? Number(params[0].image) : 10;
  const scale = params[1] ? Number(params[1].image) : 0;
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION) {
    throw new EddyError('SYNTAX', `${word} precision must be between 1 and ${MAX_DECIMAL_PRECISION}, got ${params[0]!.image}`, src.tokenSpan(params[0]!), `write e.g. ${word}(${MAX_DECIMAL_PRECISION}, 2)`);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new EddyError('SYNTAX', `${word} scale must be between 0 and the precision ${precision}, got ${params[1]!.image}`, src.tokenSpan(params[1]!), `write e.g. ${word}(${precision}, ${Math.min(2, precision)})`);
  }
  return decimalType(precision, scale);
}
