import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // vitest defaults to cores − 1 workers: one on these 2-core machines, which left the CPU idle
    // ~65% of the run (the e2e files mostly wait on Chromium's own processes). Two files at a time
    // — any two, e2e beside unit or another e2e — halves the wall time; VITEST_MAX_WORKERS overrides.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/catalog/**/*.test.ts',
            'test/crawler/**/*.test.ts',
            'test/engine/**/*.test.ts',
            'test/app/**/*.test.ts',
            'test/jobs/**/*.test.ts',
            'test/scheduler/**/*.test.ts',
            'test/tooling/**/*.test.ts',
            'test/storage/**/*.test.ts',
            'test/share/**/*.test.ts',
            'test/platform/**/*.test.ts',
            'test/scripts/**/*.test.ts',
            'test/quality/**/*.test.ts',
          ],
          // Runs generated scripts on native DuckDB and Spark: the "scripts" project below.
          exclude: [
            'test/scripts/engines.test.ts',
            'test/scripts/tab-parquet.test.ts',
            'test/scripts/glue-bundle.test.ts',
            'test/scripts/text-targets.test.ts',
          ],
          testTimeout: 60_000,
          // Engines start in beforeAll hooks; on a busy 2-core machine that can take over 10 s.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // Generated scripts run on real engines: native DuckDB, and one local Spark (pyspark in
          // .venv-scripts/, made by the global setup) shared by every case of the run.
          name: 'scripts',
          environment: 'node',
          include: [
            'test/scripts/engines.test.ts',
            'test/scripts/tab-parquet.test.ts',
            'test/scripts/glue-bundle.test.ts',
            'test/scripts/text-targets.test.ts',
          ],
          globalSetup: ['test/scripts/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
