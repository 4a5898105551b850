// Text that agents write is hostile wherever a person reads it. A principal name with a bidi
// override, a caveat appended to a token as raw bytes (ESC[8m to hide what follows, an OSC 52
// clipboard write, a newline and a fake "✓ allowed" line), call arguments with the same, and a
// reason or a denial reason with the same where the API takes them: every human output of every
// command shows them inert, on a terminal (colours on) and off it, and `--json` keeps them exact.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/context.js';
import { Narrator } from '../../src/cli/demo/narrator.js';
import { runCli } from '../../src/cli/program.js';
import { addFirstPartyCaveat, decodeMacaroon, encodeMacaroon } from '../../src/macaroon/index.js';
import { scratch } from './fixtures/cli-harness.js';

/** What must never reach a terminal raw: controls, format characters, line separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** The CLI's own colours, the only escape sequences a terminal may get. */
// eslint-disable-next-line no-control-regex
const OWN_COLOURS = /\u001b\[(1|2|22|31|32|33|35|36|39)m/g;

const HIDE = '\u001b[8m';
const CLIPBOARD = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const HOSTILE = `pay${HIDE} rent${CLIPBOARD}\n✓ allowed\u202etxt.exe`;
const AGENT = 'budget\u202eagent\u200b';
const SUB = 'rep\u2066orter\u2069';

const s = scratch();
afterAll(s.cleanup);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function mandate(args: readonly string[], tty = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { isTTY: tty, write: (t: string) => (stdout += t) },
    stderr: { isTTY: tty, write: (t: string) => (stderr += t) },
    env: { MANDATE_HOME: s.home },
    stdin: () => '',
    now: () => new Date(),
  };
  return { code: await runCli(args, io), stdout, stderr };
}

/** What a person reads, the CLI's own colours taken out. */
function plain(text: string): string {
  return text.replace(OWN_COLOURS, '');
}

/** Every line a person sees holds no raw control or format character, and no foreign colour. */
function expectInert(run: Run, what: string): void {
  for (const line of `${run.stdout}${run.stderr}`.split('\n')) {
    expect(plain(line), `${what}: ${JSON.stringify(line)}`).not.toMatch(UNSAFE);
  }
}

function file(name: string, text: string): string {
  const path = join(s.dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return `@${path}`;
}

let agent: string;
let sub: string;
let rawCaveat: string;

beforeAll(async () => {
  expect((await mandate(['init'])).code).toBe(0);
  const minted = await mandate([
    'mint',
    '--to',
    AGENT,
    '--allow',
    'tool ~ "bank.*"',
    '--allow',
    'args.memo != "\u202e\u200b"',
    '--expires',
    '1h',
  ]);
  expect(minted.code, minted.stderr).toBe(0);
  agent = file('agent.token', minted.stdout);
  const delegated = await mandate([
    'delegate',
    agent,
    '--to',
    SUB,
    '--allow',
    'tool == "bank.list"',
  ]);
  expect(delegated.code, delegated.stderr).toBe(0);
  sub = file('sub.token', delegated.stdout);
  // An agent may append any bytes to its own token; a verifier reads them as an unknown caveat.
  rawCaveat = file(
    'raw.token',
    encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(minted.stdout.trim()), HOSTILE)),
  );
});

