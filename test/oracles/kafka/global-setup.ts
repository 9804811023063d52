/**
 * vitest globalSetup: one Kafka broker for every Kafka test file of the run (they use distinct
 * topics). Started only when the run includes a Kafka test (a filtered `npx vitest run test/exec`
 * pays nothing); skipped with the reason printed where java or mvn is missing.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestProject } from 'vitest/node';
import { kafkaSkipReason, startBroker } from './broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared broker's bootstrap address, or why there is none. */
    kafka: { readonly bootstrap: string | null; readonly skipReason: string | null };
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const root = project.config.root;
  if (!runIncludesKafkaTests(root, (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern)) return undefined;
  const skipReason = kafkaSkipReason();
  if (skipReason) {
    console.warn(`Kafka tests skipped: ${skipReason}`);
    project.provide('kafka', { bootstrap: null, skipReason });
    return undefined;
  }
  const broker = await startBroker();
  project.provide('kafka', { bootstrap: broker.bootstrap, skipReason: null });
  return () => broker.stop();
}

/** Kafka tests are the test files with 'kafka' in their path; vitest's filters match a file when its path contains one. */
function runIncludesKafkaTests(root: string, filters: readonly string[] | undefined): boolean {
  if (!filters || filters.length === 0) return true;
  const kafkaFiles = (readdirSync(join(root, 'test'), { recursive: true }) as string[])
    .map((f) => relative(root, join(root, 'test', f)))
    .filter((f) => f.endsWith('.test.ts') && f.toLowerCase().includes('kafka'));
  return kafkaFiles.some((f) => filters.some((p) => f.includes(p) || join(root, f).includes(p)));
}
