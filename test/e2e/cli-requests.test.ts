// Permission requests between separate `mandate` processes sharing one home: an agent asks
// (exit 4 while pending), the owner sees it in the inbox and approves it narrower and
// time-boxed, the agent picks up the new token with `status`; a subagent asks beyond its
// parent, the parent escalates, the owner approves and the subagent's call goes through;
// denials, policies, the audit log, and the error paths (unknown request id, deciding twice, a
// requester deciding its own). `request --wait` is in cli-redirect.test.ts, `run` in
// cli-run.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, cliJson, jsonError, scratch } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];
const TRANSFER_ARGS = '{"account":"checking","to":"savings","amount":80}';

/** A fresh home with a budget agent holding read access on checking. */
async function owner(): Promise<{ home: string; dir: string; agent: string; agentFile: string }> {
  const s = scratch();
  cleanups.push(s.cleanup);
  await cli(['init'], { home: s.home });
  const minted = await cli(
    [
      'mint',
      '--to',
      'budget-agent',
      '--allow',
      'tool in ["bank.list_transactions", "bank.get_balance"]',
      '--allow',
      'args.account == "checking"',
      '--expires',
      '30d',
    ],
    { home: s.home },
  );
  expect(minted.code).toBe(0);
  const agent = minted.stdout.trim();
  const agentFile = join(s.dir, 'agent.token');
  writeFileSync(agentFile, agent, { mode: 0o600 });
  return { home: s.home, dir: s.dir, agent, agentFile };
}

