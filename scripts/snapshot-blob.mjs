// `eddy`'s startup snapshot from dist/repl/snapshot.cjs (made by scripts/snapshot.mjs): writes
// dist/eddy.blob with `node --build-snapshot`, then dist/eddy.blob.stamp, the node binary that built
// it (size and modification time) and the dist/ it belongs to, which repl/eddy compares before
// using it (a blob only loads into the node that built it, and it holds the absolute paths of
// dist/). Run by `npm run build`, and as the package's postinstall, where it makes the blob for the
// installing machine's node from the shipped snapshot.cjs (nothing to do in a clone before its
// first build). A failure leaves no blob and only warns: `eddy` then starts from its modules.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stamp of a blob in `dist` built by this node (repl/eddy computes the same with stat). */
export function stampFor(dist) {
  const node = statSync(process.execPath);
  return `${node.size} ${Math.floor(node.mtimeMs / 1000)} ${dist}`;
}

/** Makes the blob and stamp of `dist`; throws when node cannot build it. */
export function makeBlob(dist) {
  const script = join(dist, 'repl', 'snapshot.cjs');
  const blob = join(dist, 'eddy.blob');
  const stamp = join(dist, 'eddy.blob.stamp');
  rmSync(blob, { force: true });
  rmSync(stamp, { force: true });
  const made = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', script], { cwd: dirname(dist), encoding: 'utf8' });
  if (made.status !== 0) {
    rmSync(blob, { force: true });
    throw new Error(`node --build-snapshot exited with ${made.status}: ${made.stderr}${made.stdout}`);
  }
  writeFileSync(stamp, `${stampFor(dist)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  if (existsSync(join(dist, 'repl', 'snapshot.cjs'))) {
    try {
      makeBlob(dist);
    } catch (e) {
      process.stderr.write(`warning: no startup snapshot (eddy starts from its modules): ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
}
