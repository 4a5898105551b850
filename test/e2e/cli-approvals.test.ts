// An approval widens only what blocked, and the CLI shows it: the inbox gives each request's
// verdict in words, what the requester may do afterwards that it cannot now, and when the grant
// ends; `approve --dry-run` shows the same and decides nothing; `approve` prints the effect it
// committed. The budget agent held to `args.account == "checking"` is granted a transfer and may
// transfer from checking, not from savings; `mandate scope` and `inspect` show its scope one
// alternative per line. A request made from a denied call (`request --tool --args`) carries
// the call, and the grantor sees it and whether the approval lets it through. Standing approve
// policies may time-box their grants. Agent-written text reaches the terminal inert.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, cliJson, jsonError, scratch } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];
const READ = 'tool in ["bank.list_transactions", "bank.get_balance"]';
const FROM_CHECKING = '{"account":"checking","to":"savings","amount":80}';
const FROM_SAVINGS = '{"account":"savings","to":"checking","amount":80}';
const TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

/** A fresh home with a budget agent that may read checking, for 30 days. */
async function owner(): Promise<{ home: string; dir: string; agentFile: string }> {
  const s = scratch();
  cleanups.push(s.cleanup);
  expect((await cli(['init', '--id', 'k1'], { home: s.home })).code).toBe(0);
  const minted = await cli(
    [
      'mint',
      '--to',
      'budget-agent',
      '--allow',
      READ,
      '--allow',
      'args.account == "checking"',
      '--expires',
      '30d',
    ],
    { home: s.home },
  );
  expect(minted.code).toBe(0);
  const agentFile = join(s.dir, 'agent.token');
  writeFileSync(agentFile, minted.stdout, { mode: 0o600 });
  return { home: s.home, dir: s.dir, agentFile };
}

/** Files a request (exit 4, pending) and returns its id. */
async function ask(home: string, args: readonly string[]): Promise<string> {
  const r = await cli(['request', ...args], { home });
  expect(r.code, r.stderr).toBe(4);
  return r.stdout.trim();
}

function transfer(home: string, token: string, args: string) {
  return cli(['authorize', token, '--tool', 'bank.transfer', '--args', args], { home });
}