beforeAll(async () => {
  await buildCli();
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

describe.concurrent('request → inbox → approve → status', () => {
  it('an agent asks, the owner approves narrower and time-boxed, the agent picks up the token', async () => {
    const { home, agentFile } = await owner();
    const denied = await cli(
      ['authorize', `@${agentFile}`, '--tool', 'bank.transfer', '--args', TRANSFER_ARGS],
      { home },
    );
    expect(denied.code).toBe(3);

    const asked = await cli(
      [
        'request',
        `@${agentFile}`,
        '--allow',
        'tool == "bank.transfer"',
        '--reason',
        'cover the electricity bill',
      ],
      { home },
    );
    expect(asked.code).toBe(4);
    const id = asked.stdout.trim();
    expect(id).toMatch(/^req_[0-9a-f]+$/);
    expect(asked.stderr).toContain(`pending: request ${id} from budget-agent is waiting for owner`);

    const pending = await cliJson(['status', id], { home });
    expect(pending.code).toBe(4);
    expect(pending.json).toMatchObject({ id, error: 'authorization_pending', interval: 5 });

    const inbox = await cli(['inbox'], { home });
    expect(inbox.code).toBe(0);
    expect(inbox.stdout).toContain('1 open request for owner');
    expect(inbox.stdout).toContain(`${id}  pending  budget-agent → owner`);
    expect(inbox.stdout).toContain('reason:   cover the electricity bill');
    expect(inbox.stdout).toContain('✓ within your authority');

    const approved = await cliJson<{
      status: string;
      outcome: { scope: string[]; expiresAt: string };
    }>(
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
    expect(approved.json.status).toBe('approved');
    expect(approved.json.outcome.scope).toEqual(['tool == "bank.transfer" and args.amount <= 100']);
    expect(Date.parse(approved.json.outcome.expiresAt) - Date.now()).toBeGreaterThan(3500_000);

    const picked = await cli(['status', id], { home });
    expect(picked.code).toBe(0);
    const newToken = picked.stdout.trim();
    expect(picked.stderr).toContain('approved: tool == "bank.transfer" and args.amount <= 100');
    expect(
      (
        await cli(['authorize', newToken, '--tool', 'bank.transfer', '--args', TRANSFER_ARGS], {
          home,
        })
      ).code,
    ).toBe(0);
    const tooMuch = await cli(
      [
        'authorize',
        newToken,
        '--tool',
        'bank.transfer',
        '--args',
        '{"account":"checking","to":"savings","amount":500}',
      ],
      { home },
    );
    expect(tooMuch.code).toBe(3);
    expect(tooMuch.stdout).toContain('args.amount is 500, not <= 100');
    expect((await cli(['inbox'], { home })).stdout).toBe('no open requests for owner\n');

    const again = await cli(['approve', id], { home });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `error: request ${id} is approved; it can no longer be decided that way (ERR_REQUEST_NOT_PENDING)\n`,
    );
  });

  it('a denial reaches the requester as access_denied (exit 3)', async () => {
    const { home, agentFile } = await owner();
    const id = (
      await cli(
        ['request', `@${agentFile}`, '--allow', 'tool == "bank.transfer"', '--reason', 'rent'],
        { home },
      )
    ).stdout.trim();
    const denied = await cli(['deny', id, '--reason', 'no transfers this month'], { home });
    expect(denied.code).toBe(0);
    expect(denied.stdout).toContain(`✗ denied ${id} from budget-agent`);
    const status = await cli(['status', id], { home });
    expect(status).toMatchObject({
      code: 3,
      stdout: '',
      stderr: 'access_denied  no transfers this month\n',
    });
    const json = await cliJson(['status', id], { home });
    expect(json.json).toEqual({ id, error: 'access_denied', reason: 'no transfers this month' });
  });

  it('an approval beyond what was asked, or by the requester itself, is refused', async () => {
    const { home, agent, agentFile } = await owner();
    const id = (
      await cli(
        [
          'request',
          `@${agentFile}`,
          '--allow',
          'tool == "bank.transfer" and args.amount <= 10',
          '--reason',
          'x',
        ],
        { home },
      )
    ).stdout.trim();
    const wider = await cli(['--json', 'approve', id, '--allow', 'tool == "bank.transfer"'], {
      home,
    });
    expect(wider.code).toBe(1);
    expect(jsonError(wider)).toMatchObject({ code: 'ERR_REQUEST_SCOPE_NOT_REQUESTED', id });
    const self = await cli(['--json', 'approve', id, '--token', agent], { home });
    expect(self.code).toBe(1);
    expect(jsonError(self)).toMatchObject({ code: 'ERR_REQUEST_FORBIDDEN', id });
  });

  it('an unknown request id is one line for every command', async () => {
    const { home } = await owner();
    for (const args of [
      ['status', 'req_nope'],
      ['approve', 'req_nope'],
      ['deny', 'req_nope', '--reason', 'x'],
      ['escalate', 'req_nope'],
    ]) {
      const r = await cli(args, { home });
      expect(r).toMatchObject({
        code: 1,
        stderr: 'error: no request with id "req_nope" (ERR_REQUEST_NOT_FOUND)\n',
      });
    }
  });

  it('a request needs a reason, a call or a condition, and a token that verifies', async () => {
    const { home, agentFile } = await owner();
    expect(
      (await cli(['request', `@${agentFile}`, '--allow', 'tool == "x"'], { home })).stderr,
    ).toContain("required option '--reason <text>' not specified");
    expect((await cli(['request', `@${agentFile}`, '--reason', 'x'], { home })).stderr).toContain(
      'say what you ask for: the denied call (--tool and --args), or --allow <condition>',
    );
    const syntax = await cli(
      ['request', `@${agentFile}`, '--allow', 'tool = "x"', '--reason', 'x'],
      { home },
    );
    expect(syntax.stderr).toMatch(/^error: --allow: .*\n {4}tool = "x"\n {4} *\^\n$/);
    const other = await owner();
    const foreign = await cli(['request', other.agent, '--allow', 'tool == "x"', '--reason', 'x'], {
      home,
    });
    expect(foreign).toMatchObject({ code: 1 });
    expect(foreign.stderr).toMatch(/^error: token is invalid \(ERR_(REQUEST_)?TOKEN_INVALID\)\n$/);
  });
});

describe.concurrent('escalation across processes', () => {
  it('a subagent asks beyond its parent; the parent escalates; the owner approves; the subagent’s call passes', async () => {
    const { home, dir, agentFile } = await owner();
    const reporter = (
      await cli([
        'delegate',
        `@${agentFile}`,
        '--to',
        'reporter',
        '--allow',
        'tool == "bank.list_transactions"',
      ])
    ).stdout.trim();
    const reporterFile = join(dir, 'reporter.token');
    writeFileSync(reporterFile, reporter);
    const savings = '{"account":"savings"}';
    const denied = await cliJson<{ needed: { askFrom: string } }>(
      ['authorize', `@${reporterFile}`, '--tool', 'bank.get_balance', '--args', savings],
      { home },
    );
    expect(denied.code).toBe(3);
    expect(denied.json.needed.askFrom).toBe('budget-agent');

    const id = (
      await cli(
        [
          'request',
          `@${reporterFile}`,
          '--allow',
          'tool == "bank.get_balance" and args.account == "savings"',
          '--reason',
          'monthly report',
        ],
        { home },
      )
    ).stdout.trim();
    const parentInbox = await cli(['inbox', '--token', `@${agentFile}`], { home });
    expect(parentInbox.stdout).toContain(`${id}  pending  reporter → budget-agent`);
    expect(parentInbox.stdout).toContain('✗ beyond your authority: escalate');
    const ownerInbox = await cli(['inbox'], { home });
    expect(ownerInbox.stdout).toBe('no open requests for owner\n');

    const cannot = await cli(['--json', 'approve', id, '--token', `@${agentFile}`], { home });
    expect(cannot.code).toBe(1);
    expect(jsonError(cannot)).toMatchObject({
      code: 'ERR_REQUEST_EXCEEDS_AUTHORITY',
      remedy: 'escalate',
    });

    const escalated = await cliJson<{ linked: { id: string; grantor: string } }>(
      ['escalate', id, '--token', `@${agentFile}`, '--auto-approve'],
      { home },
    );
    expect(escalated.code).toBe(0);
    const linked = escalated.json.linked.id;
    expect(escalated.json.linked.grantor).toBe('owner');
    expect((await cliJson(['status', id], { home })).json).toMatchObject({
      error: 'authorization_pending',
    });

    const inbox = await cli(['inbox'], { home });
    expect(inbox.stdout).toContain(`${linked}  pending  budget-agent → owner`);
    expect(inbox.stdout).toContain(`escalates: ${id}`);
    expect((await cli(['approve', linked], { home })).code).toBe(0);

    const reporterNew = await cli(['status', id], { home });
    expect(reporterNew.code).toBe(0);
    const parentNew = await cli(['status', linked], { home });
    expect(parentNew.code).toBe(0);
    expect(
      (
        await cli(
          ['authorize', reporterNew.stdout.trim(), '--tool', 'bank.get_balance', '--args', savings],
          { home },
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          ['authorize', parentNew.stdout.trim(), '--tool', 'bank.get_balance', '--args', savings],
          { home },
        )
      ).code,
    ).toBe(0);

    const audit = await cliJson<{
      entries: { kind: string; actor: string; requestId: string | null }[];
    }>(['audit'], { home });
    const kinds = audit.json.entries.map(
      (e) =>
        `${e.kind}:${e.actor}:${e.requestId === id ? 'orig' : e.requestId === linked ? 'linked' : '-'}`,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'request:reporter:orig',
        'escalate:budget-agent:orig',
        'approve:owner:linked',
        'approve:budget-agent:orig',
      ]),
    );
  });

  it('the owner has nobody to escalate to', async () => {
    const { home, agentFile } = await owner();
    const id = (
      await cli(
        ['request', `@${agentFile}`, '--allow', 'tool == "bank.transfer"', '--reason', 'x'],
        { home },
      )
    ).stdout.trim();
    const r = await cli(['escalate', id], { home });
    expect(r).toMatchObject({ code: 1 });
    expect(r.stderr).toContain('(ERR_REQUEST_CANNOT_ESCALATE)');
  });
});

