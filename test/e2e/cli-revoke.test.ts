// Taking delegations back from the command line, with the built `mandate` binary in separate
// processes sharing one home (as an owner, its agents and a verifier would): `revoke` by token,
// stdin, file or hop id refuses that token and every token derived from it, and `authorize` in
// another process denies them (exit 3) naming the hop, who revoked it, when and why, while the
// token above still works; revoking again is harmless (exit 0); approvals go with the token whose
// request they answered; `--principal` is the owner's kill switch; an agent revokes only below its
// own place. `delegations` lists what the home has seen (offline hops once a token reaches it),
// filters by principal and status and draws the tree; `inspect` shows the ids `revoke` takes.
// Usage errors are one line. Principal names that agents chose, with an ANSI escape and a bidi
// override, are shown inert (in-process, on a terminal and off it) and kept exact in JSON; and a
// verifier's stale revocations are said plainly in a denial.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/context.js';
import { printDecision } from '../../src/cli/format.js';
import { Output } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/program.js';
import {
  authorize,
  createRootKey,
  mintDelegation,
  RevocationList,
  RootKeyring,
} from '../../src/delegation/index.js';
import { addFirstPartyCaveat, decodeMacaroon, encodeMacaroon } from '../../src/macaroon/index.js';
import { buildCli, cli, cliJson, jsonError, scratch } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];

