// `mandate audit` (issue 12). `--verify` used to pass a log cut short after its last entry
// (what is left still chains) and never looked at the requests, which are not chained, so an
// approval written into the store with the sqlite3 shell went unnoticed. Now `--verify` prints
// the whole head to keep, `--expect-head` checks that the log still holds it, every request is
// held to the entries that record it, and any disagreement exits 1. The listing shows where in
// the delegation tree a decider stood, and what agents wrote reaches the terminal inert.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';
import { RootKeyring, delegate, type ExportedRootKey } from '../../src/delegation/index.js';
import { Delegator, openSqliteStore } from '../../src/requests/index.js';
import { scratch } from './fixtures/cli-harness.js';

/** What must never reach a terminal raw: controls, format characters, line separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const HEAD = /head: ([0-9a-f]{64}) /;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fresh home; `mandate` runs the CLI in this process against it. */
function home(): {
  dir: string;
  store: string;
  mandate: (args: readonly string[]) => Promise<Run>;
} {
  const s = scratch();
  cleanups.push(s.cleanup);
  const mandate = async (args: readonly string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { isTTY: false, write: (t: string) => (stdout += t) },
      stderr: { isTTY: false, write: (t: string) => (stderr += t) },
      env: { MANDATE_HOME: s.home },
      stdin: () => '',
      now: () => new Date(),
    };
    return { code: await runCli(args, io), stdout, stderr };
  };
  return { dir: s.home, store: join(s.home, 'mandate.db'), mandate };
}

/** Runs SQL on the store behind its back (the append-only triggers dropped first). */
function behindTheBack(path: string, sql: string, ...params: unknown[]): void {
  const raw = new Database(path);
  try {
    raw.exec('DROP TRIGGER IF EXISTS audit_no_delete; DROP TRIGGER IF EXISTS audit_no_update;');
    raw.prepare(sql).run(...params);
  } finally {
    raw.close();
  }
}

/** Mints a token for `to` and returns it. */
async function mint(
  mandate: (args: readonly string[]) => Promise<Run>,
  to: string,
): Promise<string> {
  const minted = await mandate([
    'mint',
    '--to',
    to,
    '--allow',
    'tool == "fs.read"',
    '--expires',
    '30d',
  ]);
  expect(minted.code, minted.stderr).toBe(0);
  return minted.stdout.trim();
}

describe('mandate audit --verify', () => {
  it('prints the whole head, and --expect-head catches a log cut after its last entry', async () => {
    const { store, mandate } = home();
    expect((await mandate(['init', '--id', 'k1'])).code).toBe(0);
    await mint(mandate, 'planner');
    const first = await mandate(['audit', '--verify']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^✓ audit log intact: \d+ entries; 0 request\(s\) agree with it\n/,
    );
    const kept = HEAD.exec(first.stdout)?.[1] ?? '';
    expect(kept).toMatch(/^[0-9a-f]{64}$/);
    expect((await mandate(['audit', '--expect-head', kept])).code).toBe(0);

    await mint(mandate, 'coder');
    const grown = await mandate(['audit', '--verify', '--expect-head', kept]);
    expect(grown.code).toBe(0);
    const last = HEAD.exec(grown.stdout)?.[1] ?? '';
    const count = Number(/intact: (\d+) entries/.exec(grown.stdout)?.[1]);

    behindTheBack(store, 'DELETE FROM audit WHERE seq = ?', count);
    expect((await mandate(['audit', '--verify'])).code).toBe(0);
    const cut = await mandate(['audit', '--verify', '--expect-head', last]);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toBe(
      `✗ audit log tampered with at entry ${count}: the log does not hold the expected head ${last}: entries were removed from its end, or it was rewritten\n`,
    );
  });

  it('holds each request to its audit entries and names the one approved behind its back', async () => {
    const { store, mandate } = home();
    await mandate(['init', '--id', 'k1']);
    const token = await mint(mandate, 'planner');
    const asked = await mandate([
      'request',
      token,
      '--allow',
      'tool == "fs.write"',
      '--reason',
      'save',
    ]);
    expect(asked.code, asked.stderr).toBe(4);
    const id = asked.stdout.trim();
    const fine = await mandate(['audit', '--verify']);
    expect(fine.stdout).toContain('1 request(s) agree with it');

    const outcome = { status: 'approved', token, scope: ['tool == "fs.write"'], expiresAt: null };
    behindTheBack(
      store,
      "UPDATE requests SET status = 'approved', version = version + 1, outcome = ?, decided_by = 'owner', decided_at = 0 WHERE id = ?",
      JSON.stringify(outcome),
      id,
    );
    const forged = await mandate(['audit', '--verify']);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toBe(
      `✗ audit log tampered with: 1 request disagrees with the audit log; first ${id}: it is approved, but the log has no approve entry for it\n` +
        `  ${id}: it is approved, but the log has no approve entry for it\n`,
    );
    const json = await mandate(['--json', 'audit', '--verify']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      mismatches: [{ requestId: id, seq: null }],
    });
  });

  it('refuses an --expect-head that is not a head', async () => {
    const { mandate } = home();
    await mandate(['init', '--id', 'k1']);
    const r = await mandate(['audit', '--expect-head', 'deadbeef']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--expect-head must be a head hash (64 hex digits)');
  });
});

