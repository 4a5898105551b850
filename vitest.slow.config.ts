// Slow suites and the PostgreSQL suites: `npm run test:slow`. The PostgreSQL suites get a
// throwaway database from test/postgres/global-setup.ts, and fail (never skip) with the reason
// when PostgreSQL cannot be reached: `.ci/run` starts it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts', 'test/**/*.pg.test.ts'],
    globalSetup: ['test/postgres/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
