// The default suite, run by `npm test`: unit, property, vectors and end-to-end tests.
// Slow suites (long fuzzing, load, durability under kill) match *.slow.test.ts and run via test:slow.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.slow.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
