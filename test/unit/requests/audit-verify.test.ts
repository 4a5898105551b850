/**
 * Issue 12: `verifyAudit` found edited and inserted entries but not a log cut short after its
 * last entry (what is left still chains), and never looked at the requests, which are not
 * chained: an approval written into the requests table behind the store's back went unnoticed.
 * With `expectHead` (a head kept from an earlier check) the log must still hold that entry;
 * and every request is held to the entries that record it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Delegator, GENESIS_HASH } from '../../../src/requests/index.js';
import { crossCheck } from '../../../src/requests/store/audit-check.js';
import { Clock } from './_setup.js';
import { pendingRecord } from './_records.js';

let dir: string;
let path: string;
let d: Delegator;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-audit-'));
  path = join(dir, 'requests.db');
  d = await Delegator.open({ path, now: new Clock().now, watchIntervalMs: 0 });
});

afterEach(async () => {
  await d.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs SQL on the file behind the store's back (dropping the append-only triggers first). */
function behindTheBack(sql: string, ...params: unknown[]): void {
  const raw = new Database(path);
  try {
    raw.exec('DROP TRIGGER IF EXISTS audit_no_delete; DROP TRIGGER IF EXISTS audit_no_update;');
    raw.prepare(sql).run(...params);
  } finally {
    raw.close();
  }
}

/** A planner with one approved, one denied and one pending request. */
async function history(): Promise<{ approved: string; denied: string; pending: string }> {
  const planner = await d.mint({ to: 'planner', conditions: ['tool == "fs.read"'] });
  const ask = async (tool: string) =>
    (
      await d.request({
        token: planner,
        principal: 'planner',
        scope: [`tool == "${tool}"`],
        reason: `need ${tool}`,
      })
    ).id;
  const approved = await ask('fs.list');
  await d.approve(approved, { by: 'owner' });
  const denied = await ask('fs.write');
  await d.deny(denied, { by: 'owner', reason: 'not today' });
  return { approved, denied, pending: await ask('fs.delete') };
}

describe('verifyAudit({ expectHead })', () => {
  it('catches a log cut short after its last entry, which otherwise still chains', async () => {
    await history();
    await d.mint({ to: 'coder', conditions: ['tool == "fs.read"'] });
    const kept = await d.verifyAudit();
    if (!kept.ok) throw new Error('the log should verify');
    const count = kept.count;
    behindTheBack('DELETE FROM audit WHERE seq = ?', count);

    expect(await d.verifyAudit()).toMatchObject({ ok: true, count: count - 1 });
    expect(await d.verifyAudit({ expectHead: kept.head })).toEqual({
      ok: false,
      seq: count,
      problem: `the log does not hold the expected head ${kept.head}: entries were removed from its end, or it was rewritten`,
      mismatches: [],
    });
  });

  it('accepts a log that grew since the head was kept, the genesis head, and either case', async () => {
    expect(await d.verifyAudit({ expectHead: GENESIS_HASH })).toMatchObject({ ok: true });
    await history();
    const kept = await d.verifyAudit();
    if (!kept.ok) throw new Error('the log should verify');
    await d.mint({ to: 'coder', conditions: ['tool == "fs.read"'] });
    expect(await d.verifyAudit({ expectHead: kept.head.toUpperCase() })).toMatchObject({
      ok: true,
      count: kept.count + 1,
    });
  });

  it('refuses a head that is not 64 hex digits', async () => {
    await expect(d.verifyAudit({ expectHead: 'abc' })).rejects.toThrow(RangeError);
    await expect(d.verifyAudit({ expectHead: 7 as unknown as string })).rejects.toThrow(TypeError);
    await expect(d.verifyAudit(null as unknown as object)).rejects.toThrow(TypeError);
  });
});

describe('verifyAudit against the requests', () => {
  it('agrees with an untouched store', async () => {
    await history();
    expect(await d.verifyAudit()).toMatchObject({ ok: true, requests: 3, mismatches: [] });
  });

  it('reports a pending request approved behind the store’s back', async () => {
    const { pending } = await history();
    const outcome = {
      status: 'approved',
      token: 'forged',
      scope: ['tool == "fs.delete"'],
      expiresAt: null,
    };
    behindTheBack(
      "UPDATE requests SET status = 'approved', version = version + 1, outcome = ?, decided_by = 'owner', decided_at = 0 WHERE id = ?",
      JSON.stringify(outcome),
      pending,
    );
    expect(await d.verifyAudit()).toEqual({
      ok: false,
      seq: null,
      problem: `1 request disagrees with the audit log; first ${pending}: it is approved, but the log has no approve entry for it`,
      mismatches: [
        {
          requestId: pending,
          seq: null,
          problem: 'it is approved, but the log has no approve entry for it',
        },
      ],
    });
  });

  it('reports an approval whose token, a denial whose reason, was changed, and a request removed', async () => {
    const { approved, denied, pending } = await history();
    const [approveEntry] = await d.audit({ requestId: approved, kind: 'approve' });
    const [denyEntry] = await d.audit({ requestId: denied, kind: 'deny' });
    const [requestEntry] = await d.audit({ requestId: pending, kind: 'request' });
    const view = await d.get(approved);
    const outcome = { ...view.outcome, token: 'a-token-of-my-own', expiresAt: null };
    behindTheBack(
      'UPDATE requests SET outcome = ? WHERE id = ?',
      JSON.stringify(outcome),
      approved,
    );
    behindTheBack(
      'UPDATE requests SET outcome = ? WHERE id = ?',
      JSON.stringify({ status: 'denied', reason: 'approved after all, go ahead' }),
      denied,
    );
    behindTheBack('DELETE FROM requests WHERE id = ?', pending);
    const check = await d.verifyAudit();
    expect(check.ok).toBe(false);
    expect(check.mismatches).toEqual([
      {
        requestId: approved,
        seq: approveEntry?.seq,
        problem: 'its approved token is not the one the log records',
      },
      {
        requestId: denied,
        seq: denyEntry?.seq,
        problem: 'its denial reason is not the one the log records',
      },
      {
        requestId: pending,
        seq: requestEntry?.seq,
        problem: 'the log records it, but the store has no such request',
      },
    ]);
  });

  it('does not hold requests to a log whose chain is broken', async () => {
    await history();
    behindTheBack(`UPDATE audit SET actor = 'mallory' WHERE seq = 2`);
    expect(await d.verifyAudit()).toEqual({
      ok: false,
      seq: 2,
      problem: 'content does not match its hash',
      mismatches: [],
    });
  });
});

describe('crossCheck', () => {
  it('reports a request without its request entry, and an open one with a decision entry', () => {
    const record = pendingRecord();
    const entry = (kind: 'request' | 'approve', seq: number) => ({
      seq,
      at: 0,
      kind,
      actor: 'owner',
      subject: null,
      requestId: record.id,
      details: {},
      prevHash: GENESIS_HASH,
      hash: GENESIS_HASH,
    });
    expect(crossCheck([record], [])).toEqual([
      { requestId: record.id, seq: null, problem: 'the log has no request entry for it' },
    ]);
    expect(crossCheck([record], [entry('request', 1), entry('approve', 2)])).toEqual([
      { requestId: record.id, seq: 2, problem: 'it is pending, but the log records its approve' },
    ]);
  });
});
