// The CLI program in-process, where a child process cannot reach or would be slow: an injected
// clock (polling too fast gives slow_down, a request that outlives its lifetime gives
// expired_token and can no longer be approved, an expired token is denied by its time caveat),
// streams that claim to be a terminal (colours on, and off again with NO_COLOR), `--help` with
// examples on every command, and the duration parser's table. The child-process suites
// (cli-home, cli-tokens, cli-requests) run the built binary for every command.
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/context.js';
import { parseDuration, parseSince } from '../../src/cli/duration.js';
import { runCli } from '../../src/cli/program.js';
import { scratch } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

/** A CLI whose clock the test moves. */
function harness(options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const s = scratch();
  cleanups.push(s.cleanup);
  let now = Date.parse('2026-03-01T12:00:00Z');
  const run = async (args: readonly string[], stdin = '') => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { isTTY: options.tty === true, write: (t: string) => (stdout += t) },
      stderr: { isTTY: options.tty === true, write: (t: string) => (stderr += t) },
      env: { MANDATE_HOME: s.home, ...options.env },
      stdin: () => stdin,
      now: () => new Date(now),
    };
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  };
  return { run, advance: (seconds: number) => (now += seconds * 1000), home: s.home };
}

async function agentWithRequest(h: ReturnType<typeof harness>, expires = '10m') {
  expect((await h.run(['init'])).code).toBe(0);
  const token = (
    await h.run(['mint', '--to', 'agent', '--allow', 'tool == "read"', '--expires', '1h'])
  ).stdout.trim();
  const asked = await h.run(
    ['request', '-', '--allow', 'tool == "write"', '--reason', 'save', '--expires', expires],
    token,
  );
  expect(asked.code).toBe(4);
  return { token, id: asked.stdout.trim() };
}

describe('time, injected', () => {
  it('polling faster than the interval answers slow_down with a longer interval (exit 4)', async () => {
    const h = harness();
    const { id } = await agentWithRequest(h);
    expect(await h.run(['status', id])).toMatchObject({
      code: 4,
      stdout: '',
      stderr: 'authorization_pending  poll again in 5s\n',
    });
    h.advance(1);
    expect(await h.run(['status', id])).toMatchObject({
      code: 4,
      stdout: '',
      stderr: 'slow_down  poll again in 10s\n',
    });
    h.advance(11);
    expect(await h.run(['status', id])).toMatchObject({
      code: 4,
      stdout: '',
      stderr: 'authorization_pending  poll again in 10s\n',
    });
  });

  it('a request past its lifetime is expired_token (exit 1) and can no longer be approved', async () => {
    const h = harness();
    const { id } = await agentWithRequest(h, '2m');
    h.advance(121);
    expect(await h.run(['status', id])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^expired_token /) as unknown,
    });
    const late = await h.run(['approve', id]);
    expect(late.code).toBe(1);
    expect(late.stderr).toBe(
      `error: request ${id} is expired; it can no longer be decided that way (ERR_REQUEST_EXPIRED)\n`,
    );
  });

  it('a token past its --expires is denied by its time caveat, and inspect says expired', async () => {
    const h = harness();
    const { token } = await agentWithRequest(h);
    expect((await h.run(['authorize', token, '--tool', 'read'])).code).toBe(0);
    h.advance(3601);
    const late = await h.run(['authorize', token, '--tool', 'read']);
    expect(late.code).toBe(3);
    expect(late.stdout).toMatch(
      /caveat 2 \(block 0, written by owner\): time < 2026-03-01T13:00:00Z\n {4}time is 2026-03-01T13:00:01Z, not < /,
    );
    expect((await h.run(['inspect', token])).stdout).toMatch(
      /expires: +2026-03-01T13:00:00.000Z \(1s ago\), expired/,
    );
  });

  it('an expired token is told when it expired and whom to ask, by authorize and by request --tool', async () => {
    const h = harness();
    const { token } = await agentWithRequest(h);
    h.advance(3601);
    const denied = await h.run(['authorize', token, '--tool', 'write']);
    expect(denied.code).toBe(3);
    expect(denied.stdout).toContain(
      'the token expired at 2026-03-01T13:00:00.000Z; ask owner for a new delegation',
    );
    const asked = await h.run(['request', '-', '--tool', 'write', '--reason', 'save'], token);
    expect(asked).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'error: the token expired at 2026-03-01T13:00:00.000Z; ask "owner" for a new delegation (ERR_REQUEST_TOKEN_EXPIRED)\n',
    });
  });

  it('approve --dry-run and the inbox say when the grant would end, on the approver’s clock', async () => {
    const h = harness();
    const { id } = await agentWithRequest(h);
    expect((await h.run(['inbox'])).stdout).toContain(
      '    the grant would end: 2026-03-01T13:00:00.000Z (in 1h)\n',
    );
    expect((await h.run(['approve', id, '--expires', '15m', '--dry-run'])).stdout).toContain(
      'the grant would end: 2026-03-01T12:15:00.000Z (in 15m)\n',
    );
  });

  it('approve --expires time-boxes the grant from the approver’s clock', async () => {
    const h = harness();
    const { id } = await agentWithRequest(h);
    const approved = await h.run(['--json', 'approve', id, '--expires', '15m']);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      outcome: { expiresAt: '2026-03-01T12:15:00.000Z' },
    });
    const fresh = (await h.run(['status', id])).stdout.trim();
    expect((await h.run(['authorize', fresh, '--tool', 'write'])).code).toBe(0);
    h.advance(15 * 60 + 1);
    expect((await h.run(['authorize', fresh, '--tool', 'write'])).code).toBe(3);
  });
});

