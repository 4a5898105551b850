// The PostgreSQL suites when PostgreSQL is not there: a run of one of them (as `npm run
// test:slow` runs it) pointed at a server nobody listens on fails, every test with the reason
// and what to do about it, and skips nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './fixtures/cli-build.js';

interface JsonReport {
  readonly numTotalTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
  readonly testResults: readonly {
    readonly assertionResults: readonly { readonly failureMessages: readonly string[] }[];
  }[];
}

it('fails every PostgreSQL test with the reason when the server cannot be reached', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-pg-unreachable-'));
  try {
    const output = join(dir, 'report.json');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          '--config',
          'vitest.slow.config.ts',
          '--reporter=json',
          `--outputFile=${output}`,
          'test/unit/requests/postgres-store.pg.test.ts',
        ],
        {
          cwd: ROOT,
          // Port 1 on loopback: nothing listens there.
          env: { ...process.env, MANDATE_TEST_PG_URL: 'postgres://nobody:secret@127.0.0.1:1/x' },
          stdio: 'ignore',
        },
      );
      child.once('exit', resolve);
    });
    expect(code).not.toBe(0);
    const report = JSON.parse(readFileSync(output, 'utf8')) as JsonReport;
    expect(report.numTotalTests).toBeGreaterThan(0);
    expect(report.numFailedTests).toBe(report.numTotalTests);
    expect(report.numPendingTests + report.numTodoTests).toBe(0);
    const messages = report.testResults.flatMap((f) =>
      f.assertionResults.flatMap((a) => a.failureMessages),
    );
    expect(messages.length).toBe(report.numTotalTests);
    for (const m of messages) {
      expect(m).toContain('PostgreSQL is not reachable at postgres://nobody:***@127.0.0.1:1/x');
      expect(m).toContain('Start it with .ci/run');
      // The password in the URL stays out of the message.
      expect(m).not.toContain('secret');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
