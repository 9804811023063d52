import type { Span } from '../common/errors.js';
import type { CollectionType, DecimalType } from '../common/types.js';

/** A name as written. `name` is lower-cased unless the identifier was double-quoted. */
export interface Ident {
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

export type TypeName = 'BOOLEAN' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'VARCHAR' | 'TIMESTAMP' | DecimalType | CollectionType;

export type Statement =
  | CreateStreamStmt
  | CreateStreamAsStmt
  | DropStreamStmt
  | CreateViewStmt
  | DropViewStmt
  | CreateFunctionStmt
  | DropFunctionStmt
  | QueryStmt
  | InsertSelectStmt
  | InsertValuesStmt
  | SetStmt
  | ResetStmt
  | ShowCreateStmt
  | ExplainStmt
  | ShowStmt
  | DescribeStmt
  | TerminateStmt;

export interface ColumnDef {
  readonly name: Ident;
  readonly type: TypeName;
  /** The type as written (e.g. "TIMESTAMP(3)", "STRING"), for messages. */
  readonly typeText: string;
  readonly span: Span;
}

/**
 * A computed column, `name AS expr` (Flink's): evaluated over the physical columns of each row as the
 * source reads it, so a WATERMARK may be declared on it. `position` is its place among all columns.
 */
export interface ComputedColumnDef {
  readonly name: Ident;
  readonly expr: Expr;
  readonly position: number;
  readonly span: Span;
}

export interface WatermarkDef {
  readonly column: Ident;
  readonly expr: Expr;
  readonly span: Span;
}

/** `PRIMARY KEY (a, b) NOT ENFORCED`: the key columns (as in Flink, Eddy does not check uniqueness). */
export interface PrimaryKeyDef {
  readonly columns: readonly Ident[];
  readonly span: Span;
}

/** One `key = 'value'` of a WITH list; keys may be written quoted or bare (dotted/dashed bare keys allowed). */
export interface OptionDef {
  readonly key: string;
  readonly value: string;
  readonly span: Span;
}

/** One `INCLUDING OPTIONS`-style item of CREATE TABLE ... LIKE. */
export interface LikeOption {
  readonly mode: 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING';
  readonly what: 'ALL' | 'CONSTRAINTS' | 'GENERATED' | 'OPTIONS' | 'WATERMARKS';
  readonly span: Span;
}

/** `LIKE source (...)`: the table starts from the source's columns, computed columns, watermark, key and options. */
export interface LikeClause {
  readonly source: Ident;
  readonly options: readonly LikeOption[];
  readonly span: Span;
}

export interface CreateStreamStmt {
  readonly kind: 'createStream';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  /** The physical columns; a ROW column is flattened into one `row.field` column per (nested) field. */
  readonly columns: readonly ColumnDef[];
  readonly computed?: readonly ComputedColumnDef[];
  readonly watermark?: WatermarkDef;
  readonly primaryKey?: PrimaryKeyDef;
  /** PARTITIONED BY (a, b): the filesystem sink's partition columns (Flink's), in path order. */
  readonly partitionedBy?: readonly Ident[];
  readonly options: readonly OptionDef[];
  readonly like?: LikeClause;
  readonly span: Span;
}

export interface CreateStreamAsStmt {
  readonly kind: 'createStreamAs';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  readonly options: readonly OptionDef[];
  readonly query: Query;
  readonly span: Span;
}

export interface DropStreamStmt {
  readonly kind: 'dropStream';
  readonly name: Ident;
  readonly ifExists: boolean;
  readonly span: Span;
}

export interface CreateViewStmt {
  readonly kind: 'createView';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  /** CREATE TEMPORARY VIEW: lives in this session only (not saved in the state database). */
  readonly temporary: boolean;
  /** CREATE MATERIALIZED VIEW: a persistent query maintaining its result (src/runtime/materialized-views.ts). */
  readonly materialized?: true;
  /** CREATE VIEW v (a, b) AS ...: names for the query's columns. */
  readonly columns?: readonly Ident[];
  readonly query: Query;
  readonly span: Span;
}

export interface DropViewStmt {
  readonly kind: 'dropView';
  readonly name: Ident;
  readonly ifExists: boolean;
  /** DROP MATERIALIZED VIEW. */
  readonly materialized?: true;
  readonly span: Span;
}

/** `CREATE [TEMPORARY [SYSTEM]] FUNCTION name AS 'identifier' [LANGUAGE lang]` (Flink's syntax). */
export interface CreateFunctionStmt {
  readonly kind: 'createFunction';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  /** TEMPORARY (or TEMPORARY SYSTEM): not saved in the state database's catalog. */
  readonly temporary: boolean;
  /** The string after AS: a Java class name, or for JAVASCRIPT 'module-path#export'. */
  readonly target: string;
  readonly targetSpan: Span;
  /** Upper-cased; absent: Flink's default, JAVA. */
  readonly language?: { readonly name: string; readonly span: Span };
  readonly span: Span;
}

export interface DropFunctionStmt {
  readonly kind: 'dropFunction';
  readonly name: Ident;
  readonly ifExists: boolean;
  readonly span: Span;
}

export interface QueryStmt {
  readonly kind: 'query';
  readonly query: Query;
  readonly span: Span;
}

export interface InsertSelectStmt {
  readonly kind: 'insertSelect';
  readonly target: Ident;
  /** INSERT OVERWRITE: the sink is emptied when the query starts fresh (INSERT INTO appends). */
  readonly overwrite?: boolean;
  readonly query: Query;
  readonly span: Span;
}

export interface InsertValuesStmt {
  readonly kind: 'insertValues';
  readonly target: Ident;
  readonly overwrite?: boolean;
  /** Optional explicit column list: INSERT INTO s (a, b) VALUES ... */
  readonly columns?: readonly Ident[];
  readonly rows: readonly (readonly Expr[])[];
  readonly span: Span;
}

/** `RESET` (every setting back to its default) or `RESET 'key'`. */
export interface ResetStmt {
  readonly kind: 'reset';
  readonly key?: string;
  readonly span: Span;
}

/** `SHOW CREATE TABLE | STREAM | VIEW | MATERIALIZED VIEW name`. */
export interface ShowCreateStmt {
  readonly kind: 'showCreate';
  readonly what: 'table' | 'view' | 'materialized view';
  readonly name: Ident;
  readonly span: Span;
}

export interface SetStmt {
  readonly kind: 'set';
  /** Absent for a bare `SET;` which lists the current settings. */
  readonly key?: string;
  readonly value?: string;
  readonly span: Span;
}

export interface ExplainStmt {
  readonly kind: 'explain';
  readonly statement: QueryStmt | InsertSelectStmt | CreateStreamAsStmt;
  readonly span: Span;
}

export interface ShowStmt {
  readonly kind: 'show';
  readonly what: 'streams' | 'views' | 'queries' | 'checkpoints' | 'functions';
  /** SHOW MATERIALIZED VIEWS (what is 'views'). */
  readonly materialized?: true;
  /** SHOW USER FUNCTIONS (what is 'functions'): without the built-in ones. */
  readonly user?: true;
  readonly span: Span;
}

export interface DescribeStmt {
  readonly kind: 'describe';
  readonly name: Ident;
  /** DESCRIBE QUERY id (ksqlDB's DESCRIBE ... EXTENDED for a query): `name` is the query id. */
  readonly query?: true;
  readonly span: Span;
}

export interface TerminateStmt {
  readonly kind: 'terminate';
  /** Query id as shown by SHOW QUERIES (an identifier or a quoted string). */
  readonly queryId: string;
  readonly span: Span;
}

/** A query: one SELECT, several combined with UNION ALL, or a set operation of two queries. */
export type Query = SelectQuery | UnionQuery | SetOpQuery;

/**
 * `q1 UNION ALL q2 [UNION ALL ...]`, nested and parenthesised UNION ALLs flattened into one list of
 * branches in source order (UNION ALL is associative). A branch that is itself another set
 * operation is wrapped as `SELECT * FROM (...)`.
 */
export interface UnionQuery {
  readonly kind: 'union';
  readonly branches: readonly SelectQuery[];
  readonly span: Span;
}

/** The set operations other than UNION ALL. */
export type SetOpKind = 'union' | 'intersect' | 'except';

/**
 * `left UNION [DISTINCT] right`, `left INTERSECT [ALL | DISTINCT] right`, `left EXCEPT [ALL |
 * DISTINCT] right` (src/planner/bind-set-op.ts). Chains fold left to right, INTERSECT first.
 */
export interface SetOpQuery {
  readonly kind: 'setOp';
  readonly op: SetOpKind;
  /** ALL keeps duplicates (multiset semantics); never true for 'union' (that is a UnionQuery). */
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  /** The operator's words (`EXCEPT ALL`), for errors. */
  readonly opSpan: Span;
  readonly span: Span;
}

export interface SelectQuery {
  readonly kind: 'select';
  readonly items: readonly SelectItem[];
  readonly from: FromItem;
  readonly where?: Expr;
  /** Every grouping expression once (the union of the grouping sets, in the order first written). */
  readonly groupBy: readonly Expr[];
  /**
   * GROUP BY with GROUPING SETS / ROLLUP / CUBE / `()`: the grouping sets they expand to, in
   * Calcite's order (items of the GROUP BY list crossed, left first). Absent for a plain GROUP BY.
   */
  readonly groupingSets?: readonly GroupingSet[];
  readonly having?: Expr;
  readonly limit?: number;
  /** ORDER BY: only a point-in-time query (a SELECT over a materialized view) takes it; a continuous one is refused. */
  readonly orderBy?: readonly { readonly expr: Expr; readonly descending: boolean; readonly span: Span }[];
  readonly span: Span;
}

/** One grouping set: its expressions (none for `()`), and the span of the item that wrote it. */
export interface GroupingSet {
  readonly exprs: readonly Expr[];
  readonly span: Span;
}

export type SelectItem =
  | { readonly kind: 'star'; readonly qualifier?: Ident; readonly span: Span }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias?: Ident; readonly span: Span };

