/**
 * The Flink oracle a test file talks to: the run's shared JVM (test/oracles/flink/global-setup.ts),
 * or, when the run's filters kept the global setup from starting it, one of the file's own.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { flinkSkipReason, runFlink, startFlinkOracle, type FlinkOracleServer, type FlinkStatementResult } from '../oracles/flink/flink.js';

const provided = inject('flink') as { url: string | null; skipReason: string | null } | undefined;

/** Why this file's Flink tests are skipped (printed by the global setup, or here), or null. */
export const flinkSkip: string | null = provided ? provided.skipReason : flinkSkipReason();
if (flinkSkip && !provided) console.warn(`Flink differential tests skipped: ${flinkSkip}`);

let own: FlinkOracleServer | undefined;
let url: string | null = provided?.url ?? null;

/** Registers the hooks that give this file an oracle; call once at the top of a Flink test file. */
export function useFlink(): void {
  if (flinkSkip || url) return;
  beforeAll(async () => {
    own = await startFlinkOracle();
    url = own.url;
  }, 300_000);
  afterAll(async () => own?.stop());
}

/** Runs a Flink SQL script on the oracle. */
export function flink(script: string): Promise<FlinkStatementResult[]> {
  if (!url) throw new Error('no Flink oracle: call useFlink() at the top of the test file');
  return runFlink(url, script);
}
