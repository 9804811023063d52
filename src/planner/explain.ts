import { assertNever } from '../common/errors.js';
import { exprToSql, windowText } from './expr-sql.js';
import type { PhysicalPlan } from './plan.js';

export { planFingerprint, describePlanDifference } from './fingerprint.js';

function describe(p: PhysicalPlan): string {
  switch (p.kind) {
    case 'SourceExec': {
      const connector = p.stream.options['connector'] ?? 'none';
      const wm = p.watermark ? ` watermark=(${exprToSql(p.watermark.expr, p.stream.schema)})` : '';
      return `SourceExec ${p.stream.name} connector=${connector}${wm}`;
    }
    case 'FilterExec':
      return `FilterExec (${exprToSql(p.predicate, p.input.schema)})`;
    case 'ProjectExec': {
      const items = p.exprs.map((e, i) => {
        const sql = exprToSql(e, p.input.schema);
        const name = p.schema.columns[i]!.name;
        return sql === name ? name : `${sql} AS ${name}`;
      });
      return `ProjectExec [${items.join(', ')}]`;
    }
    case 'WindowAggregateExec': {
      const input = p.input.schema;
      const keys = p.keys.map((k) => exprToSql(k, input)).join(', ');
      const firstAgg = p.keys.length + 2;
      const aggs = p.aggs.map((a, i) => `${a.display} AS ${p.schema.columns[firstAgg + i]!.name}`).join(', ');
      const time = input.columns[p.timeIndex]?.name ?? `$${p.timeIndex}`;
      return `WindowAggregateExec keys=[${keys}] window=${windowText(p.window, time)} aggs=[${aggs}]`;
    }
    case 'GroupAggregateExec': {
      const input = p.input.schema;
      const keys = p.keys.map((k) => exprToSql(k, input)).join(', ');
      const firstAgg = 1 + p.keys.length;
      const aggs = p.aggs.map((a, i) => `${a.display} AS ${p.schema.columns[firstAgg + i]!.name}`).join(', ');
      return `GroupAggregateExec keys=[${keys}] aggs=[${aggs}] changelog=updating`;
    }
    case 'LimitExec':
      return `LimitExec ${p.count}`;
    case 'UnionExec': {
      const wm = p.watermarked ? ' watermark=min(inputs)' : '';
      const time = p.timeIndex !== undefined ? ` rowtime=${p.schema.columns[p.timeIndex]!.name}` : '';
      return `UnionExec ALL [${p.schema.columns.map((c) => c.name).join(', ')}] inputs=${p.inputs.length}${wm}${time}`;
    }
    default:
      return assertNever(p, 'physical plan');
  }
}

/** The inputs of a plan node, in order (none for a source). */
export function inputsOf(p: PhysicalPlan): readonly PhysicalPlan[] {
  return p.kind === 'SourceExec' ? [] : p.kind === 'UnionExec' ? p.inputs : [p.input];
}

/** Renders a physical plan as an indented tree, root first, one operator per line (a union's inputs one level deeper, in order), expressions as SQL with column names. */
export function explain(plan: PhysicalPlan): string {
  const lines: string[] = [];
  const visit = (node: PhysicalPlan, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${describe(node)}`);
    for (const input of inputsOf(node)) visit(input, depth + 1);
  };
  visit(plan, 0);
  return lines.join('\n');
}
