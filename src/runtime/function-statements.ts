/**
 * User-defined scalar functions in JavaScript: CREATE FUNCTION (Flink's syntax, LANGUAGE
 * JAVASCRIPT with 'module-path#export'; a Java class name stands for the JavaScript implementation
 * the API registered under that name), DROP FUNCTION, SHOW [USER] FUNCTIONS and the API's
 * registerFunction. A module function's DDL is saved in the state database's catalog with the
 * module's absolute path, and loaded again when the catalog is; API registrations live in their process.
 */
import { importModule } from '../common/import-module.js';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EddyError, type Span } from '../common/errors.js';
import type { SqlType, Value } from '../common/types.js';
import type { CreateFunctionStmt, DropFunctionStmt } from '../parser/ast.js';
import type { Catalog } from '../planner/catalog.js';
import { SCALAR_FUNCTIONS, AGGREGATE_FUNCTIONS, WINDOW_FUNCTIONS } from '../planner/functions.js';
import { udfType, type UserFunction } from '../planner/user-functions.js';
import type { CheckpointStore } from '../checkpoint/store.js';

export interface FunctionDeps {
  readonly catalog: Catalog;
  readonly store: CheckpointStore | null;
  /** Relative module paths resolve against this directory (the script's, or the API's base directory). */
  readonly moduleDir: string;
}

/** How a function's types are declared: by registerFunction's options, or by a module export's properties. */
export interface FunctionSpec {
  /** The SQL result type, e.g. 'BIGINT', 'STRING', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP(3)'. */
  readonly returns: string;
  /** The argument types; absent: any arguments. */
  readonly args?: readonly string[];
  /** Same arguments, same result (Flink's isDeterministic); default true. */
  readonly deterministic?: boolean;
}

/** The key a function's DDL is saved under in the catalog table it shares with streams and views. */
const savedName = (name: string): string => `function:${name.toLowerCase()}`;

/** Checks a function spec and builds the UserFunction. */
export function userFunction(name: string, invoke: (...args: unknown[]) => unknown, spec: FunctionSpec, origin: UserFunction['origin'], temporary: boolean, ddl?: string): UserFunction {
  if (typeof invoke !== 'function') throw new EddyError('INVALID_OPTION', `function '${name}' must be a JavaScript function, got ${typeof invoke}`);
  if (typeof spec?.returns !== 'string') {
    throw new EddyError('INVALID_OPTION', `function '${name}' needs its result type`, undefined, "give { returns: 'BIGINT' } (registerFunction), or set the export's `returns` property (e.g. countChar.returns = 'BIGINT')");
  }
  const returns = udfType(spec.returns, `the result type of '${name}'`);
  const args: SqlType[] | null = spec.args ? spec.args.map((a, i) => udfType(a, `argument ${i + 1} of '${name}'`)) : null;
  return { name, returns, args, deterministic: spec.deterministic !== false, invoke, origin, temporary, ...(ddl ? { ddl } : {}) };
}

/** eddy.registerFunction(name, fn, spec): callable from SQL at once; a name such as 'a.b.Class' stands in for a Java class. */
export function registerFunction(catalog: Catalog, name: string, fn: (...args: unknown[]) => unknown, spec: FunctionSpec): void {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/.test(name)) {
    throw new EddyError('INVALID_OPTION', `'${String(name)}' is not a function name`, undefined, "a SQL name such as 'count_char', or a Java class name such as 'com.example.CountChar'");
  }
  catalog.addFunction(userFunction(name, fn, spec, { kind: 'api' }, true), undefined, true);
}

/** CREATE FUNCTION: a JavaScript module's export, or the implementation registered for a Java class. */
export async function createFunction(stmt: CreateFunctionStmt, deps: FunctionDeps): Promise<string> {
  const name = stmt.name.name;
  const existing = deps.catalog.userFunction(name);
  if (existing && stmt.ifNotExists) return `Function '${name}' already exists.`;
  const language = stmt.language?.name ?? 'JAVA';
  let fn: UserFunction;
  if (language === 'JAVASCRIPT' || language === 'JS') {
    const { path, exportName } = moduleTarget(stmt.target, deps.moduleDir, stmt.targetSpan);
    const ddl = `CREATE ${stmt.temporary ? 'TEMPORARY ' : ''}FUNCTION ${stmt.name.quoted ? `"${name}"` : name} AS '${`${path}#${exportName}`.replace(/'/g, "''")}' LANGUAGE JAVASCRIPT`;
    // One catalog per state database: a script run again creating a saved function the same way finds it there.
    if (existing?.ddl === ddl) return `Function '${name}' already exists with this definition.`;
    fn = await loadModuleFunction(name, path, exportName, stmt.temporary, ddl, stmt.targetSpan);
  } else if (language === 'JAVA' || language === 'SCALA') {
    const impl = deps.catalog.userFunction(stmt.target);
    if (!impl) {
      throw new EddyError(
        'UNSUPPORTED',
        `function '${name}' is the ${language === 'JAVA' ? 'Java' : 'Scala'} class '${stmt.target}', which Eddy cannot load`,
        stmt.targetSpan,
        `register a JavaScript implementation for the class first: eddy.registerFunction('${stmt.target}', fn, { returns: 'BIGINT' }); or CREATE FUNCTION ${name} AS 'module.js#export' LANGUAGE JAVASCRIPT`,
      );
    }
    fn = { ...impl, name, origin: { kind: 'class', className: stmt.target }, temporary: true };
  } else {
    throw new EddyError('UNSUPPORTED', `functions in LANGUAGE ${language} are not supported`, stmt.language?.span ?? stmt.span, "write it in JavaScript: CREATE FUNCTION f AS 'module.js#export' LANGUAGE JAVASCRIPT");
  }
  deps.catalog.addFunction(fn, stmt.name.span);
  if (!fn.temporary && fn.ddl) await deps.store?.saveStream(savedName(name), fn.ddl);
  return `Function '${name}' created.`;
}

