// The built `mandate` binary making and checking delegations: mint, delegate (offline, no home),
// inspect (unverified / verified / invalid), authorize (exit 0 allowed, 3 denied with every
// failed caveat, its author and the needed scope), contains (with a witness), tokens read from
// stdin and files, and every bad input as one clear line (malformed token, DSL syntax error with
// its caret excerpt, bad JSON).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, cliJson, jsonError, scratch } from './fixtures/cli-harness.js';

const READ = 'tool in ["bank.list_transactions", "bank.get_balance"]';
const CHECKING = 'args.account == "checking"';

let home: string;
let dir: string;
let agentToken: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  await buildCli();
  const s = scratch();
  cleanups.push(s.cleanup);
  ({ home, dir } = s);
  expect((await cli(['init', '--id', 'k1'], { home })).code).toBe(0);
  const minted = await cli(
    ['mint', '--to', 'budget-agent', '--allow', READ, '--allow', CHECKING, '--expires', '30d'],
    { home },
  );
  expect(minted.code).toBe(0);
  agentToken = minted.stdout.trim();
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

describe.concurrent('mint', () => {
  it('prints only the token on stdout and describes it on stderr', async () => {
    expect(agentToken).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    const r = await cli(['mint', '--to', 'x', '--allow', 'tool == "t"', '--expires', '2h'], {
      home,
    });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('minted for x: 2 condition(s), key k1');
    expect(r.stderr).toMatch(/expires: \d{4}-\d\d-\d\dT/);
  });

  it('--json gives the token, its ids, expiry and blocks', async () => {
    const before = Date.now();
    const r = await cliJson<{
      token: string;
      keyId: string;
      principal: string;
      expiresAt: string;
      blocks: { conditions: string[] }[];
    }>(['mint', '--to', 'x', '--allow', READ, '--expires', '2h'], { home });
    expect(r.json).toMatchObject({
      keyId: 'k1',
      principal: 'x',
      blocks: [{ grantor: 'owner', grantee: 'x' }],
    });
    expect(r.json.blocks[0]?.conditions[0]).toBe(READ);
    const expires = Date.parse(r.json.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 2 * 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 2 * 3600_000 + 1000);
  });

  it('a DSL syntax error names the option and shows the caret excerpt under the error line', async () => {
    const r = await cli(
      [
        'mint',
        '--to',
        'x',
        '--allow',
        'tool == "t"',
        '--allow',
        'args.amount <== 100',
        '--expires',
        '1h',
      ],
      { home },
    );
    expect(r.code).toBe(1);
    const [first, source, caret] = r.stderr.split('\n');
    const column = Number(/line 1, column (\d+)\)/.exec(first ?? '')?.[1]);
    expect(first).toMatch(/^error: --allow #2: .* \(ERR_SCOPE_SYNTAX\)$/);
    expect(source).toBe('    args.amount <== 100');
    expect(caret).toBe(`${' '.repeat(4 + column - 1)}^`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const json = await cli(
      ['--json', 'mint', '--to', 'x', '--allow', 'args.amount <== 100', '--expires', '1h'],
      { home },
    );
    expect(jsonError(json)).toMatchObject({
      code: 'ERR_SCOPE_SYNTAX',
      line: 1,
      column,
      excerpt: `args.amount <== 100\n${' '.repeat(column - 1)}^`,
    });
  });

  it('a reserved or empty principal is one line naming the flag', async () => {
    const r = await cli(['mint', '--to', 'owner', '--allow', 'tool == "t"', '--expires', '1h'], {
      home,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: --to is reserved (ERR_CLI_BAD_INPUT)\n');
    const empty = await cli(['mint', '--to', '', '--allow', 'tool == "t"', '--expires', '1h'], {
      home,
    });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("option '--to <principal>' argument '' is invalid");
  });
});

describe.concurrent('mint needs an explicit choice of scope and lifetime', () => {
  it('refuses a token with no conditions or no expiry that was not asked for by name', async () => {
    const none = await cli(['mint', '--to', 'x'], { home });
    expect(none).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'error: say what the token allows: --allow <condition> (repeat for more), or --allow-all for everything the owner can do (ERR_CLI_USAGE)\n',
    });
    const forever = await cli(['mint', '--to', 'x', '--allow', 'tool == "t"'], { home });
    expect(forever).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'error: say how long the token lasts: --expires <duration> (e.g. 30d), or --no-expiry for a token that never expires (ERR_CLI_USAGE)\n',
    });
    const both = await cli(['mint', '--allow-all', '--allow', 'tool == "t"', '--no-expiry'], {
      home,
    });
    expect(both.stderr).toContain('--allow-all and --allow contradict each other');
    const twice = await cli(['mint', '--allow-all', '--expires', '1h', '--no-expiry'], { home });
    expect(twice.stderr).toContain('--expires and --no-expiry contradict each other');
  });

  it('--allow-all and --no-expiry make what they say, and say so', async () => {
    const r = await cliJson<{ expiresAt: string | null; blocks: { conditions: string[] }[] }>(
      ['mint', '--to', 'x', '--allow-all', '--no-expiry'],
      { home },
    );
    expect(r.code).toBe(0);
    expect(r.json.expiresAt).toBeNull();
    expect(r.json.blocks[0]?.conditions).toEqual([]);
    const human = await cli(['mint', '--to', 'x', '--allow-all', '--expires', '1h'], { home });
    expect(human.stderr).toContain('minted for x: 1 condition(s)');
  });
});

