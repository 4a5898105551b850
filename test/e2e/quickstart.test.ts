// The README's library tour (examples/quickstart.ts) runs as a real program and prints what the
// README promises, so the documentation cannot drift from the code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('examples/quickstart.ts runs end to end', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/quickstart.ts'],
    { cwd: new URL('../..', import.meta.url).pathname },
  );
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
