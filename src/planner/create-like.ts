import { EddyError, type Span } from '../common/errors.js';
import { typeName, type SqlType } from '../common/types.js';
import type { ColumnDef, ComputedColumnDef, CreateStreamStmt, Ident, LikeOption, OptionDef, TypeName, WatermarkDef } from '../parser/ast.js';
import type { StreamDef } from './catalog.js';

type Strategy = LikeOption['mode'];
type Feature = Exclude<LikeOption['what'], 'ALL'>;

/** Flink's defaults when LIKE has no options: INCLUDING ALL OVERWRITING OPTIONS. */
const DEFAULTS: Readonly<Record<Feature, Strategy>> = { CONSTRAINTS: 'INCLUDING', GENERATED: 'INCLUDING', OPTIONS: 'OVERWRITING', WATERMARKS: 'INCLUDING' };

function strategies(options: readonly LikeOption[]): Record<Feature, Strategy> {
  const out = { ...DEFAULTS };
  for (const o of options) {
    if (o.what === 'ALL') for (const f of Object.keys(out) as Feature[]) out[f] = o.mode;
    else out[o.what] = o.mode;
  }
  return out;
}

const ident = (name: string, span: Span): Ident => ({ name, quoted: true, span });

/**
 * CREATE TABLE t (...) WITH (...) LIKE s (...), as Flink merges them: s's physical columns come
 * first, then t's; s's computed columns, watermark, primary key and options are kept (INCLUDING),
 * dropped (EXCLUDING) or give way to t's (OVERWRITING); INCLUDING with both sides declaring the
 * same thing is an error, as in Flink. Returns the merged statement, bound like any CREATE TABLE.
 */
export function mergeLike(stmt: CreateStreamStmt, src: StreamDef): CreateStreamStmt {
  const like = stmt.like!;
  const how = strategies(like.options);
  const at = like.span;
  const computedAt = new Map((src.computed ?? []).map((c) => [c.index, c]));
  const keepGenerated = how.GENERATED !== 'EXCLUDING';
  const columns: ColumnDef[] = [];
  const computed: ComputedColumnDef[] = [];
  let position = 0;
  src.schema.columns.forEach((c, i) => {
    const comp = computedAt.get(i);
    if (comp) {
      const mine = stmt.computed?.find((x) => x.name.name === c.name);
      if (!keepGenerated || (mine && how.GENERATED === 'OVERWRITING')) return;
      if (mine) throw conflict(`computed column '${c.name}'`, mine.span, 'GENERATED');
      computed.push({ name: ident(c.name, at), expr: comp.expr, position: position++, span: at });
      return;
    }
    columns.push({ name: ident(c.name, at), type: c.type as TypeName & SqlType, typeText: typeName(c.type), span: at });
    position++;
  });
  for (const c of stmt.columns) {
    if (columns.some((x) => x.name.name === c.name.name) || computed.some((x) => x.name.name === c.name.name)) {
      throw new EddyError('SYNTAX', `column '${c.name.name}' is already a column of '${src.name}'`, c.name.span, 'give it another name; LIKE keeps every column of the source table');
    }
  }
  // The statement's own columns follow the source's, in their declared order.
  const own = [...stmt.columns.map((c, i) => ({ c, at: i, computed: false as const })), ...(stmt.computed ?? []).map((c) => ({ c, at: c.position, computed: true as const }))];
  own.sort((a, b) => a.at - b.at);
  for (const o of own) {
    if (o.computed) {
      if (computed.some((x) => x.name.name === o.c.name.name) || columns.some((x) => x.name.name === o.c.name.name)) {
        throw new EddyError('SYNTAX', `column '${o.c.name.name}' is already a column of '${src.name}'`, o.c.name.span, 'give it another name');
      }
      computed.push({ ...o.c, position: position++ });
    } else {
      columns.push(o.c);
      position++;
    }
  }

  let watermark: WatermarkDef | undefined = stmt.watermark;
  if (src.watermark && how.WATERMARKS !== 'EXCLUDING') {
    if (stmt.watermark && how.WATERMARKS === 'INCLUDING') throw conflict('WATERMARK', stmt.watermark.span, 'WATERMARKS');
    watermark ??= { column: ident(src.watermark.column, at), expr: src.watermark.expr, span: at };
  }

  let primaryKey = stmt.primaryKey;
  if (src.primaryKey && how.CONSTRAINTS !== 'EXCLUDING') {
    if (primaryKey) throw conflict('PRIMARY KEY', primaryKey.span, 'CONSTRAINTS');
    primaryKey = { columns: src.primaryKey.map((k) => ident(k, at)), span: at };
  }

  const options: OptionDef[] = [];
  if (how.OPTIONS !== 'EXCLUDING') {
    for (const [key, value] of Object.entries(src.options)) {
      const mine = stmt.options.find((o) => o.key.toLowerCase() === key);
      if (mine && how.OPTIONS === 'INCLUDING') throw conflict(`option '${key}'`, mine.span, 'OPTIONS');
      if (!mine) options.push({ key, value, span: at });
    }
  }
  options.push(...stmt.options);

  const { like: _like, computed: _c, watermark: _w, primaryKey: _p, ...rest } = stmt;
  return {
    ...rest,
    columns,
    options,
    ...(computed.length > 0 ? { computed } : {}),
    ...(watermark ? { watermark } : {}),
    ...(primaryKey ? { primaryKey } : {}),
  };
}

function conflict(what: string, span: Span, feature: Feature): EddyError {
  return new EddyError('SYNTAX', `${what} is declared both here and in the LIKE source table`, span, `write OVERWRITING ${feature} (or EXCLUDING ${feature}) in the LIKE options to use this one`);
}
