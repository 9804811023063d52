// `npm run build`, after the bundle: `eddy`'s V8 startup snapshot (repl/snapshot.ts), which
// repl/eddy starts from. Bundles the command into one CommonJS file, dist/repl/snapshot.cjs (a
// snapshot is built from a script, not from ES modules), then makes the blob and its stamp with
// scripts/snapshot-blob.mjs, which an installed package also runs (postinstall) over the
// snapshot.cjs it ships. A failure is reported and leaves no blob: `eddy` then starts from its
// modules, only slower.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBlob } from './snapshot-blob.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const script = join(dist, 'repl', 'snapshot.cjs');

/** Pure-JavaScript libraries every script run loads: in the snapshot. */
const BUNDLED = new Set(['chevrotain', 'csv-parse']);

const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/**
 * A snapshot's `require` knows node's built-in modules only, and its code has no `import()`: every
 * other package (native sqlite3; the libraries loaded on first use) is required at run time
 * through globalThis.__eddyRequire (a require of the package's own node_modules, set up by the
 * banner); chevrotain-runtime.ts's top-level await becomes a static import of chevrotain's
 * single-file build; import-module.ts's import() goes through the main context's loader.
 */
const snapshotModules = {
  name: 'snapshot-modules',
  setup(b) {
    b.onResolve({ filter: /chevrotain-runtime\.js$/ }, () => ({ path: 'chevrotain-runtime', namespace: 'snapshot' }));
    b.onResolve({ filter: /import-module\.js$/ }, () => ({ path: 'import-module', namespace: 'snapshot' }));
    b.onResolve({ filter: /^chevrotain$/ }, () => ({ path: join(root, 'node_modules/chevrotain/lib/chevrotain.mjs') }));
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isBuiltin(args.path) || BUNDLED.has(packageName(args.path)) || args.namespace === 'runtime-require') return undefined;
      return { path: args.path, namespace: 'runtime-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'runtime-require' }, (args) => ({ contents: `module.exports = globalThis.__eddyRequire(${JSON.stringify(args.path)});`, loader: 'js' }));
    b.onLoad({ filter: /^chevrotain-runtime$/, namespace: 'snapshot' }, () => ({ contents: "export * from 'chevrotain';", loader: 'js', resolveDir: root }));
    b.onLoad({ filter: /^import-module$/, namespace: 'snapshot' }, () => ({
      contents: `
import { Script, constants } from 'node:vm';
let importer;
/** import() through the main context's module loader (vm's is experimental in node 20: its one warning is not shown). */
export function importModule(url) {
  const emit = process.emitWarning;
  process.emitWarning = (w, ...rest) => (String(w).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER') ? undefined : emit.call(process, w, ...rest));
  try {
    importer ??= new Script('(url) => import(url)', { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext();
    return importer(url);
  } finally {
    process.emitWarning = emit;
  }
}`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

rmSync(script, { force: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: ['repl/snapshot.ts'],
    outfile: script,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    // The sources' URLs next to their output (scripts/bundle.mjs's rewriting) are relative to dist/repl/, as this file is.
    define: { 'import.meta.url': '__eddyModuleUrl' },
    banner: {
      js: [
        "var __eddyModuleUrl = require('node:url').pathToFileURL(__filename).href;",
        // __filename is where this file is when the blob is made (built here, or installed), as dist/ must stay.
        "globalThis.__eddyRequire = (id) => (globalThis.__eddyRealRequire ??= require('node:module').createRequire(__filename))(id);",
      ].join('\n'),
    },
    logLevel: 'warning',
    plugins: [snapshotModules],
  });
  makeBlob(dist);
} catch (e) {
  process.stderr.write(`warning: no startup snapshot (eddy starts from its modules): ${e instanceof Error ? e.message : String(e)}\n`);
}