describe.concurrent('policies, audit', () => {
  it('standing policies approve or deny without asking, and can be listed and removed', async () => {
    const { home, agentFile } = await owner();
    const added = await cliJson<{ id: string }>(
      ['policy', 'add', 'approve', '--scope', 'tool == "bank.get_balance"'],
      { home },
    );
    expect(added.code).toBe(0);
    await cli(
      ['policy', 'add', 'deny', '--scope', 'tool == "bank.transfer" and args.amount > 1000'],
      { home },
    );
    const list = await cli(['policy', 'list'], { home });
    expect(list.stdout).toMatch(/pol_\S+\s+owner\s+approve\s+tool == "bank.get_balance"/);
    expect(list.stdout).toMatch(
      /pol_\S+\s+owner\s+deny\s+tool == "bank.transfer" and args.amount > 1000/,
    );

    const auto = await cli(
      [
        'request',
        `@${agentFile}`,
        '--allow',
        'tool == "bank.get_balance" and args.account == "savings"',
        '--reason',
        'read savings',
      ],
      { home },
    );
    expect(auto.code).toBe(0);
    expect(
      (
        await cli(
          [
            'authorize',
            auto.stdout.trim(),
            '--tool',
            'bank.get_balance',
            '--args',
            '{"account":"savings"}',
          ],
          { home },
        )
      ).code,
    ).toBe(0);
    const refused = await cli(
      [
        'request',
        `@${agentFile}`,
        '--allow',
        'tool == "bank.transfer" and args.amount == 5000',
        '--reason',
        'big',
      ],
      { home },
    );
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^access_denied /);

    expect((await cli(['policy', 'remove', added.json.id], { home })).code).toBe(0);
    expect((await cli(['policy', 'remove', added.json.id], { home })).stderr).toContain(
      '(ERR_REQUEST_POLICY_NOT_FOUND)',
    );
    expect(
      (await cli(['policy', 'add', 'maybe', '--scope', 'tool == "x"'], { home })).stderr,
    ).toContain('the effect must be "approve" or "deny"');
  });

  it('audit lists every mint, request and decision, filters by time and request, and verifies its chain', async () => {
    const { home, agent, agentFile } = await owner();
    const id = (
      await cli(
        ['request', `@${agentFile}`, '--allow', 'tool == "bank.transfer"', '--reason', 'audit me'],
        { home },
      )
    ).stdout.trim();
    await cli(['deny', id, '--reason', 'not today'], { home });
    const all = await cli(['audit'], { home });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^#\s+TIME\s+KIND\s+WHO\s+DETAILS\n/);
    expect(all.stdout).toMatch(/mint\s+owner → budget-agent/);
    expect(all.stdout).toContain('reason: audit me');
    expect(all.stdout).toMatch(/deny\s+owner → budget-agent\s+req_\S+\s+reason: not today/);
    const one = await cliJson<{ entries: { kind: string }[] }>(['audit', '--request', id], {
      home,
    });
    expect(one.json.entries.map((e) => e.kind)).toEqual(['request', 'deny']);
    const future = await cliJson<{ entries: unknown[] }>(
      ['audit', '--since', '2999-01-01T00:00:00Z'],
      { home },
    );
    expect(future.json.entries).toEqual([]);
    const recent = await cliJson<{ entries: unknown[] }>(['audit', '--since', '1h'], { home });
    expect(recent.json.entries.length).toBeGreaterThanOrEqual(4);
    expect((await cli(['audit', '--since', 'yesterday'], { home })).stderr).toContain(
      '--since "yesterday" is neither a duration',
    );
    const verified = await cli(['audit', '--verify'], { home });
    expect(verified.stdout).toMatch(/^✓ audit log intact: \d+ entries/);
    expect(all.stdout).not.toContain(agent.slice(20));
  });
});