beforeAll(async () => {
  await buildCli();
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

const LEAK = 'the coder leaked its token';
const READ_REPO = ['--tool', 'fs.read', '--args', '{"path":"/repo/a.ts"}'];
const INSTANT = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

/** One node of `delegations --json`, as far as these tests read it. */
interface Node {
  readonly id: string;
  readonly parent: string | null;
  readonly via: string | null;
  readonly grantor: string;
  readonly grantee: string | null;
  readonly source: string;
  readonly status: string;
  readonly revoked?: { readonly kind: string; readonly target: string; readonly by: string };
}

/**
 * A fresh home where the owner minted for a planner, which delegated to a coder, which delegated
 * to a helper (both offline), the tokens in files, and every hop's id as `inspect --json` says.
 */
async function chain() {
  const s = scratch();
  cleanups.push(s.cleanup);
  const { home, dir } = s;
  const run = (args: readonly string[], input?: string) =>
    cli(args, { home, ...(input === undefined ? {} : { input }) });
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    return `@${join(dir, name)}`;
  };
  expect((await run(['init'])).code).toBe(0);
  const minted = await run([
    'mint',
    '--to',
    'planner',
    '--allow',
    'tool ~ "fs.*"',
    '--expires',
    '8h',
  ]);
  expect(minted.code, minted.stderr).toBe(0);
  const planner = file('planner.token', minted.stdout);
  const coder = file(
    'coder.token',
    (
      await run([
        'delegate',
        planner,
        '--to',
        'coder',
        '--allow',
        'tool == "fs.read"',
        '--expires',
        '1h',
      ])
    ).stdout,
  );
  const helper = file(
    'helper.token',
    (await run(['delegate', coder, '--to', 'helper', '--allow', 'args.path ~ "/repo/**"'])).stdout,
  );
  const view = await cliJson<{ id: string; blocks: { id: string }[] }>(['inspect', helper], {
    home,
  });
  const [plannerHop, coderHop, helperHop] = view.json.blocks.map((b) => b.id) as [
    string,
    string,
    string,
  ];
  expect(view.json.id).toBe(helperHop);
  const nodes = async (...args: string[]) =>
    (await cliJson<Node[]>(['delegations', ...args], { home })).json;
  return {
    home,
    file,
    run,
    nodes,
    tokens: { planner, coder, helper },
    hops: { planner: plannerHop, coder: coderHop, helper: helperHop },
  };
}

/** The hop id of a token held in a file (`@path`). */
async function hopOf(home: string, token: string): Promise<string> {
  return (await cliJson<{ id: string }>(['inspect', token], { home })).json.id;
}

describe.concurrent('revoke', () => {
  it('denies the revoked token and every token derived from it (exit 3), saying which hop, by whom, when and why; the token above still works', async () => {
    const c = await chain();
    const revoked = await c.run(['revoke', c.tokens.coder, '--reason', LEAK]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const lines = revoked.stdout.split('\n');
    expect(lines[0]).toBe(`✓ revoked ${c.hops.coder} (planner → coder)`);
    expect(lines.slice(1, 6)).toEqual([
      '  holder:  coder',
      '  by:      owner',
      expect.stringMatching(new RegExp(`^ {2}at: {6}${INSTANT} \\(now\\)$`)),
      `  reason:  ${LEAK}`,
      '  with it: no approval answered a request from it',
    ]);

    for (const [token, holder] of [
      [c.tokens.coder, 'coder'],
      [c.tokens.helper, 'helper'],
    ] as const) {
      const denied = await c.run(['authorize', token, ...READ_REPO]);
      expect(denied.code, denied.stderr).toBe(3);
      expect(denied.stdout.split('\n')).toEqual([
        `✗ denied  fs.read as ${holder}`,
        `  revoked: ${c.hops.coder} (block 1, planner → coder), and every token derived from it`,
        expect.stringMatching(new RegExp(`^ {4}by owner at ${INSTANT}: ${LEAK}$`)),
        '  a permission request cannot help: a revocation is final; only a new delegation can replace it',
        '',
      ]);
    }
    const json = await cliJson<{
      allowed: boolean;
      failures: { kind: string; block: number }[];
      revoked: Record<string, unknown>;
    }>(['authorize', c.tokens.helper, ...READ_REPO], { home: c.home });
    expect(json.code).toBe(3);
    expect(json.json.allowed).toBe(false);
    expect(json.json.failures).toEqual([expect.objectContaining({ kind: 'revoked', block: 1 })]);
    expect(json.json.revoked).toMatchObject({
      target: c.hops.coder,
      kind: 'hop',
      block: 1,
      grantor: 'planner',
      grantee: 'coder',
      by: 'owner',
      reason: LEAK,
    });
    expect(await c.run(['authorize', c.tokens.planner, ...READ_REPO])).toMatchObject({
      code: 0,
      stdout: '✓ allowed  fs.read as planner\n',
    });
  });

  it('says a token was revoked already and changes nothing (exit 0), given on stdin, in a file or by its hop id', async () => {
    const c = await chain();
    expect((await c.run(['revoke', c.tokens.coder, '--reason', LEAK])).code).toBe(0);
    const coderText = readFileSync(c.tokens.coder.slice(1), 'utf8');
    const hopFile = c.file('coder.hop', `${c.hops.coder}\n`);
    for (const [target, input] of [
      ['-', coderText],
      [c.hops.coder, undefined],
      [hopFile, undefined],
    ] as const) {
      const again = await c.run(['revoke', target, '--reason', 'once more'], input);
      expect(again.code, again.stderr).toBe(0);
      const lines = again.stdout.split('\n');
      expect(lines[0]).toBe(`already revoked: ${c.hops.coder} (planner → coder); nothing changed`);
      expect(lines).toContain(`  reason: ${LEAK}`);
      expect(again.stdout).not.toContain('once more');
      expect(again.stdout).not.toContain('with it');
    }
    const json = await cliJson<Record<string, unknown>>(
      ['revoke', c.hops.coder, '--reason', 'once more'],
      { home: c.home },
    );
    expect(json.json).toEqual({
      already: true,
      cancelledRequests: 0,
      cascaded: [],
      holder: 'coder',
      revocation: {
        seq: 1,
        kind: 'hop',
        target: c.hops.coder,
        delegationId: expect.any(String) as unknown,
        by: 'owner',
        at: expect.any(Number) as unknown,
        reason: LEAK,
      },
    });
  });

  it('revokes the approvals that answered a request from the revoked token, and lists them', async () => {
    const c = await chain();
    const id = (
      await c.run(['request', c.tokens.coder, '--allow', 'tool == "fs.write"', '--reason', 'save'])
    ).stdout.trim();
    expect(id).toMatch(/^req_/);
    expect((await c.run(['approve', id, '--token', c.tokens.planner])).code).toBe(0);
    const out = c.file('coder2.token', '');
    expect((await c.run(['status', id, '--out', out.slice(1)])).code).toBe(0);
    const approval = await hopOf(c.home, out);
    expect(await c.run(['authorize', out, '--tool', 'fs.write'])).toMatchObject({ code: 0 });

    const tree = (await c.run(['delegations', '--tree'])).stdout.split('\n');
    expect(tree[0]).toBe(`${c.hops.planner}  owner → planner  live  minted`);
    expect(tree).toContain(`├── ${c.hops.coder}  planner → coder  live  delegated offline`);
    expect(tree).toContain(`└── ${approval}  planner → coder  live  approval`);
    expect(tree).toContain(`        · approved for a request from ${c.hops.coder}`);

    const revoked = await c.run(['revoke', c.tokens.coder, '--reason', LEAK]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(
      '  with it: 1 approval that answered a request from it, revoked too:\n' +
        `    ${approval}  planner → coder\n`,
    );
    const denied = await c.run(['authorize', out, '--tool', 'fs.write']);
    expect(denied.code).toBe(3);
    expect(denied.stdout).toContain(`  revoked: ${approval} (block 1, planner → coder)`);
    expect(denied.stdout).toContain(`answered a request from revoked ${c.hops.coder}: ${LEAK}`);
    const audit = await c.run(['audit', '--kind', 'revoke']);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = audit.stdout.split('\n').filter((l) => /^\d/.test(l));
    expect(entries).toEqual([
      expect.stringMatching(
        new RegExp(` revoke +owner → coder +target: ${c.hops.coder}  reason: ${LEAK}$`),
      ),
      expect.stringMatching(
        new RegExp(
          ` revoke +owner +target: ${approval}  reason: answered a request from revoked ${c.hops.coder}: ${LEAK}  cause: ${c.hops.coder}$`,
        ),
      ),
    ]);
    const nodes = await c.nodes('--status', 'revoked');
    expect(nodes.map((n) => [n.id, n.source, n.via])).toEqual([
      [c.hops.coder, 'seen', null],
      [approval, 'approval', c.hops.coder],
    ]);
  });

  it('--principal revokes every delegation to a name, in every chain: the owner’s kill switch', async () => {
    const c = await chain();
    const refused = await c.run([
      'revoke',
      '--principal',
      'coder',
      '--token',
      c.tokens.planner,
      '--reason',
      'x',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: only the owner revokes a principal everywhere; .* \(ERR_REQUEST_REVOKE_FORBIDDEN\)\n$/,
    );
    const other = c.file(
      'other.token',
      (await c.run(['mint', '--to', 'coder', '--allow', 'tool == "fs.list"', '--expires', '1h']))
        .stdout,
    );

    const kill = await c.run(['revoke', '--principal', 'coder', '--reason', 'compromised']);
    expect(kill.code, kill.stderr).toBe(0);
    expect(kill.stdout.split('\n').slice(0, 3)).toEqual([
      '✓ revoked every delegation to coder',
      '  holder:  coder',
      '  by:      owner',
    ]);
    for (const [token, tool] of [
      [c.tokens.coder, 'fs.read'],
      [c.tokens.helper, 'fs.read'],
      [other, 'fs.list'],
    ] as const) {
      const denied = await c.run([
        'authorize',
        token,
        '--tool',
        tool,
        '--args',
        '{"path":"/repo/a"}',
      ]);
      expect(denied.code, token).toBe(3);
      expect(denied.stdout).toContain('  revoked: every delegation to coder (block ');
      expect(denied.stdout).toContain(': compromised\n');
    }
    expect((await c.run(['authorize', c.tokens.planner, ...READ_REPO])).code).toBe(0);
    const again = await c.run(['revoke', '--principal', 'coder', '--reason', 'again']);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/^already revoked: every delegation to coder; nothing changed\n/);
  });

  it('an agent revokes what it delegated, never a hop above its own place', async () => {
    const c = await chain();
    const mutiny = await c.run([
      'revoke',
      c.tokens.planner,
      '--token',
      c.tokens.coder,
      '--reason',
      'mutiny',
    ]);
    expect(mutiny.code).toBe(1);
    expect(mutiny.stdout).toBe('');
    expect(mutiny.stderr).toMatch(
      /^error: "coder" may revoke only what it delegated: .*\(ERR_REQUEST_REVOKE_FORBIDDEN\)\n$/,
    );
    const json = await cli(
      ['--json', 'revoke', c.hops.planner, '--token', c.tokens.coder, '--reason', 'mutiny'],
      { home: c.home },
    );
    expect(jsonError(json)).toMatchObject({ code: 'ERR_REQUEST_REVOKE_FORBIDDEN' });
    expect((await c.run(['authorize', c.tokens.planner, ...READ_REPO])).code).toBe(0);

    const done = await c.run([
      'revoke',
      c.tokens.coder,
      '--token',
      c.tokens.planner,
      '--reason',
      'task finished',
    ]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('  by:      planner\n');
    const denied = await c.run(['authorize', c.tokens.coder, ...READ_REPO]);
    expect(denied.code).toBe(3);
    expect(denied.stdout).toMatch(new RegExp(`\\n {4}by planner at ${INSTANT}: task finished\\n`));
    // A revoked agent cannot act at all, not even on what it delegated.
    const after = await c.run([
      'revoke',
      c.tokens.helper,
      '--token',
      c.tokens.coder,
      '--reason',
      'x',
    ]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/\(ERR_REQUEST_TOKEN_REVOKED\)\n$/);
  });

  it('usage errors are one line naming what is wrong (exit 1), nothing revoked', async () => {
    const c = await chain();
    const cases: [string[], RegExp][] = [
      [['revoke', '--reason', 'x'], /^error: say what to revoke: .* \(ERR_CLI_USAGE\)$/],
      [
        ['revoke', c.tokens.coder, '--principal', 'coder', '--reason', 'x'],
        /^error: give either a token or hop id to revoke, or --principal <name>, not both \(ERR_CLI_USAGE\)$/,
      ],
      [
        ['revoke', c.tokens.coder],
        /^error: required option '--reason <text>' not specified; .*\(ERR_CLI_USAGE\)$/,
      ],
      [['revoke', c.tokens.coder, '--reason', ''], /argument '' is invalid.*\(ERR_CLI_USAGE\)$/],
      [
        ['revoke', c.tokens.coder, '--reason', 'a\u001bb'],
        /^error: --reason contains U\+001B \(a control character\).*\(ERR_REQUEST_INVALID\)$/,
      ],
      [
        ['revoke', 'hop_12', '--reason', 'x'],
        /^error: hop_12 is not a hop id: .*\(ERR_CLI_BAD_INPUT\)$/,
      ],
      [
        ['revoke', 'not-a-token', '--reason', 'x'],
        /^error: token is invalid \(ERR_TOKEN_INVALID\)$/,
      ],
      [
        ['delegations', '--status', 'gone'],
        /^error: --status must be one of live, expired, revoked \(ERR_CLI_USAGE\)$/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await c.run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).toBe('');
      const lines = r.stderr.split('\n');
      expect(lines, args.join(' ')).toHaveLength(2);
      expect(lines[0]).toMatch(message);
    }
    const json = await cli(['--json', 'revoke', '--reason', 'x'], { home: c.home });
    expect(jsonError(json)).toMatchObject({ code: 'ERR_CLI_USAGE' });
    expect(await c.nodes('--status', 'revoked')).toEqual([]);
    expect((await c.run(['authorize', c.tokens.coder, ...READ_REPO])).code).toBe(0);
  });
});

it('inspect shows the token’s own id and each block’s, the ids revoke takes', async () => {
  const c = await chain();
  const r = await c.run(['inspect', c.tokens.helper]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines).toContain(`id:         ${c.hops.helper}`);
  const ids = lines
    .filter((l) => l.startsWith('      id '))
    .map((l) => l.slice('      id '.length));
  expect(ids).toEqual([c.hops.planner, c.hops.coder, c.hops.helper]);
  const block1 = lines.findIndex((l) => l.startsWith('  block 1  planner → coder'));
  expect(lines[block1 + 1]).toBe(`      id ${c.hops.coder}`);
});

describe.concurrent('delegations', () => {
  it('lists the hops the home has seen, oldest first: offline hops once a token reaches it, with their statuses', async () => {
    const c = await chain();
    expect(await c.nodes()).toEqual([
      expect.objectContaining({
        id: c.hops.planner,
        parent: null,
        grantor: 'owner',
        grantee: 'planner',
        source: 'mint',
        status: 'live',
      }),
    ]);
    // Checking a call records nothing: the offline hops are still unknown.
    expect((await c.run(['authorize', c.tokens.helper, ...READ_REPO])).code).toBe(0);
    expect((await c.nodes()).map((n) => n.id)).toEqual([c.hops.planner]);
    // A request carries the helper's token to the home, and with it every hop above it.
    const asked = await c.run([
      'request',
      c.tokens.helper,
      '--allow',
      'tool == "fs.list"',
      '--reason',
      'r',
    ]);
    expect(asked.code, asked.stderr).toBe(4);
    expect((await c.nodes()).map((n) => [n.id, n.parent, n.grantee, n.source, n.status])).toEqual([
      [c.hops.planner, null, 'planner', 'mint', 'live'],
      [c.hops.coder, c.hops.planner, 'coder', 'seen', 'live'],
      [c.hops.helper, c.hops.coder, 'helper', 'seen', 'live'],
    ]);

    expect((await c.run(['revoke', c.hops.coder, '--reason', LEAK])).code).toBe(0);
    const after = await c.nodes();
    expect(after.map((n) => n.status)).toEqual(['live', 'revoked', 'revoked']);
    expect(after[2]?.revoked).toMatchObject({ kind: 'hop', target: c.hops.coder, by: 'owner' });
    expect((await c.nodes('--principal', 'coder', '--status', 'revoked')).map((n) => n.id)).toEqual(
      [c.hops.coder, c.hops.helper],
    );
    expect((await c.nodes('--status', 'live')).map((n) => n.id)).toEqual([c.hops.planner]);
    expect((await c.nodes('--principal', 'helper')).map((n) => n.id)).toEqual([c.hops.helper]);

    const list = await c.run(['delegations', '--principal', 'coder', '--status', 'revoked']);
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '2 delegations, oldest first',
      '',
      `  ${c.hops.coder}  planner → coder  revoked  delegated offline`,
    ]);
    expect(lines).toContain('    conditions:  tool == "fs.read"');
    expect(lines).toContain(`    from:        ${c.hops.planner} (not listed)`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^ {4}revoked: {5}by owner at ${INSTANT} \\(.*\\): ${LEAK}$`),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^ {4}revoked: {5}with ${c.hops.coder}, by owner at ${INSTANT} \\(.*\\): ${LEAK}$`,
        ),
      ),
    );
    const none = await c.run(['delegations', '--principal', 'nobody']);
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).toMatch(/^no delegations match\n/);
  });

  it('--tree draws each hop under the one it was delegated from', async () => {
    const c = await chain();
    expect(
      (await c.run(['revoke', c.tokens.helper, '--token', c.tokens.coder, '--reason', 'done']))
        .code,
    ).toBe(0);
    const tree = await c.run(['delegations', '--tree']);
    expect(tree.code).toBe(0);
    const lines = tree.stdout.split('\n');
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    const root = at(`${c.hops.planner}  owner → planner  live  minted`);
    const coder = at(`└── ${c.hops.coder}  planner → coder  live  delegated offline`);
    const helper = at(`    └── ${c.hops.helper}  coder → helper  revoked  delegated offline`);
    expect([root, coder, helper]).toEqual([0, expect.any(Number), expect.any(Number)]);
    expect(root).toBeLessThan(coder);
    expect(coder).toBeLessThan(helper);
    expect(lines.slice(1, coder)).toEqual([
      '│   · tool ~ "fs.*"',
      expect.stringMatching(/^│ {3}· time < /),
      expect.stringMatching(/^│ {3}· expires \d{4}-/),
    ]);
    expect(lines.slice(helper + 1)).toEqual([
      '            · args.path ~ "/repo/**"',
      expect.stringMatching(/^ {12}· expires \d{4}-/),
      expect.stringMatching(new RegExp(`^ {12}· revoked by coder at ${INSTANT} \\(.*\\): done$`)),
      '',
    ]);
  });
});

