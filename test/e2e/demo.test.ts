// `npm run demo` as a newcomer runs it: it builds, runs the whole scenario in a temporary home
// and exits 0, showing each step's key line and never a whole token. The run
// checked here is the one that built the package for this test run (see fixtures/cli-build.ts),
// or a fresh one. The interactive mode is driven through stdin: denying the first request takes
// the other path (the agent reports back); approving the escalation still lets the subagent in.
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, takeDemoRun, type Build, type DemoRun } from './fixtures/cli-build.js';

function run(
  args: readonly string[],
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('MANDATE_') || key === 'FORCE_COLOR') delete env[key];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

let build: Build;
let demo: DemoRun;
beforeAll(async () => {
  ({ build, run: demo } = await takeDemoRun());
}, 600_000);

describe('npm run demo', () => {
  // Its duration (under 60 s, build included) is measured by hand and reported, not asserted:
  // timing thresholds in tests fail on a loaded machine and prove nothing about the code.
  it('exits 0 and says how long it took', () => {
    expect(demo.stderr).not.toMatch(/error/i);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/Done in \d+\.\ds\./);
  });

  it('shows every step of the scenario, in order, without colours on a pipe', () => {
    const out = demo.stdout;
    expect(out).not.toMatch(ANSI);
    const expected = [
      'owner $ mandate init',
      '1. The owner delegates read access on checking, for 30 days, to a budget agent',
      '✓ verified under root key demo-key',
      'bank.accounts           allowed',
      'bank.list_transactions  conditional  when args.account == "checking"',
      'bank.transfer           denied',
      'caveat 1 (block 0, written by owner): tool in ["bank.accounts", "bank.list_transactions", "bank.get_balance"]',
      'needed scope (ask owner):',
      'the handler never ran; the balance is still $2450.00',
      '✓ within your authority',
      'budget-agent tried bank.transfer {"account":"checking","amount":80,',
      '✓ allowed after this approval',
      'if approved, budget-agent may also:',
      'granted:    tool == "bank.transfer" and args.amount <= 100',
      'budget-agent may now also:',
      'tool == "bank.transfer" and args.account == "checking" and args.amount <= 100 and time < ',
      '$80.00 checking → savings; checking now $2370.00',
      'args.amount is 500, not <= 100',
      'args.account is "savings", not "checking"',
      'block 1  budget-agent → reporter',
      'needed scope (ask budget-agent):',
      '✗ beyond your authority: escalate',
      '↑ escalated',
      'approved (by budget-agent, automatically',
      'savings balance $10080.00',
      '✓ audit log intact: 12 entries; 3 request(s) agree with it',
    ];
    let at = 0;
    for (const line of expected) {
      const found = out.indexOf(line, at);
      expect(found, `demo output should contain, in order: ${line}`).toBeGreaterThanOrEqual(0);
      at = found;
    }
  });

  it('never prints a whole token, key or signature', () => {
    // The audit log's head is a public hash (64 hex digits), printed to be kept: not a secret.
    const withoutHead = demo.stdout.replace(/head: [0-9a-f]{64} /, 'head: <hash> ');
    expect(withoutHead).not.toMatch(/[A-Za-z0-9_-]{60,}/);
    expect(demo.stdout).toMatch(/token AgI[A-Za-z0-9_-]{11}…\(\d+ chars\)/);
  });

  it('--interactive asks before each decision and follows the answers', async () => {
    const r = await run([build.demo, '--interactive'], 'n\ny\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stdout).toMatch(
      /\? Approve req_\S+ for transfers from checking of at most \$100, for one hour\? \[Y\/n\] n\n/,
    );
    expect(r.stdout).toMatch(/owner \$ mandate deny req_\S+ --reason 'no transfers this month'/);
    expect(r.stdout).toContain(
      'denied: no transfers this month; the agent reports back instead of retrying',
    );
    expect(r.stdout).toMatch(
      /\? Approve req_\S+: budget-agent may read the savings balance\? \[Y\/n\] y\n/,
    );
    expect(r.stdout).toContain('savings balance $');
  }, 60_000);

  it('rejects an unknown option with its usage', async () => {
    const r = await run([build.demo, '--frob']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('usage: npm run demo');
  });
});
