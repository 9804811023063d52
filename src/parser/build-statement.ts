import type { CstNode, IToken } from 'chevrotain';
import { EddyError, spanCover, type Span } from '../common/errors.js';
import type {
  ColumnDef,
  ComputedColumnDef,
  CreateStreamAsStmt,
  CreateStreamStmt,
  CreateViewStmt,
  FromItem,
  JoinType,
  Ident,
  LikeClause,
  LikeOption,
  OptionDef,
  PrimaryKeyDef,
  Query,
  SelectItem,
  SelectQuery,
  SetOpKind,
  ShowStmt,
  Statement,
  WatermarkDef,
} from './ast.js';
import { buildAdditive, buildExpr } from './build-expr.js';
import { buildGroupBy } from './build-group-by.js';
import { buildWindowTvf } from './build-window-tvf.js';
import { child, identOf, nodeSpan, nodesOf, optNode, optToken, stringValue, token, tokensOf } from './cst-access.js';
import { buildColumnType, type ColumnType } from './data-type.js';
import type { SourceText } from './source-text.js';
import { closest as suggest } from '../common/errors.js';

/** Builds a Statement from a `statement` CST node; checks the shapes the grammar leaves open (SHOW targets, EXPLAIN operands). */
export function buildStatement(src: SourceText, node: CstNode): Statement {
  const span = nodeSpan(src, node);
  const create = optNode(node, 'createStmt');
  if (create) return buildCreate(src, create);
  const select = optNode(node, 'queryExpr');
  if (select) return { kind: 'query', query: buildQuery(src, select), span };
  const insert = optNode(node, 'insertStmt');
  if (insert) return buildInsert(src, insert);
  const createView = optNode(node, 'createViewStmt');
  if (createView) return buildCreateView(src, createView);
  const createFunction = optNode(node, 'createFunctionStmt');
  if (createFunction) {
    const target = token(createFunction, 'target');
    const lang = optToken(createFunction, 'language');
    return {
      kind: 'createFunction',
      name: identOf(src, token(createFunction, 'name')),
      ifNotExists: optToken(createFunction, 'IF') !== undefined,
      temporary: optToken(createFunction, 'TEMPORARY') !== undefined,
      target: stringValue(target),
      targetSpan: src.tokenSpan(target),
      ...(lang ? { language: { name: lang.image.toUpperCase(), span: src.tokenSpan(lang) } } : {}),
      span,
    };
  }
  const dropFunction = optNode(node, 'dropFunctionStmt');
  if (dropFunction) return { kind: 'dropFunction', name: identOf(src, token(dropFunction, 'name')), ifExists: optToken(dropFunction, 'IF') !== undefined, span };
  const dropView = optNode(node, 'dropViewStmt');
  if (dropView) {
    const materialized = optToken(dropView, 'MATERIALIZED') !== undefined ? { materialized: true as const } : {};
    return { kind: 'dropView', name: identOf(src, token(dropView, 'name')), ifExists: optToken(dropView, 'IF') !== undefined, ...materialized, span };
  }
  const drop = optNode(node, 'dropStmt');
  if (drop) {
    return { kind: 'dropStream', name: identOf(src, token(drop, 'name')), ifExists: optToken(drop, 'IF') !== undefined, span };
  }
  const set = optNode(node, 'setStmt');
  if (set) return buildSet(src, set);
  const explain = optNode(node, 'explainStmt');
  if (explain) {
    const inner = buildStatement(src, child(explain, 'statement'));
    if (inner.kind === 'query' || inner.kind === 'insertSelect' || inner.kind === 'createStreamAs') {
      return { kind: 'explain', statement: inner, span };
    }
    throw new EddyError(
      'SYNTAX',
      'EXPLAIN needs a query',
      inner.span,
      'EXPLAIN works on SELECT, INSERT INTO ... SELECT and CREATE STREAM ... AS SELECT',
    );
  }
  const reset = optNode(node, 'resetStmt');
  if (reset) {
    const key = optNode(reset, 'settingKey');
    return { kind: 'reset', ...(key ? { key: settingKey(key) } : {}), span };
  }
  const showCreate = optNode(node, 'showCreateStmt');
  if (showCreate) {
    const kind = token(showCreate, 'kind').image.toUpperCase();
    return { kind: 'showCreate', what: kind === 'VIEW' ? 'view' : kind === 'MATERIALIZED' ? 'materialized view' : 'table', name: identOf(src, token(showCreate, 'name')), span };
  }
  const show = optNode(node, 'showStmt');
  if (show) {
    const second = optToken(show, 'what2');
    if (second === undefined) return { kind: 'show', what: showTarget(src, token(show, 'what')), span };
    const first = token(show, 'what');
    if (first.image.toUpperCase() === 'USER' && second.image.toUpperCase() === 'FUNCTIONS') return { kind: 'show', what: 'functions', user: true, span };
    if (first.image.toUpperCase() !== 'MATERIALIZED' || second.image.toUpperCase() !== 'VIEWS') {
      throw new EddyError('SYNTAX', `cannot SHOW '${first.image} ${second.image}'`, src.tokenSpan(second), 'use SHOW MATERIALIZED VIEWS, SHOW STREAMS, SHOW VIEWS, SHOW QUERIES or SHOW CHECKPOINTS');
    }
    return { kind: 'show', what: 'views', materialized: true, span };
  }
  const describe = optNode(node, 'describeStmt');
  if (describe) {
    const first = token(describe, 'name');
    const target = optToken(describe, 'target');
    if (target === undefined) return { kind: 'describe', name: identOf(src, first), span };
    if (first.image.toLowerCase() !== 'query') {
      throw new EddyError('SYNTAX', `unexpected '${target.image}' after DESCRIBE ${first.image}`, identOf(src, target).span, 'DESCRIBE name describes a stream; DESCRIBE QUERY id describes a running query');
    }
    return { kind: 'describe', name: identOf(src, target), query: true, span };
  }
  const terminate = child(node, 'terminateStmt');
  const id = token(terminate, 'id');
  const queryId = id.tokenType.name === 'StringLiteral' ? stringValue(id) : id.tokenType.name === 'NumberLiteral' ? id.image : identOf(src, id).name;
  return { kind: 'terminate', queryId, span };
}

