import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // A real Kafka broker for the Kafka tests (fetched with Maven; skipped where Java or Maven is absent).
    // Real Flink (a MiniCluster in one JVM, built with Maven) for the Flink differential tests; same skip rule.
    globalSetup: ['test/oracles/kafka/global-setup.ts', 'test/oracles/flink/global-setup.ts'],
  },
});
