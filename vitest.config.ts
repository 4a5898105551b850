// The default suite, run by `npm test`: unit, property, vectors and end-to-end tests.
// Slow suites (long fuzzing, load, durability under kill) match *.slow.test.ts, and the suites that
// need PostgreSQL match *.pg.test.ts: both run via test:slow (which .ci/run runs after starting
// PostgreSQL), so that `npm ci && npm test` works on a fresh machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.slow.test.ts', 'test/**/*.pg.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
