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
    default:
      return assertNever(p, 'physical plan');
  }
}

/** Renders a physical plan as an indented tree, root first, one operator per line, expressions as SQL with column names. */
export function explain(plan: PhysicalPlan): string {
  const lines: string[] = [];
  let node: PhysicalPlan | undefined = plan;
  for (let depth = 0; node; depth++) {
    lines.push(`${'  '.repeat(depth)}${describe(node)}`);
    node = node.kind === 'SourceExec' ? undefined : node.input;
  }
  return lines.join('\n');
}
