import type { Span } from '../common/errors.js';
import { EddyError } from '../common/errors.js';
import type { Column, SqlType } from '../common/types.js';
import type { SelectQuery, UnionQuery } from '../parser/ast.js';
import { bindSelect } from './binder.js';
import type { BoundExpr } from './bound.js';
import type { Catalog } from './catalog.js';
import { isUpdatingLogical, OP_COLUMN } from './changelog.js';
import { exprToSql } from './expr-sql.js';
import { logicalInputs, type LogicalPlan, type WindowEmit } from './plan.js';
import { timeAttributes } from './time-attributes.js';
import { castAllowed, unifyTypes } from './type-rules.js';

/** One bound branch of a union. */
interface BoundBranch {
  readonly query: SelectQuery;
  readonly plan: LogicalPlan;
  /** 1-based position in the union. */
  readonly number: number;
  /** Whether its rows are an updating changelog (op first). */
  readonly updating: boolean;
}

/** A bound UNION ALL: its plan, and why a column of it cannot drive a window. */
export interface BoundUnion {
  readonly plan: LogicalPlan;
  readonly whyNot: (name: string) => string | undefined;
}

/** The branch's data columns (an updating branch's op column left out). */
const dataColumns = (b: BoundBranch): readonly Column[] => (b.updating ? b.plan.schema.columns.slice(1) : b.plan.schema.columns);

/** The expression of a branch's data column `i` as SQL, for a CAST hint. */
function columnSql(b: BoundBranch, i: number): string {
  const at = i + (b.updating ? 1 : 0);
  const p = b.plan;
  return p.kind === 'project' ? exprToSql(p.exprs[at]!, p.input.schema) : p.schema.columns[at]!.name;
}

/** The span of a branch's output column `i` (its SELECT item, or the whole branch when `*` makes positions unclear). */
function itemSpan(b: BoundBranch, i: number): Span {
  const items = b.query.items;
  return items.every((x) => x.kind === 'expr') && items[i] ? items[i]!.span : b.query.span;
}

/** The scan of each stream a plan reads, depth first. */
function scansOf(p: LogicalPlan): Extract<LogicalPlan, { kind: 'scan' }>[] {
  return p.kind === 'scan' ? [p] : logicalInputs(p).flatMap(scansOf);
}

/** Why a column of the union cannot drive a window: an input without a watermark, or no column that is every branch's time attribute. */
function unionWhyNot(branches: readonly BoundBranch[]): (name: string) => string | undefined {
  return () => {
    for (const b of branches) {
      const bare = scansOf(b.plan).find((s) => s.watermark === undefined);
      if (bare) return `stream '${bare.stream.name}' (branch ${b.number} of the UNION ALL) declares no WATERMARK; a window over a UNION ALL needs one on every input`;
    }
    const columns = branches.flatMap((b) => scansOf(b.plan).map((s) => `${s.stream.name}.${s.stream.watermark!.column}`)).join(', ');
    const union = timeAttributes({ kind: 'union', inputs: branches.map((b) => b.plan), schema: branches[0]!.plan.schema });
    if (union.rowtimes.length > 0) return undefined;
    return `a window over a UNION ALL needs a column that is every branch's own watermarked column (${columns}), selected unchanged at the same position`;
  };
}

/** `e` converted to `type` (a widening chosen by unifyTypes). */
function widen(e: BoundExpr, type: SqlType): BoundExpr {
  if (e.type === type) return e;
  if (e.kind === 'literal') return { ...e, type };
  return { kind: 'cast', operand: e, type };
}

/**
 * Binds `q1 UNION ALL q2 ...`: every branch is any SELECT (aggregating ones too). Every branch has
 * as many columns as the first; column types must be equal or widen (INT → BIGINT → DOUBLE, NULL
 * to anything), and narrower branches get a CAST. Output names come from the first branch. When a
 * branch is updating, so is the union: append-only branches become +I changes. `label` names the
 * operation in errors (a set operation binds its two sides as a union, src/planner/bind-set-op.ts).
 */
export function bindUnion(u: UnionQuery, catalog: Catalog, emit: WindowEmit | undefined, label = 'UNION ALL'): BoundUnion {
  const branches: BoundBranch[] = u.branches.map((q, i) => {
    const plan = bindSelect(q, catalog, emit);
    return { query: q, plan, number: i + 1, updating: isUpdatingLogical(plan) };
  });
  const first = branches[0]!;
  const names = dataColumns(first).map((c) => c.name);
  const width = names.length;
  for (const b of branches.slice(1)) {
    const cols = dataColumns(b);
    if (cols.length !== width) {
      throw new EddyError(
        'TYPE_MISMATCH',
        `each branch of ${/^[IE]/.test(label) ? 'an' : 'a'} ${label} must have the same number of columns: branch 1 has ${width} (${names.join(', ')}), branch ${b.number} has ${cols.length} (${cols.map((c) => c.name).join(', ')})`,
        b.query.span,
        `select ${width} column${width === 1 ? '' : 's'} in every branch, in the same order`,
      );
    }
  }
  const types: SqlType[] = [];
  for (let i = 0; i < width; i++) {
    let t = dataColumns(first)[i]!.type;
    for (const b of branches.slice(1)) {
      const c = dataColumns(b)[i]!;
      const next = unifyTypes(t, c.type);
      if (next === undefined || next === 'INTERVAL') {
        throw new EddyError(
          'TYPE_MISMATCH',
          `column ${i + 1} of the ${label} ('${names[i]}') is ${t} in ${b.number === 2 ? 'branch 1' : `branches 1 to ${b.number - 1}`} but ${c.type} in branch ${b.number}`,
          itemSpan(b, i),
          castAllowed(c.type, t) ? `CAST it in branch ${b.number}: CAST(${columnSql(b, i)} AS ${t})` : `select a ${t} value at position ${i + 1} in every branch`,
        );
      }
      t = next;
    }
    types.push(t);
  }
  const updating = branches.some((b) => b.updating);
  const columns: Column[] = [...(updating ? [OP_COLUMN] : []), ...names.map((name, i) => ({ name, type: types[i]! }))];
  const inputs = branches.map((b) => conform(b, types, updating));
  return { plan: { kind: 'union', inputs, schema: { columns } }, whyNot: unionWhyNot(branches) };
}

/** A branch's plan with its columns widened to `types` (and, in an updating union, an append-only branch's rows as +I changes). */
function conform(b: BoundBranch, types: readonly SqlType[], updating: boolean): LogicalPlan {
  const p = b.plan;
  const lead = b.updating ? 1 : 0;
  const addOp = updating && !b.updating;
  const cols = p.schema.columns;
  if (!addOp && dataColumns(b).every((c, i) => c.type === types[i])) return p;
  const op: BoundExpr[] = addOp ? [{ kind: 'literal', value: '+I', type: 'VARCHAR' }] : b.updating ? [{ kind: 'inputRef', index: 0, name: OP_COLUMN.name, type: OP_COLUMN.type }] : [];
  const outCols: Column[] = [...(updating ? [OP_COLUMN] : []), ...dataColumns(b).map((c, i) => ({ name: c.name, type: types[i]! }))];
  if (p.kind === 'project' && !addOp) {
    const exprs = p.exprs.map((e, i) => (i < lead ? e : widen(e, types[i - lead]!)));
    return { ...p, exprs, schema: { columns: outCols } };
  }
  const refs: BoundExpr[] = cols.slice(lead).map((c, i) => widen({ kind: 'inputRef', index: i + lead, name: c.name, type: c.type }, types[i]!));
  return { kind: 'project', input: p, exprs: [...op, ...refs], schema: { columns: outCols } };
}