const SHOW_TARGETS: ReadonlyMap<string, ShowStmt['what']> = new Map<string, ShowStmt['what']>([
  ['STREAMS', 'streams'],
  ['TABLES', 'streams'],
  ['VIEWS', 'views'],
  ['QUERIES', 'queries'],
  ['JOBS', 'queries'],
  ['CHECKPOINTS', 'checkpoints'],
  ['FUNCTIONS', 'functions'],
]);

function showTarget(src: SourceText, tok: IToken): ShowStmt['what'] {
  const what = SHOW_TARGETS.get(tok.image.toUpperCase());
  if (what) return what;
  const guess = suggest(tok.image, ['STREAMS', 'TABLES', 'VIEWS', 'QUERIES', 'CHECKPOINTS', 'FUNCTIONS']);
  throw new EddyError(
    'SYNTAX',
    `cannot SHOW '${tok.image}'`,
    src.tokenSpan(tok),
    guess ? `did you mean SHOW ${guess}?` : 'use SHOW STREAMS, SHOW VIEWS, SHOW QUERIES or SHOW CHECKPOINTS',
  );
}

function buildCreate(src: SourceText, node: CstNode): CreateStreamStmt | CreateStreamAsStmt {
  const span = nodeSpan(src, node);
  const name = identOf(src, token(node, 'name'));
  const ifNotExists = optToken(node, 'IF') !== undefined;
  const optionList = optNode(node, 'optionList');
  const options = optionList ? buildOptions(src, optionList) : [];
  const select = optNode(node, 'queryExpr');
  if (select) return { kind: 'createStreamAs', name, ifNotExists, options, query: buildQuery(src, select), span };

  const columns: ColumnDef[] = [];
  const computed: ComputedColumnDef[] = [];
  let watermark: WatermarkDef | undefined;
  let primaryKey: PrimaryKeyDef | undefined;
  for (const el of nodesOf(node, 'tableElement')) {
    const elSpan = nodeSpan(src, el);
    if (optToken(el, 'primary')) {
      if (primaryKey) throw new EddyError('SYNTAX', 'a stream can have only one PRIMARY KEY', elSpan, 'remove one of the PRIMARY KEY clauses');
      primaryKey = buildPrimaryKey(src, el, elSpan);
      continue;
    }
    const column = identOf(src, token(el, 'column'));
    if (optToken(el, 'WATERMARK') && optToken(el, 'FOR')) {
      if (watermark) {
        throw new EddyError('SYNTAX', 'a stream can have only one WATERMARK', elSpan, `remove one of the WATERMARK clauses`);
      }
      watermark = { column, expr: buildExpr(src, child(el, 'expr')), span: elSpan };
    } else {
      const dup = columns.find((c) => c.name.name === column.name) ?? computed.find((c) => c.name.name === column.name);
      if (dup) {
        throw new EddyError('SYNTAX', `duplicate column '${column.name}'`, column.span, `'${column.name}' is already declared on line ${dup.span.line}`);
      }
      const computedExpr = optNode(el, 'computed');
      if (computedExpr) {
        computed.push({ name: column, expr: buildExpr(src, computedExpr), position: columns.length + computed.length, span: elSpan });
        continue;
      }
      pushColumns(columns, column, buildColumnType(src, child(el, 'dataType')), elSpan);
    }
  }
  const likeNode = optNode(node, 'likeClause');
  const like = likeNode ? buildLike(src, likeNode) : undefined;
  const partitionedBy = tokensOf(node, 'partitionColumn').map((t) => identOf(src, t));
  for (const [i, c] of partitionedBy.entries()) {
    if (partitionedBy.findIndex((o) => o.name === c.name) !== i) throw new EddyError('SYNTAX', `column '${c.name}' is named twice in PARTITIONED BY`, c.span, 'name each partition column once');
  }
  const extra = {
    ...(computed.length > 0 ? { computed } : {}),
    ...(watermark ? { watermark } : {}),
    ...(primaryKey ? { primaryKey } : {}),
    ...(partitionedBy.length > 0 ? { partitionedBy } : {}),
    ...(like ? { like } : {}),
  };
  return { kind: 'createStream', name, ifNotExists, columns, ...extra, options, span };
}