describe('what agents chose to be called is shown inert', () => {
  /** What must never reach a terminal raw: controls, format characters, line separators. */
  const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
  // eslint-disable-next-line no-control-regex
  const OWN_COLOURS = /\u001b\[(1|2|22|31|32|33|35|36|39)m/g;
  const CODER = 'co\u202eder\u200b';
  /** A grantee an agent wrote into its own token with raw bytes: an ANSI escape, a bidi override. */
  const EVIL = 'ev\u001b[8mil\u202e';
  const EVIL_SHOWN = 'ev\\x1b[8mil\\u{202e}';
  const KILLED = 'evil\u202eagent\u200b';
  /** A name no token can be delegated to (a control character): refused, not revoked. */
  const NO_PRINCIPAL = 'evil\u001b[31magent';

  async function mandate(home: string, args: readonly string[], tty: boolean) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { isTTY: tty, write: (t: string) => (stdout += t) },
      stderr: { isTTY: tty, write: (t: string) => (stderr += t) },
      env: { MANDATE_HOME: home },
      stdin: () => '',
      now: () => new Date(),
    };
    return { code: await runCli(args, io), stdout, stderr };
  }

  function expectInert(run: { stdout: string; stderr: string }, what: string): void {
    for (const line of `${run.stdout}${run.stderr}`.split('\n'))
      expect(line.replace(OWN_COLOURS, ''), `${what}: ${JSON.stringify(line)}`).not.toMatch(UNSAFE);
  }

  it.each([false, true])(
    'in revoke and delegations (on a terminal: %s), and exact in JSON',
    async (tty) => {
      const s = scratch();
      cleanups.push(s.cleanup);
      const run = (args: readonly string[]) => mandate(s.home, args, tty);
      expect((await run(['init'])).code).toBe(0);
      const minted = await run([
        'mint',
        '--to',
        CODER,
        '--allow',
        'tool ~ "fs.*"',
        '--expires',
        '1h',
      ]);
      expect(minted.code, minted.stderr).toBe(0);
      const raw = join(s.dir, 'raw.token');
      // `to "…"` with DSL escapes: the marker's text holds ESC and U+202E once read.
      const marker = 'to "ev\\u001b[8mil\\u202e"';
      writeFileSync(
        raw,
        encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(minted.stdout.trim()), marker)),
      );

      const runs = {
        revoke: await run(['revoke', `@${raw}`, '--reason', 'hostile']),
        list: await run(['delegations']),
        tree: await run(['delegations', '--tree']),
        filtered: await run(['delegations', '--principal', EVIL]),
        authorize: await run(['authorize', `@${raw}`, '--tool', 'fs.read']),
        kill: await run(['revoke', '--principal', KILLED, '--reason', 'kill switch']),
        killAgain: await run(['revoke', '--principal', KILLED, '--reason', 'again']),
        refused: await run(['revoke', '--principal', NO_PRINCIPAL, '--reason', 'x']),
      };
      for (const [what, r] of Object.entries(runs)) expectInert(r, what);
      const plain = (text: string) => text.replace(OWN_COLOURS, '');
      expect(runs.revoke.code).toBe(0);
      expect(plain(runs.revoke.stdout)).toContain(`(co\\u{202e}der\\u{200b} → ${EVIL_SHOWN})`);
      expect(plain(runs.revoke.stdout)).toContain(`holder:  ${EVIL_SHOWN}\n`);
      expect(plain(runs.list.stdout)).toContain(`co\\u{202e}der\\u{200b} → ${EVIL_SHOWN}  revoked`);
      expect(plain(runs.tree.stdout)).toContain(`└── `);
      expect(plain(runs.tree.stdout)).toContain(`co\\u{202e}der\\u{200b} → ${EVIL_SHOWN}  revoked`);
      expect(plain(runs.filtered.stdout)).toContain('1 delegation, oldest first');
      expect(runs.authorize.code).toBe(3);
      expect(plain(runs.authorize.stdout)).toContain(`co\\u{202e}der\\u{200b} → ${EVIL_SHOWN})`);
      expect(runs.kill.code).toBe(0);
      expect(plain(runs.kill.stdout)).toContain(
        'every delegation to evil\\u{202e}agent\\u{200b}\n',
      );
      expect(plain(runs.killAgain.stdout)).toContain(
        'already revoked: every delegation to evil\\u{202e}agent',
      );
      expect(runs.refused.code).toBe(1);
      expect(plain(runs.refused.stderr)).toMatch(/contains a control character/);

      const json = await run(['--json', 'delegations']);
      const nodes = JSON.parse(json.stdout) as Node[];
      expect(nodes.map((n) => n.grantee)).toEqual([CODER, EVIL]);
      const killed = JSON.parse(
        (await run(['--json', 'revoke', '--principal', KILLED, '--reason', 'x'])).stdout,
      ) as {
        revocation: { target: string };
      };
      expect(killed.revocation.target).toBe(KILLED);
    },
  );
});

it('a denial by a verifier whose revocations are stale says so, and that the token was not checked', () => {
  const ring = new RootKeyring([createRootKey()]);
  const token = mintDelegation(ring, { to: 'coder', conditions: ['tool == "fs.read"'] });
  const list = new RevocationList();
  const now = new Date('2026-03-01T12:00:00Z');
  list.markComplete(now.getTime() - 120_000);
  const decision = authorize(
    token,
    { tool: 'fs.read', args: {}, principal: 'coder' },
    { rootKeys: ring, revocations: list, maxRevocationStaleness: 60, now },
  );
  let stdout = '';
  const out = new Output({
    json: false,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: () => true },
    env: {},
  });
  printDecision(out, decision, 'fs.read', 'coder');
  expect(stdout.split('\n')).toEqual([
    '✗ denied  fs.read as coder',
    "  revocations unknown: this verifier's list of revocations was last complete at 2026-03-01T11:58:00.000Z, more than 1m ago",
    '  every call is refused until it is brought up to date; the token itself was not checked',
    '',
  ]);
});
