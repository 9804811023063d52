/**
 * vitest globalSetup: one Flink oracle JVM (a MiniCluster behind a loopback HTTP port) for every
 * Flink test file of the run. Started only when the run includes a Flink test (a filtered
 * `npx vitest run test/exec` pays nothing); skipped with the reason printed where java or mvn is
 * missing. The first run builds the runner with Maven (jars cached in ~/.m2).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { flinkSkipReason, startFlinkOracle } from './flink.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Flink oracle's URL, or why there is none. */
    flink: { readonly url: string | null; readonly skipReason: string | null };
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const root = project.config.root;
  if (!runIncludesFlinkTests(root, (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern)) return undefined;
  const skipReason = flinkSkipReason();
  if (skipReason) {
    console.warn(`Flink differential tests skipped: ${skipReason}`);
    project.provide('flink', { url: null, skipReason });
    return undefined;
  }
  const oracle = await startFlinkOracle();
  project.provide('flink', { url: oracle.url, skipReason: null });
  return () => oracle.stop();
}

/** Flink tests are the test files with 'flink' in their path; vitest's filters match a file when its path contains one. */
function runIncludesFlinkTests(root: string, filters: readonly string[] | undefined): boolean {
  if (!filters || filters.length === 0) return true;
  const flinkFiles = (readdirSync(join(root, 'test'), { recursive: true }) as string[])
    .map((f) => relative(root, join(root, 'test', f)))
    .filter((f) => f.endsWith('.test.ts') && f.toLowerCase().includes('flink'));
  return flinkFiles.some((f) => filters.some((p) => f.includes(p) || join(root, f).includes(p)));
}
