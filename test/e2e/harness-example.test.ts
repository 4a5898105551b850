// The harness example (examples/harness/) runs as a real program: a scripted model drives a
// planner and a coder subagent through a read, a refused write, a request to the planner, the
// planner's approval from its own token, and the retried write — as docs/harness.md describes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('examples/harness runs end to end: denial, request to the parent agent, approval, retry', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'examples/harness/index.ts'],
    { cwd: new URL('../..', import.meta.url).pathname },
  );
  const lines = stdout.split('\n');
  expect(lines).toContain('todo: fix the typo');
  expect(lines).toContain('coder notes.read: "fix the typo"');
  expect(stdout).toContain(
    'coder notes.write: Refused: "notes.write" is not permitted by this delegation: caveat 4 (block 1, by planner)',
  );
  expect(stdout).toMatch(/coder mandate_request_permission: Request req_\S+ is pending/);
  expect(lines).toContain('planner\'s inbox: coder asks "mark the todo done" for notes.write');
  expect(stdout).toMatch(/coder mandate_check_request: Request req_\S+ was approved/);
  expect(lines).toContain('coder notes.write: {"written":"todo"}');
  expect(lines).toContain('todo now: done');
});
