import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Store tests open PGlite instances and PostgreSQL databases; two cores, so keep forks few.
    pool: 'forks',
    maxWorkers: 2,
  },
});
