/**
 * How the tests start `eddy`: as users do, through repl/eddy, which starts node from the startup
 * snapshot `npm run build` makes (scripts/snapshot.mjs) and falls back to the modules
 * (dist/repl/main.js) without one. The tests require the snapshot, so that they cannot drive the
 * fallback unnoticed; a few run the modules on purpose (CLI).
 */
import { expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stampFor } from '../../scripts/snapshot-blob.mjs';

export const EDDY = resolve(__dirname, '../../repl/eddy');
export const CLI = resolve(__dirname, '../../dist/repl/main.js');
const DIST = resolve(__dirname, '../../dist');

/** Whether dist/ holds a snapshot that repl/eddy starts from with this node (its stamp matches). */
export function snapshotUsable(): boolean {
  const stamp = resolve(DIST, 'eddy.blob.stamp');
  if (!existsSync(resolve(DIST, 'eddy.blob')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === stampFor(DIST);
}

/** Fails unless `npm run build` made dist/ and its startup snapshot for this node. */
export function expectBuilt(): void {
  expect(existsSync(CLI), 'run `npm run build` first: the tests drive the built command').toBe(true);
  expect(snapshotUsable(), 'dist/eddy.blob is missing or was built by another node: run `npm run build`').toBe(true);
}