const LIKE_MODES: readonly LikeOption['mode'][] = ['INCLUDING', 'EXCLUDING', 'OVERWRITING'];
const LIKE_WHATS: readonly LikeOption['what'][] = ['ALL', 'CONSTRAINTS', 'GENERATED', 'OPTIONS', 'WATERMARKS'];

function buildLike(src: SourceText, node: CstNode): LikeClause {
  const modes = tokensOf(node, 'mode');
  const whats = tokensOf(node, 'what');
  const options = modes.map((m, i): LikeOption => {
    const w = whats[i]!;
    const mode = m.image.toUpperCase() as LikeOption['mode'];
    const what = w.image.toUpperCase() as LikeOption['what'];
    if (!LIKE_MODES.includes(mode)) throw new EddyError('SYNTAX', `unexpected '${m.image}' in LIKE options`, src.tokenSpan(m), 'write INCLUDING, EXCLUDING or OVERWRITING');
    if (!LIKE_WHATS.includes(what)) {
      const hint = ['PARTITIONS', 'METADATA'].includes(what) ? `Eddy tables have no ${what.toLowerCase()}; leave the option out` : `write one of ${LIKE_WHATS.join(', ')}`;
      throw new EddyError(['PARTITIONS', 'METADATA'].includes(what) ? 'UNSUPPORTED' : 'SYNTAX', `unexpected '${w.image}' in LIKE options`, src.tokenSpan(w), hint);
    }
    if (mode === 'OVERWRITING' && (what === 'ALL' || what === 'CONSTRAINTS')) {
      throw new EddyError('SYNTAX', `OVERWRITING ${what} is not a LIKE option`, src.tokensSpan(m, w), 'OVERWRITING applies to GENERATED, OPTIONS and WATERMARKS (as in Flink)');
    }
    return { mode, what, span: src.tokensSpan(m, w) };
  });
  return { source: identOf(src, token(node, 'source')), options, span: nodeSpan(src, node) };
}

/**
 * Adds a declared column; a ROW column becomes one column per field, named `row.field` (nested rows
 * `a.b.c`), so `row.field` in a query reads it as Flink's field access does. Why flattened: rows stay
 * flat arrays of scalars for every operator, codec and checkpoint; the price is that a whole ROW
 * value cannot be selected as one column.
 */
function pushColumns(out: ColumnDef[], name: Ident, type: ColumnType, span: Span): void {
  if (type.kind === 'scalar') {
    out.push({ name, type: type.type, typeText: type.typeText, span });
    return;
  }
  for (const f of type.fields) pushColumns(out, { ...f.name, name: `${name.name}.${f.name.name}` }, f.type, span);
}

