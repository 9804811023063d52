/**
 * Parse + plan of one statement without running anything (the fuzz pass): the stages
 * Session.execute runs before it starts a query or changes the catalog, called on a session whose
 * catalog the corpus's DDL filled, and left unchanged.
 */
import { EddyError, assertNever } from '../../src/common/errors.js';
import type { ParsedStatement } from '../../src/parser/index.js';
import type { Query } from '../../src/parser/ast.js';
import { bindInsertValues, bindStreamDef, deriveStreamSchema, explain, planFingerprint } from '../../src/planner/index.js';
import type { PhysicalPlan } from '../../src/planner/plan.js';
import { withSink } from '../../src/planner/physical.js';
import { compileExpr } from '../../src/exec/expr-compiler.js';
import { validateStreamOptions } from '../../src/connectors/registry.js';
import { IDLE_TIMEOUT_OPTION, type Session } from '../../src/runtime/session.js';
import { Settings, parseDuration } from '../../src/runtime/settings.js';
import { sinkInput } from '../../src/runtime/sink-changes.js';
import { atOption } from '../../src/runtime/option-spans.js';
import type { Schema } from '../../src/common/types.js';

/** What planning a statement came to: 'planned' (a physical plan, explained), 'checked' (DDL, SET, VALUES bound), 'parsed' (nothing to plan). */
export type PlanOutcome = 'planned' | 'checked' | 'parsed';

function planAndExplain(session: Session, query: Query): PhysicalPlan {
  const plan = session.plan(query);
  explain(plan);
  planFingerprint(plan);
  return plan;
}

/** Plans `ps` the way Session.execute would up to the point where it runs or stores something. Throws what that throws. */
export function planStatement(session: Session, ps: ParsedStatement): PlanOutcome {
  const stmt = ps.stmt;
  const catalog = session.catalog;
  switch (stmt.kind) {
    case 'query':
      withSink(planAndExplain(session, stmt.query), { kind: 'result' });
      return 'planned';
    case 'explain':
      planAndExplain(session, stmt.statement.query);
      return 'planned';
    case 'insertSelect': {
      const target = catalog.get(stmt.target.name, stmt.target.span);
      sinkInput(planAndExplain(session, stmt.query), target, 'fuzz', stmt.query.span);
      return 'planned';
    }
    case 'createStreamAs': {
      const plan = planAndExplain(session, stmt.query);
      const schema = deriveStreamSchema(plan as never, stmt.query) as Schema;
      atOption(stmt.options, stmt.name.span, () => validateStreamOptions({ name: stmt.name.name, schema, options: Object.fromEntries(stmt.options.map((o) => [o.key.toLowerCase(), o.value])), ddl: '' }));
      return 'planned';
    }
    case 'createView':
      planAndExplain(session, stmt.query);
      return 'planned';
    case 'createStream': {
      const def = atOption(stmt.options, stmt.name.span, () => bindStreamDef(stmt, ps.text, (id) => catalog.get(id.name, id.span)));
      atOption(stmt.options, stmt.name.span, () => {
        validateStreamOptions(def);
        if (def.options['allowed-lateness'] !== undefined) parseDuration(def.options['allowed-lateness'], "option 'allowed-lateness'");
        if (def.options[IDLE_TIMEOUT_OPTION] !== undefined) parseDuration(def.options[IDLE_TIMEOUT_OPTION], `option '${IDLE_TIMEOUT_OPTION}'`);
      });
      return 'checked';
    }
    case 'insertValues': {
      const target = catalog.get(stmt.target.name, stmt.target.span);
      if (stmt.overwrite) throw new EddyError('UNSUPPORTED', 'INSERT OVERWRITE ... VALUES is not supported', stmt.target.span);
      for (const row of bindInsertValues(stmt, target)) for (const e of row) compileExpr(e)([]);
      return 'checked';
    }
    case 'set':
      if (stmt.key !== undefined) atOption([], stmt.span, () => new Settings().set(stmt.key!, stmt.value ?? ''));
      return 'checked';
    case 'reset':
      if (stmt.key !== undefined) atOption([], stmt.span, () => new Settings().reset(stmt.key!));
      return 'checked';
    case 'dropStream':
    case 'dropView':
    case 'createFunction':
    case 'dropFunction':
    case 'showCreate':
    case 'show':
    case 'describe':
    case 'terminate':
      return 'parsed';
    default:
      return assertNever(stmt, 'statement');
  }
}