export type WindowFn = 'TUMBLE' | 'HOP' | 'CUMULATE' | 'SESSION';

export type JoinType = 'inner' | 'left' | 'right' | 'full';

export type FromItem =
  /** `asOf`: `name FOR SYSTEM_TIME AS OF expr`, the versioned side of a temporal join. */
  | { readonly kind: 'stream'; readonly name: Ident; readonly alias?: Ident; readonly asOf?: Expr; readonly span: Span }
  /** `left [INNER|LEFT|RIGHT|FULL] JOIN right ON on`; a comma join (`FROM a, b`) is an inner join without `on`. */
  | { readonly kind: 'join'; readonly joinType: JoinType; readonly left: FromItem; readonly right: FromItem; readonly on?: Expr; readonly span: Span }
  /**
   * `UNNEST(collection) [WITH ORDINALITY] [AS] alias [(col, ...)]`: one row per element of an
   * ARRAY (its fields, for an ARRAY of ROW), per entry of a MAP (key, value), joined to the row
   * of the left side that holds the collection (a lateral join, src/planner/bind-unnest.ts).
   */
  | { readonly kind: 'unnest'; readonly expr: Expr; readonly ordinality: boolean; readonly alias?: Ident; readonly columns?: readonly Ident[]; readonly span: Span }
  /** A derived table: FROM (SELECT ... UNION ALL SELECT ...) [AS] alias [(column, ...)]. */
  | { readonly kind: 'subquery'; readonly query: Query; readonly alias?: Ident; readonly columns?: readonly Ident[]; readonly span: Span }
  /**
   * FROM (VALUES (1, 'a'), (2, 'b')) [AS] t [(id, name)]: a bounded table of these rows
   * (src/planner/bind-values.ts). A SELECT without FROM reads VALUES of one empty row (`rows: [[]]`).
   */
  | { readonly kind: 'values'; readonly rows: readonly (readonly Expr[])[]; readonly alias?: Ident; readonly columns?: readonly Ident[]; readonly span: Span }
  | {
      /** FROM TABLE(TUMBLE(TABLE s [PARTITION BY k, ...], DESCRIPTOR(ts), <interval args>)) */
      readonly kind: 'windowTvf';
      readonly fn: WindowFn;
      readonly table: Ident;
      readonly partitionBy: readonly Expr[];
      readonly timeCol: Ident;
      /** The interval arguments in order (size; slide,size; step,size; gap), plus an optional offset. */
      readonly args: readonly Expr[];
      readonly alias?: Ident;
      readonly span: Span;
    };

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '||' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export type Expr =
  | { readonly kind: 'literal'; readonly value: number | string | boolean | bigint | null; readonly isInteger: boolean; readonly span: Span }
  /** INTERVAL '10' SECOND, INTERVAL '10 seconds': normalized to milliseconds. */
  | { readonly kind: 'interval'; readonly ms: number; readonly span: Span }
  | { readonly kind: 'column'; readonly qualifier?: Ident; readonly name: Ident; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'unary'; readonly op: 'NOT' | '-' | '+'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'isNull'; readonly operand: Expr; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'in'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly span: Span }
  /** `x [NOT] IN (SELECT ...)`: a semi join (an anti join when negated), WHERE conjuncts only (src/planner/bind-subquery.ts). */
  | { readonly kind: 'inQuery'; readonly operand: Expr; readonly query: Query; readonly negated: boolean; readonly span: Span }
  /** `EXISTS (SELECT ...)`: a semi join; `NOT EXISTS` is NOT over it (an anti join). */
  | { readonly kind: 'exists'; readonly query: Query; readonly span: Span }
  /** `(SELECT agg ...)` as a value: a scalar subquery, WHERE conjuncts only, bound as a join with its one-row result (src/planner/bind-scalar-subquery.ts). */
  | { readonly kind: 'scalarQuery'; readonly query: Query; readonly span: Span }
  | { readonly kind: 'like'; readonly operand: Expr; readonly pattern: Expr; readonly negated: boolean; readonly span: Span }
  | {
      readonly kind: 'case';
      readonly operand?: Expr;
      readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly else?: Expr;
      readonly span: Span;
    }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly type: TypeName; readonly span: Span }
  | {
      /** f(args), COUNT(*), COUNT(DISTINCT x), agg(x) FILTER (WHERE p). Name is upper-cased. */
      readonly kind: 'call';
      readonly name: string;
      readonly nameSpan: Span;
      readonly args: readonly Expr[];
      readonly star: boolean;
      readonly distinct: boolean;
      readonly filter?: Expr;
      /** `OVER (...)`: a ranking function or an OVER aggregate. */
      readonly over?: OverSpec;
      readonly span: Span;
    };

/** One `e [ASC | DESC]` of an OVER's ORDER BY. */
export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly span: Span;
}

/** `ROWS BETWEEN n PRECEDING AND CURRENT ROW` (n rows) or `RANGE BETWEEN INTERVAL ... PRECEDING AND CURRENT ROW` (ms); no bound: UNBOUNDED. */
export interface OverFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly preceding?: number;
  readonly span: Span;
}

/** The window of `f(...) OVER (PARTITION BY ... ORDER BY ... [frame])`. */
export interface OverSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame?: OverFrame;
  readonly span: Span;
}