describe('mandate audit', () => {
  it('shows where an agent that decided stood, and what agents wrote, inert', async () => {
    const { dir, store, mandate } = home();
    await mandate(['init', '--id', 'k1']);
    const agent = await mint(mandate, 'budget\u202eagent');
    const reporter = delegate(agent, { to: 'reporter', conditions: [] }).token;
    const asked = await mandate([
      'request',
      reporter,
      '--allow',
      'tool == "fs.read"',
      '--reason',
      'monthly',
    ]);
    const id = asked.stdout.trim();
    // The agent denies it, with its own token, through the library on the same store.
    const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as {
      keys: ExportedRootKey[];
    };
    const d = await Delegator.open({
      path: store,
      rootKeys: RootKeyring.import(keys),
      watchIntervalMs: 0,
    });
    await d.deny(id, { by: { token: agent }, reason: 'not today' });
    // An entry written before reasons were checked at the API.
    await d.close();
    const old = openSqliteStore(store);
    await old.appendAudit([
      {
        at: Date.now(),
        kind: 'deny',
        actor: 'owner',
        subject: 'budget\u202eagent',
        requestId: null,
        details: { reason: 'fine\u001b[8m\n✓ approved', via: 'manual', place: [] },
      },
    ]);
    await old.close();

    const listed = await mandate(['audit']);
    expect(listed.code).toBe(0);
    for (const line of listed.stdout.split('\n')) expect(line).not.toMatch(UNSAFE);
    expect(listed.stdout).toMatch(
      /deny\s+budget\S+agent → reporter\s+req_\w+\s+reason: not today\s+place: \["budget\S+agent"\]\n/,
    );
    expect(listed.stdout).toMatch(/key-add\s+owner\s+key: k1\n/);
    expect(listed.stdout).toContain('reason: fine\\x1b[8m\\x0a✓ approved\n');
    const json = JSON.parse((await mandate(['--json', 'audit', '--kind', 'deny'])).stdout) as {
      entries: { actor: string; details: { reason: string; place: string[] } }[];
    };
    expect(json.entries[0]).toMatchObject({
      actor: 'budget\u202eagent',
      details: { reason: 'not today', place: ['budget\u202eagent'] },
    });
    expect(json.entries[1]?.details.reason).toBe('fine\u001b[8m\n✓ approved');
  });
});

describe('mandate keys', () => {
  it('records rotation and retirement in the audit log (key ids only)', async () => {
    const { mandate, dir } = home();
    await mandate(['init', '--id', 'k1']);
    expect((await mandate(['keys', 'rotate', '--id', 'k2'])).code).toBe(0);
    expect((await mandate(['keys', 'retire', 'k1'])).code).toBe(0);
    const listed = await mandate(['audit', '--json']);
    const { entries } = JSON.parse(listed.stdout) as {
      entries: { kind: string; details: unknown }[];
    };
    const keyEntries = entries.filter((e) => e.kind.startsWith('key-'));
    expect(keyEntries.map((e) => [e.kind, (e.details as { keyId: string }).keyId])).toEqual([
      ['key-add', 'k1'],
      ['key-add', 'k2'],
      ['key-retire', 'k1'],
    ]);
    const secrets = (
      JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as {
        keys: ExportedRootKey[];
      }
    ).keys.map((k) => k.secret);
    for (const secret of secrets) expect(listed.stdout).not.toContain(secret);
    expect((await mandate(['audit', '--verify'])).code).toBe(0);
  });
});
