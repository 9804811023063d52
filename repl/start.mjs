#!/usr/bin/env node
// `npm start`: builds (tsc, then the bundle: scripts/bundle.mjs) only when a source is newer than
// the build, then runs the shell, so a warm start reaches the prompt in well under a second.
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist/repl/main.js');

function newest(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return path.endsWith('.ts') || path.endsWith('.mjs') || path.endsWith('.json') ? st.mtimeMs : 0;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

const builtAt = statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const sourcesAt = Math.max(...['src', 'repl', 'bench', 'scripts', 'tsconfig.json', 'package.json'].map((p) => newest(join(root, p))));
if (sourcesAt > builtAt) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  for (const step of [[tsc, '-p', join(root, 'tsconfig.json')], [join(root, 'scripts/bundle.mjs')]]) {
    const r = spawnSync(process.execPath, step, { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
await import(built);
