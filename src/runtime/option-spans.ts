import { EddyError, type Span } from '../common/errors.js';
import type { OptionDef } from '../parser/ast.js';

/**
 * Points an option error at the SQL: connectors and settings check options as key/value pairs,
 * without the statement, so their errors carry no span. One without is given the span of the WITH
 * option it names (by key, else by value), else `fallback` (the stream's name, the SET statement).
 */
export function atOption<T>(options: readonly OptionDef[], fallback: Span, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof EddyError) || e.span !== undefined || e.code === 'INTERNAL') throw e;
    const named = options.find((o) => e.message.includes(`'${o.key.toLowerCase()}'`) || e.message.includes(`'${o.key}'`)) ?? options.find((o) => o.value !== '' && e.message.includes(`'${o.value}'`));
    throw Object.assign(new EddyError(e.code, e.message, named?.span ?? fallback, e.hint), { cause: e });
  }
}