function buildCreateView(src: SourceText, node: CstNode): CreateViewStmt {
  const span = nodeSpan(src, node);
  const columnTokens = tokensOf(node, 'column');
  const columns = columnTokens.map((t) => identOf(src, t));
  for (const [i, c] of columns.entries()) {
    const first = columns.findIndex((d) => d.name === c.name);
    if (first < i) throw new EddyError('SYNTAX', `duplicate column '${c.name}'`, c.span, `'${c.name}' is already named at column ${columns[first]!.span.column}`);
  }
  return {
    kind: 'createView',
    name: identOf(src, token(node, 'name')),
    ifNotExists: optToken(node, 'IF') !== undefined,
    temporary: optToken(node, 'TEMPORARY') !== undefined,
    ...(optToken(node, 'MATERIALIZED') !== undefined ? { materialized: true as const } : {}),
    ...(columnTokens.length > 0 ? { columns } : {}),
    query: buildQuery(src, child(node, 'queryExpr')),
    span,
  };
}

/** `PRIMARY KEY (a, b) NOT ENFORCED`; as in Flink, the key is declared, not enforced, and NOT ENFORCED must say so. */
function buildPrimaryKey(src: SourceText, el: CstNode, span: Span): PrimaryKeyDef {
  const enforced = optToken(el, 'enforced');
  if (!enforced || enforced.image.toUpperCase() !== 'ENFORCED') {
    const at = enforced ? src.tokenSpan(enforced) : span;
    throw new EddyError('SYNTAX', 'a PRIMARY KEY must be declared NOT ENFORCED', at, 'write PRIMARY KEY (...) NOT ENFORCED: Eddy, like Flink, does not check that keys are unique');
  }
  const columns = tokensOf(el, 'keyColumn').map((t) => identOf(src, t));
  for (const [i, c] of columns.entries()) {
    if (columns.findIndex((o) => o.name === c.name) !== i) throw new EddyError('SYNTAX', `column '${c.name}' is named twice in the PRIMARY KEY`, c.span, 'name each key column once');
  }
  return { columns, span };
}

function buildOptions(src: SourceText, node: CstNode): OptionDef[] {
  const seen = new Map<string, OptionDef>();
  const options: OptionDef[] = [];
  for (const entry of nodesOf(node, 'optionEntry')) {
    const key = settingKey(child(entry, 'settingKey'));
    const str = optToken(entry, 'StringLiteral');
    const value = str ? stringValue(str) : (optToken(entry, 'NumberLiteral')?.image ?? (optToken(entry, 'TRUE') ? 'true' : 'false'));
    const option: OptionDef = { key, value, span: nodeSpan(src, entry) };
    if (seen.has(key)) throw new EddyError('SYNTAX', `option '${key}' is given twice`, option.span, 'remove one of them');
    seen.set(key, option);
    options.push(option);
  }
  return options;
}

/** Option and setting keys: 'quoted' or bare (`fields.price.min`), always lower-cased. */
function settingKey(node: CstNode): string {
  const str = optToken(node, 'StringLiteral');
  if (str) return stringValue(str).toLowerCase();
  return tokensOf(node, 'part')
    .map((t) => t.image)
    .join('')
    .toLowerCase();
}

function buildSet(src: SourceText, node: CstNode): Statement {
  const span = nodeSpan(src, node);
  const keyNode = optNode(node, 'settingKey');
  if (!keyNode) return { kind: 'set', span };
  const str = optToken(node, 'StringLiteral');
  const bare = tokensOf(node, 'bare');
  const value = str ? stringValue(str) : src.text.slice(bare[0]!.startOffset, bare[bare.length - 1]!.endOffset! + 1);
  return { kind: 'set', key: settingKey(keyNode), value, span };
}

function buildInsert(src: SourceText, node: CstNode): Statement {
  const span = nodeSpan(src, node);
  const target = identOf(src, token(node, 'target'));
  const select = optNode(node, 'queryExpr');
  const overwrite = tokensOf(node, 'overwrite').length > 0 ? { overwrite: true } : {};
  if (select) return { kind: 'insertSelect', target, ...overwrite, query: buildQuery(src, select), span };
  const columnToks = tokensOf(node, 'column');
  const rows = nodesOf(node, 'valuesRow').map((r) => nodesOf(r, 'expr').map((e) => buildExpr(src, e)));
  return { kind: 'insertValues', target, ...overwrite, ...(columnToks.length > 0 ? { columns: columnToks.map((t) => identOf(src, t)) } : {}), rows, span };
}

/**
 * Builds a Query from a queryExpr node: one SELECT, or set operations folded left to right
 * (INTERSECT chains first, as the grammar nests them). UNION ALL chains are flattened into one
 * UnionQuery; UNION [DISTINCT], INTERSECT and EXCEPT become SetOpQuery nodes.
 */
