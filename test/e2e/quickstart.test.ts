// The README's library tour (examples/quickstart.ts) runs as a real program and prints what the
// README promises, so the documentation cannot drift from the code; and it cleans up after
// itself, leaving no `mandate-*` directory in the temporary directory.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

// The example's own temporary directory, so that what it leaves behind can be seen.
const temp = mkdtempSync(join(tmpdir(), 'mandate-quickstart-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

it('examples/quickstart.ts runs end to end and leaves no temporary files', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/quickstart.ts'],
    { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, TMPDIR: temp } },
  );
  // (tsx keeps its own cache there.)
  expect(readdirSync(temp).filter((name) => name.startsWith('mandate-'))).toEqual([]);
  expect(stdout).toContain('coder denied by block 1 (planner): tool == "fs.read"');
  expect(stdout).toContain('coder should ask planner for: tool == "fs.write"');
  expect(stdout).toMatch(/fs\.write: conditional when args\.path ~ ".*\/\*\*"/);
  expect(stdout).toContain('denied at once: insufficient_scope');
  expect(stdout).toContain('planner\'s inbox: coder asks "fix the typo in the README"');
  expect(stdout).toContain('coder writes: written');
  expect(stdout).toContain('{ contained: true }');
  expect(stdout).toContain('"contained":false');
  expect(stdout).toContain(`condition: 'args.path ~ "/repo/**"'`);
});