describe.concurrent('delegate (offline)', () => {
  it('attenuates without any home, reading the parent from stdin or a file', async () => {
    const noHome = join(dir, 'never-created');
    const viaStdin = await cli(
      [
        'delegate',
        '-',
        '--to',
        'reporter',
        '--allow',
        'tool == "bank.list_transactions"',
        '--expires',
        '1h',
      ],
      {
        home: noHome,
        input: `${agentToken}\n`,
      },
    );
    expect(viaStdin.code).toBe(0);
    const child = viaStdin.stdout.trim();
    expect(child.length).toBeGreaterThan(agentToken.length);
    const file = join(dir, 'agent.token');
    writeFileSync(file, agentToken);
    const viaFile = await cliJson<{
      principal: string;
      blocks: { grantor: string; grantee: string }[];
    }>(
      ['delegate', `@${file}`, '--to', 'reporter', '--allow', 'tool == "bank.list_transactions"'],
      { home: noHome },
    );
    expect(viaFile.json.principal).toBe('reporter');
    expect(viaFile.json.blocks.map((b) => `${b.grantor}->${b.grantee}`)).toEqual([
      'owner->budget-agent',
      'budget-agent->reporter',
    ]);
    // The child can do less than its parent: the home that holds the key decides.
    const allowed = await cli(
      ['authorize', child, '--tool', 'bank.list_transactions', '--args', '{"account":"checking"}'],
      { home },
    );
    expect(allowed.code).toBe(0);
    const denied = await cli(
      ['authorize', child, '--tool', 'bank.get_balance', '--args', '{"account":"checking"}'],
      { home },
    );
    expect(denied.code).toBe(3);
    expect(denied.stdout).toContain('written by budget-agent');
  });

  it('takes the token from $MANDATE_TOKEN and warns about an empty scope', async () => {
    const r = await cli(['delegate', '--to', 'nobody', '--allow', 'tool == "bank.transfer"'], {
      env: { MANDATE_TOKEN: agentToken },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: no request satisfies every condition of the new token: it allows nothing',
    );
  });

  it('refuses a malformed token, a missing token and an unreadable token file in one line', async () => {
    const bad = await cli(['delegate', 'not-a-token', '--to', 'r']);
    expect(bad).toMatchObject({ code: 1, stderr: 'error: token is invalid (ERR_TOKEN_INVALID)\n' });
    const none = await cli(['delegate', '--to', 'r']);
    expect(none.stderr).toMatch(
      /^error: no token given: pass it as an argument, as - \(stdin\) or @file, or set MANDATE_TOKEN \(ERR_CLI_USAGE\)\n$/,
    );
    const missing = await cli(['delegate', `@${join(dir, 'nope.token')}`, '--to', 'r']);
    expect(missing.stderr).toBe(
      `error: token file ${join(dir, 'nope.token')}: no such file (ERR_CLI_BAD_INPUT)\n`,
    );
  });
});

describe.concurrent('inspect', () => {
  it('says verified when this home holds the key', async () => {
    const r = await cli(['inspect', agentToken], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ verified under root key k1 in /);
    expect(r.stdout).toMatch(/block 0 {2}owner → budget-agent {2}until \d{4}-/);
    expect(r.stdout).toContain(`      ${READ}\n`);
    expect(r.stdout).toMatch(/expires: +\d{4}-\d\d-\d\dT[\d:.]+Z \(in 29d23h|in 30d\)/);
    // Abbreviated: never the whole token (its end is the signature).
    expect(r.stdout).not.toContain(agentToken);
    expect(r.stdout).not.toContain(agentToken.slice(-20));
  });

  it('is marked unverified without a home, and invalid under another owner’s keys', async () => {
    const unverified = await cliJson<{ verified: boolean; valid: null }>(['inspect', agentToken], {
      home: join(dir, 'none'),
    });
    expect(unverified.code).toBe(0);
    expect(unverified.json).toMatchObject({
      verified: false,
      valid: null,
      principal: 'budget-agent',
    });
    const human = await cli(['inspect', agentToken], { home: join(dir, 'none') });
    expect(human.stdout).toMatch(/^⚠ UNVERIFIED: /);
    const other = scratch();
    cleanups.push(other.cleanup);
    await cli(['init'], { home: other.home });
    const invalid = await cli(['inspect', agentToken], { home: other.home });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/^✗ INVALID: does not verify under the keys in /);
    expect(invalid.stdout).toContain('owner → budget-agent');
  });

  it('refuses a malformed or truncated token', async () => {
    const truncated = await cli(['inspect', agentToken.slice(0, 40)], { home });
    expect(truncated).toMatchObject({
      code: 1,
      stderr: 'error: token is invalid (ERR_TOKEN_INVALID)\n',
    });
    const json = await cli(['--json', 'inspect', '!!!'], { home });
    expect(jsonError(json)).toEqual({ code: 'ERR_TOKEN_INVALID', message: 'token is invalid' });
  });
});