export function buildQuery(src: SourceText, node: CstNode): Query {
  return foldSetOps(src, node, nodesOf(node, 'intersectExpr').map((t) => buildIntersect(src, t)));
}

function buildIntersect(src: SourceText, node: CstNode): Query {
  return foldSetOps(src, node, nodesOf(node, 'queryTerm').map((t) => buildTerm(src, t)));
}

/** Combines the operands of one chain with its set-operator tokens (`setOp`, each optionally followed by ALL / DISTINCT). */
function foldSetOps(src: SourceText, node: CstNode, operands: readonly Query[]): Query {
  const ops = tokensOf(node, 'setOp');
  const qualifiers = [...tokensOf(node, 'all'), ...tokensOf(node, 'distinct')];
  let acc = operands[0]!;
  ops.forEach((opTok, i) => {
    // ALL or DISTINCT, when written, comes right after its operator (before the next one).
    const next = ops[i + 1]?.startOffset ?? Infinity;
    const q = qualifiers.find((t) => t.startOffset > opTok.startOffset && t.startOffset < next);
    const all = q?.tokenType.name === 'ALL';
    const op = opTok.tokenType.name.toLowerCase() as SetOpKind;
    const right = operands[i + 1]!;
    const span = spanCover(acc.span, right.span);
    if (op === 'union' && all) {
      acc = { kind: 'union', branches: [...unionBranches(acc), ...unionBranches(right)], span };
      return;
    }
    const opSpan = q ? spanCover(src.tokenSpan(opTok), src.tokenSpan(q)) : src.tokenSpan(opTok);
    acc = { kind: 'setOp', op, all, left: acc, right, opSpan, span };
  });
  return acc;
}

/** The branches a query contributes to a UNION ALL: its own when it is one, else itself (a set operation as `SELECT * FROM (...)`). */
function unionBranches(q: Query): readonly SelectQuery[] {
  if (q.kind === 'union') return q.branches;
  if (q.kind === 'select') return [q];
  return [{ kind: 'select', items: [{ kind: 'star', span: q.span }], from: { kind: 'subquery', query: q, span: q.span }, groupBy: [], span: q.span }];
}

function buildTerm(src: SourceText, node: CstNode): Query {
  const select = optNode(node, 'selectStmt');
  return select ? buildSelect(src, select) : buildQuery(src, child(node, 'queryExpr'));
}

/** The FROM clause of a selectStmt node; without one, VALUES of one empty row (`SELECT 1 + 1`). */
function fromOrOneRow(src: SourceText, node: CstNode): FromItem {
  const from = optNode(node, 'fromClause');
  return from ? buildFromClause(src, from) : { kind: 'values', rows: [[]], span: nodeSpan(src, node) };
}

/** Builds a SelectQuery from a selectStmt node. */
export function buildSelect(src: SourceText, node: CstNode): SelectQuery {
  const items = nodesOf(node, 'selectItem').map((n) => buildSelectItem(src, n));
  const where = optNode(node, 'where');
  const having = optNode(node, 'having');
  const limitTok = optToken(node, 'limit');
  return {
    kind: 'select',
    items,
    from: fromOrOneRow(src, node),
    ...(where ? { where: buildExpr(src, where) } : {}),
    ...buildGroupBy(src, nodesOf(node, 'groupBy')),
    ...(having ? { having: buildExpr(src, having) } : {}),
    ...(limitTok ? { limit: limitValue(src, limitTok) } : {}),
    ...(nodesOf(node, 'orderItem').length > 0
      ? { orderBy: nodesOf(node, 'orderItem').map((n) => ({ expr: buildExpr(src, child(n, 'expr')), descending: optToken(n, 'DESC') !== undefined, span: nodeSpan(src, n) })) }
      : {}),
    span: nodeSpan(src, node),
  };
}

function limitValue(src: SourceText, tok: IToken): number {
  if (!/^\d+$/.test(tok.image)) {
    throw new EddyError('SYNTAX', `LIMIT must be a whole number, not ${tok.image}`, src.tokenSpan(tok), 'write LIMIT 10');
  }
  return Number(tok.image);
}

function buildSelectItem(src: SourceText, node: CstNode): SelectItem {
  const span = nodeSpan(src, node);
  const expr = optNode(node, 'expr');
  if (expr) {
    const alias = aliasOf(src, child(node, 'alias'));
    return { kind: 'expr', expr: buildExpr(src, expr), ...(alias ? { alias } : {}), span };
  }
  const qualifier = optToken(node, 'qualifier');
  return { kind: 'star', ...(qualifier ? { qualifier: identOf(src, qualifier) } : {}), span };
}