describe('colours', () => {
  // eslint-disable-next-line no-control-regex
  const ANSI = /\u001b\[\d+m/;

  it('are used on a terminal, for results and errors alike', async () => {
    const h = harness({ tty: true });
    await h.run(['init']);
    expect((await h.run(['keys', 'list'])).stdout).toMatch(ANSI);
    expect((await h.run(['keys', 'retire', 'nope'])).stderr).toMatch(ANSI);
  });

  it('are off with NO_COLOR, and with TERM=dumb', async () => {
    for (const env of [{ NO_COLOR: '1' }, { TERM: 'dumb' }]) {
      const h = harness({ tty: true, env });
      await h.run(['init']);
      const r = await h.run(['keys', 'list']);
      expect(r.stdout).not.toMatch(ANSI);
      expect((await h.run(['keys', 'retire', 'nope'])).stderr).not.toMatch(ANSI);
    }
  });

  it('are never in JSON', async () => {
    const h = harness({ tty: true });
    await h.run(['init']);
    expect((await h.run(['--json', 'keys', 'list'])).stdout).not.toMatch(ANSI);
  });
});

const COMMANDS = [
  [],
  ['init'],
  ['keys'],
  ['keys', 'list'],
  ['keys', 'rotate'],
  ['keys', 'retire'],
  ['mint'],
  ['delegate'],
  ['inspect'],
  ['authorize'],
  ['contains'],
  ['request'],
  ['status'],
  ['inbox'],
  ['approve'],
  ['deny'],
  ['escalate'],
  ['policy'],
  ['policy', 'add'],
  ['policy', 'list'],
  ['policy', 'remove'],
  ['revoke'],
  ['delegations'],
  ['audit'],
  ['run'],
];

describe('--help', () => {
  it.each(COMMANDS.map((c) => [c.join(' ') || '(program)', c]))(
    'mandate %s --help shows usage, global options and examples',
    async (_name, args) => {
      const r = await harness().run([...args, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: mandate/);
      expect(r.stdout).toContain('--json');
      expect(r.stdout).toContain('--home <dir>');
      if (args.length > 0) expect(r.stdout).toContain(`Examples:\n  $ mandate ${args[0] ?? ''}`);
    },
  );
});

describe('durations', () => {
  it.each([
    ['30d', 2_592_000],
    ['2h', 7_200],
    ['15m', 900],
    ['90s', 90],
    ['1h30m', 5_400],
    ['1w', 604_800],
    [' 45m ', 2_700],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '30', 'h', '2 h', '2hours', '1.5h', '-1h', '0s', '0h0m', '3651d', '1h-5m', 'P1D'])(
    '%j is refused with a typed error',
    (text) => {
      expect(() => parseDuration(text)).toThrow(
        expect.objectContaining({ code: 'ERR_CLI_BAD_DURATION' }) as Error,
      );
    },
  );

  it('--since takes a duration back from now or an instant', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(parseSince('2h', now).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(parseSince('2026-02-01T00:00:00Z', now).toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(() => parseSince('last week', now)).toThrow(/neither a duration/);
  });
});