describe.each([false, true])('on a terminal: %s', (tty) => {
  it('inspect, scope and authorize show principal names, caveats and failure lines inert', async () => {
    const runs = {
      inspect: await mandate(['inspect', rawCaveat], tty),
      inspectSub: await mandate(['inspect', sub], tty),
      scope: await mandate(['scope', sub], tty),
      authorize: await mandate(['authorize', rawCaveat, '--tool', 'bank.x'], tty),
      authorizeSub: await mandate(
        ['authorize', sub, '--tool', 'bank.transfer', '--args', JSON.stringify({ memo: HOSTILE })],
        tty,
      ),
      wrongPrincipal: await mandate(['authorize', sub, '--tool', 'bank.list', '--as', AGENT], tty),
      delegate: await mandate(['delegate', agent, '--to', `x${'\u202e'}`], tty),
      run: await mandate(['run', '--token', sub, '--as', 'mallory', '--', 'true'], tty),
    };
    for (const [what, run] of Object.entries(runs)) expectInert(run, what);
    expect(plain(runs.inspect.stdout)).toContain(
      '✗ pay\\x1b[8m rent\\x1b]52;c;cm0gLXJmIH4=\\x07\\x0a✓ allowed\\u{202e}txt.exe',
    );
    expect(runs.authorize.code).toBe(3);
    expect(runs.authorize.stdout).toContain('pay\\x1b[8m rent\\x1b]52;c;');
    expect(plain(runs.inspectSub.stdout)).toContain(
      'budget\\u{202e}agent\\u{200b} → rep\\u{2066}orter',
    );
    expect(plain(runs.authorizeSub.stdout)).toContain('written by budget\\u{202e}agent\\u{200b}');
    expect(runs.run.stderr).toContain('delegated to "rep\\u{2066}orter\\u{2069}"');
  });

  it('request, inbox, approve, deny, status, escalate and policy list show what agents wrote inert', async () => {
    const asked = await mandate(
      [
        'request',
        sub,
        '--tool',
        'bank.get',
        '--args',
        JSON.stringify({ memo: HOSTILE }),
        '--reason',
        HOSTILE,
      ],
      tty,
    );
    expectInert(asked, 'request');
    // The API may refuse a reason that holds control or format characters (the error, naming
    // the flag, is then shown inert too); the arguments an agent sends are data and carry them.
    const reason = asked.code === 4 ? HOSTILE : 'monthly report';
    if (asked.code !== 4) expect(plain(asked.stderr)).toContain('error: --reason contains U+');
    const id =
      asked.code === 4
        ? asked.stdout.trim()
        : (
            await mandate([
              'request',
              sub,
              '--tool',
              'bank.get',
              '--args',
              JSON.stringify({ memo: HOSTILE }),
              '--reason',
              reason,
            ])
          ).stdout.trim();
    expect(id).toMatch(/^req_/);
    const runs = {
      inbox: await mandate(['inbox', '--token', agent], tty),
      dryRun: await mandate(['approve', id, '--token', agent, '--dry-run'], tty),
      deny: await mandate(['deny', id, '--token', agent, '--reason', reason], tty),
      status: await mandate(['status', id], tty),
      policy: await mandate(
        ['policy', 'add', 'approve', '--scope', 'args.memo == "\u202e"', '--token', agent],
        tty,
      ),
      policies: await mandate(['policy', 'list'], tty),
      keys: await mandate(['keys', 'list'], tty),
    };
    const again = (
      await mandate(['request', sub, '--allow', 'tool == "bank.audit"', '--reason', 'again'])
    ).stdout.trim();
    const escalated = await mandate(['escalate', again, '--token', agent], tty);
    const ownerInbox = await mandate(['inbox'], tty);
    const approved = await mandate(['approve', escalated.stdout.trim()], tty);
    Object.assign(runs, { escalated, ownerInbox, approved });
    for (const [what, run] of Object.entries(runs)) expectInert(run, what);
    expect(plain(runs.inbox.stdout)).toContain('rep\\u{2066}orter\\u{2069} → budget\\u{202e}agent');
    expect(runs.status.code).toBe(3);
    expect(plain(runs.policies.stdout)).toContain('budget\\u{202e}agent\\u{200b}');
    expect(plain(ownerInbox.stdout)).toContain('budget\\u{202e}agent\\u{200b} → owner');
  });
});

it('--json keeps what agents wrote exact', async () => {
  const r = await mandate(['--json', 'inspect', rawCaveat]);
  const view = JSON.parse(r.stdout) as { blocks: { unknownCaveats: { caveat: string }[] }[] };
  expect(view.blocks[0]?.unknownCaveats[0]?.caveat).toBe(HOSTILE);
});

it('the demo narrator shows agent text inert too', () => {
  let written = '';
  const say = new Narrator({
    stdout: { isTTY: true, write: (t: string) => (written += t) },
    env: {},
    home: s.home,
    interactive: false,
  });
  say.title(HOSTILE, [HOSTILE]);
  say.step(HOSTILE);
  say.say(HOSTILE);
  say.agent(AGENT, HOSTILE);
  say.detail(HOSTILE);
  expectInert({ code: 0, stdout: written, stderr: '' }, 'narrator');
  expect(written).toContain('pay\\x1b[8m rent');
});