function aliasOf(src: SourceText, node: CstNode): Ident | undefined {
  const tok = optToken(node, 'Name');
  return tok ? identOf(src, tok) : undefined;
}

/** Builds a FROM clause: its items joined left-deep, in source order (a JOIN b JOIN c is (a JOIN b) JOIN c). */
function buildFromClause(src: SourceText, node: CstNode): FromItem {
  const items = nodesOf(node, 'fromItem').map((n) => buildFrom(src, n));
  const commas = tokensOf(node, 'joinStep');
  const steps = [...commas.map((t) => ({ at: t.startOffset, step: null as CstNode | null })), ...nodesOf(node, 'joinStep').map((n) => ({ at: nodeSpan(src, n).start, step: n }))];
  steps.sort((a, b) => a.at - b.at);
  let from = items[0]!;
  let nextComma = 1;
  for (const { step } of steps) {
    const right = step ? buildFrom(src, child(step, 'fromItem')) : items[nextComma++]!;
    const type = step ? optToken(step, 'joinType')?.image.toLowerCase() : undefined;
    const onNode = step ? optNode(step, 'on') : undefined;
    const on = onNode ? buildExpr(src, onNode) : undefined;
    if (step && !onNode && !optToken(step, 'cross')) {
      throw new EddyError('SYNTAX', 'JOIN needs an ON condition', nodeSpan(src, step), 'write ... JOIN b ON a.k = b.k, or CROSS JOIN b');
    }
    from = {
      kind: 'join',
      joinType: (type ?? 'inner') as JoinType,
      left: from,
      right,
      ...(on ? { on } : {}),
      span: spanCover(from.span, on?.span ?? right.span),
    };
  }
  return from;
}

function buildFrom(src: SourceText, node: CstNode): FromItem {
  const span = nodeSpan(src, node);
  const alias = aliasOf(src, child(node, 'alias'));
  const columnAliases = tokensOf(node, 'columnAlias').map((t) => identOf(src, t));
  const unnest = optNode(node, 'unnestOf');
  if (unnest) {
    const ord = optToken(node, 'ordinality');
    return {
      kind: 'unnest',
      expr: buildExpr(src, unnest),
      ordinality: ord !== undefined,
      ...(alias ? { alias } : {}),
      ...(columnAliases.length > 0 ? { columns: columnAliases } : {}),
      span,
    };
  }
  const stream = optToken(node, 'stream');
  if (stream) {
    if (columnAliases.length > 0) {
      throw new EddyError('UNSUPPORTED', 'column aliases after a table name are not supported (only after UNNEST, a derived table or VALUES)', columnAliases[0]!.span, 'rename columns in the SELECT list: SELECT a AS x ...');
    }
    const systemTime = optToken(node, 'systemTime');
    const of = optToken(node, 'of');
    if (systemTime && (systemTime.image.toUpperCase() !== 'SYSTEM_TIME' || of?.image.toUpperCase() !== 'OF')) {
      throw new EddyError('SYNTAX', 'expected FOR SYSTEM_TIME AS OF', src.tokenSpan(systemTime), "write FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON ...");
    }
    const asOf = optNode(node, 'asOf');
    return { kind: 'stream', name: identOf(src, stream), ...(alias ? { alias } : {}), ...(asOf ? { asOf: buildAdditive(src, asOf) } : {}), span };
  }
  const columnToks = tokensOf(node, 'columnAlias');
  const columns = columnToks.length > 0 ? { columns: columnToks.map((t) => identOf(src, t)) } : {};
  const sub = optNode(node, 'subquery');
  if (sub) return { kind: 'subquery', query: buildQuery(src, sub), ...(alias ? { alias } : {}), ...columns, span };
  if (optToken(node, 'values')) {
    const rows = nodesOf(node, 'valuesRow').map((r) => nodesOf(r, 'expr').map((e) => buildExpr(src, e)));
    return { kind: 'values', rows, ...(alias ? { alias } : {}), ...columns, span };
  }
  if (columnToks.length > 0) {
    throw new EddyError('UNSUPPORTED', 'column aliases are supported after UNNEST, a derived table or VALUES only', src.tokenSpan(columnToks[0]!), 'rename the columns in the SELECT list with AS');
  }
  return buildWindowTvf(src, child(node, 'windowTvf'), span, alias);
}