describe.concurrent('authorize', () => {
  it('allows a call inside the scope (exit 0)', async () => {
    const r = await cli(
      ['authorize', agentToken, '--tool', 'bank.get_balance', '--args', '{"account":"checking"}'],
      { home },
    );
    expect(r).toMatchObject({ code: 0, stdout: '✓ allowed  bank.get_balance as budget-agent\n' });
  });

  it('denies at once with every failed caveat, its author, the needed scope and whom to ask (exit 3)', async () => {
    const args = '{"account":"savings","to":"checking","amount":500}';
    const r = await cli(
      ['authorize', agentToken, '--tool', 'bank.transfer', '--args', args, '--as', 'budget-agent'],
      { home },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('✗ denied  bank.transfer as budget-agent');
    expect(r.stdout).toContain(`caveat 1 (block 0, written by owner): ${READ}`);
    expect(r.stdout).toContain(`caveat 2 (block 0, written by owner): ${CHECKING}`);
    expect(r.stdout).toContain('args.account is "savings", not "checking"');
    expect(r.stdout).toMatch(
      /needed scope \(ask owner\):\n {4}tool == "bank.transfer"\n {4}args.account == "savings"/,
    );
    const json = await cliJson<{
      allowed: boolean;
      failures: { block: number; index: number; author: string }[];
      needed: { askFrom: string; scope: string[] };
    }>(['authorize', agentToken, '--tool', 'bank.transfer', '--args', args], { home });
    expect(json.code).toBe(3);
    expect(json.json.allowed).toBe(false);
    expect(json.json.failures.map((f) => [f.block, f.index, f.author])).toEqual([
      [0, 1, 'owner'],
      [0, 2, 'owner'],
    ]);
    expect(json.json.needed.askFrom).toBe('owner');
    expect(json.json.needed.scope).toContain('tool == "bank.transfer"');
  });

  it('refuses a token used by another principal, with nothing to ask for', async () => {
    const r = await cliJson<{ allowed: boolean; failures: { kind: string }[]; needed?: unknown }>(
      [
        'authorize',
        agentToken,
        '--tool',
        'bank.get_balance',
        '--args',
        '{"account":"checking"}',
        '--as',
        'mallory',
      ],
      { home },
    );
    expect(r.code).toBe(3);
    expect(r.json.failures.map((f) => f.kind)).toContain('principal');
    expect(r.json.needed).toBeUndefined();
    const env = await cli(
      ['authorize', agentToken, '--tool', 'bank.get_balance', '--args', '{"account":"checking"}'],
      {
        home,
        env: { MANDATE_PRINCIPAL: 'mallory' },
      },
    );
    expect(env.code).toBe(3);
  });

  it('reads --args from a file, and reports bad JSON or a non-object in one line', async () => {
    const file = join(dir, 'args.json');
    writeFileSync(file, '{"account":"checking"}');
    expect(
      (
        await cli(['authorize', agentToken, '--tool', 'bank.get_balance', '--args', `@${file}`], {
          home,
        })
      ).code,
    ).toBe(0);
    const bad = await cli(
      ['authorize', agentToken, '--tool', 'bank.get_balance', '--args', '{account:'],
      { home },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --args is not valid JSON: .* \(ERR_CLI_BAD_INPUT\)\n$/);
    const array = await cli(
      ['authorize', agentToken, '--tool', 'bank.get_balance', '--args', '[1]'],
      { home },
    );
    expect(array.stderr).toContain('--args must be a JSON object');
  });

  it('needs a home with the key, and refuses a tampered token with one fixed message', async () => {
    const noHome = await cli(['authorize', agentToken, '--tool', 'bank.get_balance'], {
      home: join(dir, 'none'),
    });
    expect(noHome.code).toBe(1);
    expect(noHome.stderr).toContain('(ERR_CLI_NO_HOME)');
    const last = agentToken.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${agentToken.slice(0, -2)}${last}${agentToken.at(-1) ?? ''}`;
    const r = await cli(
      ['authorize', tampered, '--tool', 'bank.get_balance', '--args', '{"account":"checking"}'],
      { home },
    );
    expect(r).toMatchObject({ code: 1, stderr: 'error: token is invalid (ERR_TOKEN_INVALID)\n' });
  });
});

describe.concurrent('contains', () => {
  it('answers yes (exit 0) or no with a witness (exit 3)', async () => {
    const yes = await cli(['contains', 'args.path ~ "/repo/**"', 'args.path ~ "/repo/src/*.ts"']);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/^✓ contained/);
    const no = await cliJson<{ contained: boolean; witness: { args: { amount: number } } }>([
      'contains',
      'args.amount <= 100',
      'args.amount <= 500',
    ]);
    expect(no.code).toBe(3);
    expect(no.json.contained).toBe(false);
    expect(no.json.witness.args.amount).toBeGreaterThan(100);
    expect(no.json.witness.args.amount).toBeLessThanOrEqual(500);
    const human = await cli(['contains', 'args.amount <= 100', 'args.amount <= 500']);
    expect(human.stdout).toMatch(
      /^✗ not contained: .*\n {2}tool ".*", args \{"amount":\d+(\.\d+)?\}, time \d{4}-/,
    );
  });

  it('a syntax error in either scope shows its caret excerpt', async () => {
    const r = await cli(['contains', 'tool == "a"', 'tool ~~ "b"']);
    expect(r.code).toBe(1);
    const [first, source, caret] = r.stderr.split('\n');
    expect(first).toMatch(/^error: inner scope: .*\(line 1, column \d+\) \(ERR_SCOPE_SYNTAX\)$/);
    expect(source).toBe('    tool ~~ "b"');
    expect(caret).toMatch(/^ {4} *\^$/);
  });
});