beforeAll(async () => {
  await buildCli();
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

describe.concurrent('before and after an approval', () => {
  it('the inbox and --dry-run show the verdict, the effect and the grant end, and decide nothing', async () => {
    const { home, agentFile } = await owner();
    const id = await ask(home, [
      `@${agentFile}`,
      '--allow',
      'tool == "bank.transfer"',
      '--reason',
      'cover the electricity bill',
    ]);
    const inbox = await cli(['inbox'], { home });
    expect(inbox.code).toBe(0);
    expect(inbox.stdout).toContain(`    ✓ within your authority  mandate approve ${id}\n`);
    expect(inbox.stdout).toMatch(
      new RegExp(
        `    if approved, budget-agent may also:\n      tool == "bank.transfer" and args.account == "checking" and time < ${TIME}\n    the grant would end: ${TIME} \\(in 29d23h|in 30d\\)`,
      ),
    );

    const json = await cliJson<{ requests: Record<string, unknown>[] }>(['inbox'], { home });
    expect(json.json.requests[0]).toMatchObject({
      id,
      verdict: { contained: true },
      effect: { complete: true },
      timeBoxCut: false,
      call: null,
      callAllowedAfter: null,
    });
    expect(typeof json.json.requests[0]?.['grantEnds']).toBe('string');

    const narrower = [
      '--allow',
      'tool == "bank.transfer" and args.amount <= 100',
      '--expires',
      '1h',
    ];
    const dry = await cli(['approve', id, ...narrower, '--dry-run'], { home });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`dry run: ${id} is not decided\n`);
    expect(dry.stdout).toMatch(
      new RegExp(
        `✓ within your authority\nif approved, budget-agent may also:\n  tool == "bank.transfer" and args.account == "checking" and args.amount <= 100 and time < ${TIME}\nthe grant would end: ${TIME} \\(in (1h|59m59s)\\)\n`,
      ),
    );
    const dryJson = await cliJson(['approve', id, ...narrower, '--dry-run'], { home });
    expect(dryJson.json).toMatchObject({
      id,
      status: 'pending',
      verdict: { contained: true },
      effect: {
        alternatives: [expect.stringMatching(/args\.amount <= 100/)],
        complete: true,
      },
      timeBoxCut: false,
    });
    expect((await cliJson(['status', id], { home })).json).toMatchObject({
      error: 'authorization_pending',
    });
  });

  it('approve prints what the agent may now do; the grant keeps its checking-only restriction', async () => {
    const { home, agentFile } = await owner();
    const id = await ask(home, [
      `@${agentFile}`,
      '--allow',
      'tool == "bank.transfer"',
      '--reason',
      'rent',
    ]);
    const approved = await cli(
      [
        'approve',
        id,
        '--allow',
        'tool == "bank.transfer" and args.amount <= 100',
        '--expires',
        '1h',
      ],
      { home },
    );
    expect(approved.code).toBe(0);
    const grantEnds = /grant ends: (\S+)\n/.exec(approved.stdout)?.[1];
    expect(grantEnds).toMatch(new RegExp(`^${TIME}$`));
    // The effect printed is the approval's own, to the millisecond.
    expect(approved.stdout).toContain(
      `budget-agent may now also:\n  tool == "bank.transfer" and args.account == "checking" and args.amount <= 100 and time < ${grantEnds}\n`,
    );
    const token = (await cli(['status', id], { home })).stdout.trim();
    expect((await transfer(home, token, FROM_CHECKING)).code).toBe(0);
    const savings = await transfer(home, token, FROM_SAVINGS);
    expect(savings.code).toBe(3);
    expect(savings.stdout).toContain('args.account is "savings", not "checking"');
  });

  it('beyond the grantor, --dry-run says approve would fail and to escalate (exit 0)', async () => {
    const { home, dir, agentFile } = await owner();
    const reporterFile = join(dir, 'reporter.token');
    const reporter = await cli([
      'delegate',
      `@${agentFile}`,
      '--to',
      'reporter',
      '--allow',
      'tool == "bank.list_transactions"',
    ]);
    writeFileSync(reporterFile, reporter.stdout);
    const id = await ask(home, [
      `@${reporterFile}`,
      '--allow',
      'tool == "bank.get_balance" and args.account == "savings"',
      '--reason',
      'monthly report',
    ]);
    const inbox = await cli(['inbox', '--token', `@${agentFile}`], { home });
    expect(inbox.stdout).toMatch(
      /✗ beyond your authority: escalate \(e\.g\. tool "bank\.get_balance", args \{"account":"savings"\}, time .*\) {2}mandate escalate req_/,
    );
    expect(inbox.stdout).toContain(
      'reporter would gain nothing within your own authority: what it asks for needs more than you hold',
    );
    const dry = await cli(['approve', id, '--token', `@${agentFile}`, '--dry-run'], { home });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('✗ beyond your authority: escalate');
    expect(dry.stdout).toContain(
      `approve would fail (ERR_REQUEST_EXCEEDS_AUTHORITY); escalate instead: mandate escalate ${id}\n`,
    );
    expect((await cliJson(['status', id], { home })).json).toMatchObject({
      error: 'authorization_pending',
    });
    // Like `request`, escalate prints only the new request's id on stdout, for `$(…)`.
    const escalated = await cli(['escalate', id, '--token', `@${agentFile}`], { home });
    expect(escalated.code).toBe(0);
    const linked = escalated.stdout.trim();
    expect(escalated.stdout).toMatch(/^req_[0-9a-f]{32}\n$/);
    expect(escalated.stderr).toContain(`↑ escalated ${id} to owner as ${linked}\n`);
  });

  it('a time box past the grantor’s own expiry is cut to it, and both commands say so', async () => {
    const { home, dir } = await owner();
    const planner = await cli(
      ['mint', '--to', 'planner', '--allow', 'tool ~ "fs.*"', '--expires', '1h'],
      { home },
    );
    const plannerFile = join(dir, 'planner.token');
    writeFileSync(plannerFile, planner.stdout);
    const coderFile = join(dir, 'coder.token');
    const coder = await cli([
      'delegate',
      `@${plannerFile}`,
      '--to',
      'coder',
      '--allow',
      'tool == "fs.read"',
    ]);
    writeFileSync(coderFile, coder.stdout);
    const id = await ask(home, [`@${coderFile}`, '--allow', 'tool == "fs.write"', '--reason', 'x']);
    const box = ['--token', `@${plannerFile}`, '--expires', '2h'];
    const dry = await cli(['approve', id, ...box, '--dry-run'], { home });
    expect(dry.stdout).toMatch(
      new RegExp(
        `the grant would end: ${TIME} \\(in (1h|59m\\d+s)\\)\nthe time box reaches past your own token's expiry: it would be cut to ${TIME}\n`,
      ),
    );
    const json = await cliJson(['approve', id, ...box, '--dry-run'], { home });
    expect(json.json).toMatchObject({ timeBoxCut: true });
    const approved = await cli(['approve', id, ...box], { home });
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(
      new RegExp(`the time box was cut to your own token's expiry: ${TIME}\n`),
    );
  });
});

describe.concurrent('requests that carry the denied call', () => {
  it('request --tool --args asks for the needed scope; the inbox shows the call and that approval lets it through', async () => {
    const { home, agentFile } = await owner();
    const denied = await cli(
      ['authorize', `@${agentFile}`, '--tool', 'bank.transfer', '--args', FROM_CHECKING],
      { home },
    );
    expect(denied.stdout).toContain(
      `ask with: mandate request @${agentFile} --tool bank.transfer --args '${FROM_CHECKING}' --reason '…'\n`,
    );
    const asked = await cli(
      [
        'request',
        `@${agentFile}`,
        '--tool',
        'bank.transfer',
        '--args',
        FROM_CHECKING,
        '--reason',
        'cover the electricity bill',
      ],
      { home },
    );
    expect(asked.code).toBe(4);
    expect(asked.stderr).toContain('asking for: tool == "bank.transfer"\n');
    const id = asked.stdout.trim();
    const inbox = await cli(['inbox'], { home });
    expect(inbox.stdout).toContain(
      '    budget-agent tried bank.transfer {"account":"checking","amount":80,"to":"savings"}\n      ✓ allowed after this approval\n',
    );
    const json = await cliJson<{ requests: Record<string, unknown>[] }>(['inbox'], { home });
    expect(json.json.requests[0]).toMatchObject({
      call: { tool: 'bank.transfer', args: { account: 'checking', to: 'savings', amount: 80 } },
      callAllowedAfter: true,
    });
    const tooSmall = await cli(
      ['approve', id, '--allow', 'tool == "bank.transfer" and args.amount <= 50', '--dry-run'],
      { home },
    );
    expect(tooSmall.stdout).toContain('  ✗ still denied after this approval\n');
    const approved = await cli(['approve', id], { home });
    expect(approved.stdout).toContain('  ✓ that call is now allowed\n');
  });

  it('--allow narrows what a call asks for; a call already allowed, or --args alone, is refused', async () => {
    const { home, agentFile } = await owner();
    const id = await ask(home, [
      `@${agentFile}`,
      '--tool',
      'bank.transfer',
      '--args',
      FROM_CHECKING,
      '--allow',
      'tool == "bank.transfer" and args.amount <= 80',
      '--reason',
      'x',
    ]);
    expect((await cliJson(['status', id], { home })).code).toBe(4);
    const view = await cliJson<{ requests: { scope: string[] }[] }>(['inbox'], { home });
    expect(view.json.requests[0]?.scope).toEqual(['tool == "bank.transfer" and args.amount <= 80']);

    const allowed = await cli(
      [
        '--json',
        'request',
        `@${agentFile}`,
        '--tool',
        'bank.get_balance',
        '--args',
        '{"account":"checking"}',
        '--reason',
        'x',
      ],
      { home },
    );
    expect(allowed.code).toBe(1);
    expect(jsonError(allowed)).toMatchObject({
      code: 'ERR_CLI_USAGE',
      message:
        'budget-agent may already call bank.get_balance with these arguments: there is nothing to ask for',
    });
    const argsAlone = await cli(['request', `@${agentFile}`, '--args', '{}', '--reason', 'x'], {
      home,
    });
    expect(argsAlone.stderr).toBe(
      'error: --args describes a call: give its --tool too (ERR_CLI_USAGE)\n',
    );
  });
});

describe.concurrent('scope and inspect', () => {
  it('mandate scope prints the whole scope simplified, one alternative per line, verified or marked unverified', async () => {
    const { home, dir, agentFile } = await owner();
    const id = await ask(home, [
      `@${agentFile}`,
      '--allow',
      'tool == "bank.transfer"',
      '--reason',
      'x',
    ]);
    await cli(['approve', id, '--allow', 'tool == "bank.transfer" and args.amount <= 100'], {
      home,
    });
    const token = (await cli(['status', id], { home })).stdout.trim();
    const tokenFile = join(dir, 'new.token');
    writeFileSync(tokenFile, token);

    const verified = await cli(['scope', `@${tokenFile}`], { home });
    expect(verified.code).toBe(0);
    const [status, heading, ...lines] = verified.stdout.split('\n');
    expect(status).toMatch(/^✓ verified under root key k1 in /);
    expect(heading).toBe('budget-agent may do, one alternative per line:');
    expect(lines.sort()).toEqual([
      '',
      expect.stringMatching(
        new RegExp(
          `^  tool == "bank.transfer" and args.account == "checking" and args.amount <= 100 and time < ${TIME}$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^  tool in \\["bank.get_balance", "bank.list_transactions"\\] and args.account == "checking" and time < ${TIME}$`,
        ),
      ),
    ]);
    const json = await cliJson<{ alternatives: string[] }>(['scope', `@${tokenFile}`], { home });
    expect(json.json).toMatchObject({
      verified: true,
      valid: true,
      principal: 'budget-agent',
      askFrom: 'owner',
      complete: true,
    });
    expect(json.json.alternatives).toHaveLength(2);

    const unverified = await cli(['scope', `@${tokenFile}`], { home: join(dir, 'none') });
    expect(unverified.code).toBe(0);
    expect(unverified.stdout).toMatch(
      /^⚠ UNVERIFIED: no home with root keys here, so anyone could have written this scope\nbudget-agent may do \(as the token claims\), one alternative per line:\n/,
    );
    const other = scratch();
    cleanups.push(other.cleanup);
    await cli(['init'], { home: other.home });
    const invalid = await cliJson(['scope', `@${tokenFile}`], { home: other.home });
    expect(invalid.code).toBe(1);
    expect(invalid.json).toMatchObject({ verified: false, valid: false });

    const inspected = await cli(['inspect', `@${tokenFile}`], { home });
    expect(inspected.stdout).toMatch(
      /\n {6}either tool in \["bank.list_transactions", "bank.get_balance"\] and args.account == "checking" and time < \S+\n {6}or {5}tool == "bank.transfer" and args.amount <= 100 and args.account == "checking" and time < \S+\n/,
    );
    expect(inspected.stdout).toContain(
      '\n  budget-agent may do, one alternative per line:\n    tool ',
    );
  });

  it('a token without conditions may do anything; a contradiction, nothing', async () => {
    const { home } = await owner();
    const bearer = (await cli(['mint', '--allow-all', '--no-expiry'], { home })).stdout.trim();
    expect((await cli(['scope', bearer], { home })).stdout).toContain(
      'any holder (bearer token) may do anything: the token has no conditions\n',
    );
    const empty = (
      await cli(
        ['mint', '--to', 'x', '--allow', 'args.n > 5', '--allow', 'args.n < 3', '--no-expiry'],
        { home },
      )
    ).stdout.trim();
    expect((await cli(['scope', empty], { home })).stdout).toContain(
      'x may do nothing: no request meets every condition\n',
    );
  });
});

describe.concurrent('standing policies and hostile text', () => {
  it('policy add approve --grant-expires time-boxes every grant the policy makes', async () => {
    const { home, agentFile } = await owner();
    const added = await cliJson<{ grantExpiresIn: number }>(
      ['policy', 'add', 'approve', '--scope', 'tool == "bank.accounts"', '--grant-expires', '10m'],
      { home },
    );
    expect(added.json.grantExpiresIn).toBe(600);
    const human = await cli(['policy', 'list'], { home });
    expect(human.stdout).toMatch(/ approve +tool == "bank.accounts" +- +10m\n/);
    expect((await cli(['policy', 'list'], { home })).stdout).toContain('GRANTS LAST');
    const asked = await cliJson<{ status: string; expiresAt: string }>(
      ['request', `@${agentFile}`, '--allow', 'tool == "bank.accounts"', '--reason', 'x'],
      { home },
    );
    expect(asked.code).toBe(0);
    const ends = Date.parse(asked.json.expiresAt) - Date.now();
    expect(ends).toBeGreaterThan(9 * 60_000);
    expect(ends).toBeLessThanOrEqual(10 * 60_000);
  });

  it('control characters in the call an agent sent are shown inert in the inbox', async () => {
    const { home, agentFile } = await owner();
    await ask(home, [
      `@${agentFile}`,
      '--tool',
      'bank.transfer',
      '--args',
      '{"account":"checking","memo":"\u009b2J"}',
      '--reason',
      'pay rent',
    ]);
    const inbox = await cli(['inbox'], { home });
    expect(inbox.stdout).not.toContain('\u001b');
    expect(inbox.stdout).not.toContain('\u009b');
    expect(inbox.stdout).toContain('"memo":"\\x9b2J"');
  });
});