/** `path#export` (export default when no '#'); a relative path resolves against `dir`. */
function moduleTarget(target: string, dir: string, span: Span): { path: string; exportName: string } {
  const hash = target.lastIndexOf('#');
  const file = (hash < 0 ? target : target.slice(0, hash)).trim();
  const exportName = hash < 0 ? 'default' : target.slice(hash + 1).trim();
  if (file === '' || exportName === '') throw new EddyError('SYNTAX', `'${target}' does not name a module and an export`, span, "write 'path/to/module.js#exportName'");
  return { path: file.startsWith('file:') ? new URL(file).pathname : isAbsolute(file) ? file : resolve(dir, file), exportName };
}

/** Imports the module and takes its export: a function with `returns` (and `args`, `deterministic`) properties, or `{ eval, returns, ... }`. */
async function loadModuleFunction(name: string, path: string, exportName: string, temporary: boolean, ddl: string, span?: Span): Promise<UserFunction> {
  let mod: Record<string, unknown>;
  try {
    mod = (await importModule(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new EddyError('IO', `cannot load the module of function '${name}' ('${path}'): ${(e as Error).message}`, span, 'check the path (relative paths resolve against the script\'s directory)');
  }
  const value = mod[exportName];
  if (value === undefined) {
    const names = Object.keys(mod);
    throw new EddyError('UNKNOWN_FUNCTION', `module '${path}' has no export '${exportName}'`, span, names.length ? `its exports: ${names.join(', ')}` : 'export the function from the module');
  }
  const spec = value as Partial<FunctionSpec> & { eval?: unknown };
  const invoke = typeof value === 'function' ? (value as (...a: unknown[]) => unknown) : (spec.eval as (...a: unknown[]) => unknown);
  try {
    return userFunction(name, typeof value === 'object' && typeof spec.eval === 'function' ? invoke.bind(value) : invoke, spec as FunctionSpec, { kind: 'module', module: path, export: exportName }, temporary, ddl);
  } catch (e) {
    if (e instanceof EddyError) throw new EddyError(e.code, e.message, span, e.hint);
    throw e;
  }
}

/** Replays a saved CREATE FUNCTION when the catalog loads (its module path is absolute). */
export async function loadSavedFunction(stmt: CreateFunctionStmt, ddl: string, catalog: Catalog): Promise<void> {
  if (catalog.userFunction(stmt.name.name)) return;
  const { path, exportName } = moduleTarget(stmt.target, '/', stmt.targetSpan);
  catalog.addFunction(await loadModuleFunction(stmt.name.name, path, exportName, false, ddl));
}

export async function dropFunction(stmt: DropFunctionStmt, deps: FunctionDeps): Promise<string> {
  const name = stmt.name.name;
  if (stmt.ifExists && !deps.catalog.userFunction(name)) return `Function '${name}' does not exist.`;
  const fn = deps.catalog.dropFunction(name, stmt.name.span);
  if (!fn.temporary) await deps.store?.dropStream(savedName(name));
  return `Function '${name}' dropped.`;
}

type TableResult = { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: readonly (readonly Value[])[] };

/** SHOW USER FUNCTIONS: the user-defined ones; SHOW FUNCTIONS: those, then the built-in ones (as Flink lists both). */
export function showFunctions(catalog: Catalog, userOnly: boolean): TableResult {
  const rows: Value[][] = catalog.listFunctions().map((f) => [
    f.name,
    'user',
    f.returns === 'TIMESTAMP' ? 'TIMESTAMP(3)' : f.returns,
    f.args === null ? 'any' : f.args.join(', '),
    f.deterministic,
    f.origin.kind === 'module' ? `${f.origin.module}#${f.origin.export}` : f.origin.kind === 'class' ? `class ${f.origin.className}` : 'registerFunction',
    f.temporary,
  ]);
  if (!userOnly) {
    const builtins = [...Object.keys(SCALAR_FUNCTIONS), ...AGGREGATE_FUNCTIONS, ...WINDOW_FUNCTIONS].sort();
    for (const b of builtins) rows.push([b, 'built-in', null, null, null, null, null]);
  }
  return { kind: 'table', columns: ['name', 'kind', 'returns', 'arguments', 'deterministic', 'source', 'temporary'], rows };
}
