/**
 * What only the SQLite store does: WAL mode and a private file, persistence across reopening,
 * schema versioning, refusing other applications' files, an audit table that SQLite itself
 * will not let anyone update or delete, tamper detection for those who go around it, and
 * several connections sharing one file without breaking the chain or the compare-and-set,
 * migrating files written by older schemas (versions 1 and 2), and an index under every statement it runs (so
 * the cost of a decision does not grow with the store).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/requests/store/audit.js';
import { RequestStoreError } from '../../../src/requests/errors.js';
import {
  HOP_STATEMENTS,
  STATEMENTS,
  auditQuery,
  hopQuery,
  requestQuery,
} from '../../../src/requests/store/_sql.js';
import { policyToRow, recordToRow } from '../../../src/requests/store/_rows.js';
import type { PolicyRecord, RequestRecord } from '../../../src/requests/store/model.js';
import { MIGRATIONS } from '../../../src/requests/store/sqlite-schema.js';
import { openSqliteStore } from '../../../src/requests/store/sqlite-store.js';
import type { RequestStore } from '../../../src/requests/store/store.js';
import { auditInput, pendingRecord } from './_records.js';

let dir: string;
let path: string;
const open: RequestStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-sqlite-'));
  path = join(dir, 'requests.db');
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function store(options?: Parameters<typeof openSqliteStore>[1]): RequestStore {
  const s = openSqliteStore(path, options);
  open.push(s);
  return s;
}

/** The `requests` and `policies` columns of schema versions 1 and 2, as older releases wrote them. */
const OLD_REQUEST_COLUMNS =
  'id, version, status, requester, grantor, token, scope, reason, idem_key, created_at, expires_at, interval_s, ' +
  'last_polled_at, escalation_of, linked_id, auto_approve, outcome, decided_by, decided_at, policy_id';
const OLD_POLICY_COLUMNS = 'id, grantor, effect, scope, token, created_at, expires_at';

/** Writes a file at schema `version` holding `record` (and `policy`), as an older release did. */
function writeOldFile(version: 1 | 2, record: RequestRecord, policy?: PolicyRecord): void {
  const raw = new Database(path);
  try {
    for (const migration of MIGRATIONS.slice(0, version)) raw.exec(migration);
    raw.pragma('application_id = 0x6d6e6474');
    raw.pragma(`user_version = ${version}`);
    const row = recordToRow(record).slice(0, 20);
    raw
      .prepare(
        `INSERT INTO requests (${OLD_REQUEST_COLUMNS}) VALUES (${row.map(() => '?').join(',')})`,
      )
      .run(...row);
    if (policy !== undefined) {
      const values = policyToRow(policy).slice(0, 7);
      raw
        .prepare(
          `INSERT INTO policies (${OLD_POLICY_COLUMNS}) VALUES (${values.map(() => '?').join(',')})`,
        )
        .run(...values);
    }
  } finally {
    raw.close();
  }
}

describe('openSqliteStore', () => {
  it('creates a private file in WAL mode with the current schema', () => {
    store();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(raw.pragma('application_id', { simple: true })).toBe(0x6d6e6474);
    } finally {
      raw.close();
    }
  });

  it('keeps everything across closing and reopening', async () => {
    const first = store();
    const { record } = await first.createRequest(
      pendingRecord({
        scope: ['tool == "x"', 'args.n <= 3'],
        call: { tool: 'x', args: { n: 4, opts: { dry: false, tags: ['a', null] } } },
      }),
      (r) => [auditInput('request', { requestId: r.id })],
    );
    await first.transition({
      id: record.id,
      version: 1,
      to: 'approved',
      outcome: { status: 'approved', token: 'new-token', scope: ['tool == "x"'], expiresAt: 99 },
      decidedBy: 'owner',
      decidedAt: 50,
      policyId: 'pol_x',
      audit: [auditInput('approve', { requestId: record.id })],
    });
    await first.addPolicy(
      {
        id: 'pol_x',
        grantor: 'owner',
        effect: 'deny',
        scope: ['tool ~ "shell.*"'],
        token: null,
        createdAt: 1,
        expiresAt: 9,
        grantLifetime: null,
      },
      auditInput('policy-add'),
    );
    await first.addPolicy(
      {
        id: 'pol_y',
        grantor: 'owner',
        effect: 'approve',
        scope: ['tool == "x"'],
        token: null,
        createdAt: 2,
        expiresAt: null,
        grantLifetime: 600,
      },
      auditInput('policy-add'),
    );
    await first.saveRootKey(
      { id: 'k', secret: 's', createdAt: '2026-01-01T00:00:00.000Z' },
      auditInput('key-add'),
    );
    await first.close();

    const again = store();
    expect(await again.getRequest(record.id)).toEqual({
      ...record,
      version: 2,
      status: 'approved',
      outcome: { status: 'approved', token: 'new-token', scope: ['tool == "x"'], expiresAt: 99 },
      decidedBy: 'owner',
      decidedAt: 50,
      policyId: 'pol_x',
    });
    expect(
      (await again.listPolicies()).map((p) => [
        p.id,
        p.effect,
        p.scope,
        p.expiresAt,
        p.grantLifetime,
      ]),
    ).toEqual([
      ['pol_x', 'deny', ['tool ~ "shell.*"'], 9, null],
      ['pol_y', 'approve', ['tool == "x"'], null, 600],
    ]);
    expect((await again.loadRootKeys()).map((k) => k.id)).toEqual(['k']);
    expect(verifyAuditChain(await again.queryAudit({}))).toMatchObject({ ok: true, count: 5 });
  });

  it('refuses a schema newer than it understands', () => {
    store();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => store()).toThrow(RequestStoreError);
    expect(() => store()).toThrow(/newer than this library understands/);
  });

  it("refuses another application's database and a file that is not one", () => {
    const raw = new Database(path);
    raw.exec('CREATE TABLE notes (body TEXT)');
    raw.close();
    expect(() => store()).toThrow(/another application/);
    writeFileSync(
      path,
      'this is not a database, just some text that is long enough to matter'.repeat(10),
    );
    expect(() => store()).toThrow(RequestStoreError);
    expect(() => openSqliteStore(join(dir, 'missing', 'x.db'))).toThrow(RequestStoreError);
  });

  it('checks its arguments', () => {
    expect(() => openSqliteStore('')).toThrow(TypeError);
    expect(() => openSqliteStore(':memory:')).toThrow(TypeError);
    expect(() => openSqliteStore(path, { busyTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => openSqliteStore(path, { synchronous: 'off' as 'full' })).toThrow(RangeError);
  });

  it('will not update or delete a revocation', async () => {
    const s = store();
    await s.revoke(
      [{ kind: 'hop', target: 'hop_a', delegationId: 'd', by: 'owner', at: 1, reason: 'r' }],
      () => [auditInput('revoke')],
    );
    const raw = new Database(path);
    try {
      expect(() => raw.prepare("UPDATE revocations SET reason = 'x'").run()).toThrow(/final/);
      expect(() => raw.prepare('DELETE FROM revocations').run()).toThrow(/final/);
    } finally {
      raw.close();
    }
    expect(await s.revocationsSince(0, 10)).toMatchObject([{ target: 'hop_a', reason: 'r' }]);
  });

  it('will not update or delete audit entries, and a forged edit breaks the chain', async () => {
    const s = store();
    await s.appendAudit([
      auditInput('mint'),
      auditInput('request', { details: { reason: 'a' } }),
      auditInput('approve'),
    ]);
    const raw = new Database(path);
    try {
      expect(() => raw.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 2").run()).toThrow(
        /append-only/,
      );
      expect(() => raw.prepare('DELETE FROM audit WHERE seq = 3').run()).toThrow(/append-only/);
      raw.exec('DROP TRIGGER audit_no_update');
      raw.prepare(`UPDATE audit SET details = '{"reason":"b"}' WHERE seq = 2`).run();
    } finally {
      raw.close();
    }
    expect(verifyAuditChain(await s.queryAudit({}))).toEqual({
      ok: false,
      seq: 2,
      problem: 'content does not match its hash',
    });
  });

  it('shares one file between connections: one chain, one winner per decision', async () => {
    const a = store();
    const b = store();
    const { record } = await a.createRequest(pendingRecord(), () => [auditInput('request')]);
    const seenByB = await b.createRequest(
      pendingRecord({ idempotencyKey: record.idempotencyKey }),
      () => [],
    );
    expect(seenByB).toMatchObject({ created: false, record: { id: record.id } });
    const [viaA, viaB] = await Promise.all([
      a.transition({ id: record.id, version: 1, to: 'approved', audit: [auditInput('approve')] }),
      b.transition({ id: record.id, version: 1, to: 'denied', audit: [auditInput('deny')] }),
    ]);
    expect([viaA, viaB].filter((r) => r !== undefined).length).toBe(1);
    for (let i = 0; i < 10; i++)
      await (i % 2 === 0 ? a : b).appendAudit([auditInput('mint', { at: i })]);
    expect(verifyAuditChain(await b.queryAudit({}))).toMatchObject({ ok: true, count: 12 });
  });

  it('reports a locked database as a store error after the busy timeout', async () => {
    const s = store({ busyTimeoutMs: 0 });
    const raw = new Database(path);
    raw.exec('BEGIN IMMEDIATE');
    try {
      await expect(s.appendAudit([auditInput('mint')])).rejects.toMatchObject({
        code: 'ERR_REQUEST_STORE',
      });
    } finally {
      raw.exec('ROLLBACK');
      raw.close();
    }
  });

  it('migrates a file written by the first schema, keeping its requests and its chain', async () => {
    const old = pendingRecord({ grantor: 'planner', idempotencyKey: 'old' });
    writeOldFile(1, old);
    const s = store();
    expect(await s.listRequests({ grantor: 'planner', status: ['pending', 'escalated'] })).toEqual([
      old,
    ]);
    expect(
      (await s.createRequest(pendingRecord({ idempotencyKey: 'old' }), () => [])).record.id,
    ).toBe(old.id);
    await s.appendAudit([auditInput('mint'), auditInput('key-add')]);
    expect((await s.queryAudit({ kind: 'key-add' })).map((e) => e.seq)).toEqual([2]);
    const check = new Database(path, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const indexes = check
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index'")
        .all()
        .map((r) => (r as { name: string }).name);
      expect(indexes).toEqual(expect.arrayContaining(['requests_open_grantor', 'audit_kind']));
    } finally {
      check.close();
    }
  });

  it('migrates a version-2 file: its requests carry no call, its policies no grant time box', async () => {
    const old = pendingRecord({ grantor: 'owner', idempotencyKey: 'v2' });
    const policy: PolicyRecord = {
      id: 'pol_v2',
      grantor: 'owner',
      effect: 'approve',
      scope: ['tool == "fs.read"'],
      token: null,
      createdAt: 1,
      expiresAt: null,
      grantLifetime: 600,
    };
    writeOldFile(2, old, policy);
    const s = store();
    expect(await s.getRequest(old.id)).toEqual({ ...old, call: null });
    expect(await s.listPolicies()).toEqual([{ ...policy, grantLifetime: null }]);
    const call = { tool: 'fs.write', args: { path: '/repo/out/summary.md' } };
    const { record } = await s.createRequest(pendingRecord({ call }), () => []);
    await s.close();
    const again = store();
    expect((await again.getRequest(record.id))?.call).toEqual(call);
    const check = new Database(path, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      check.close();
    }
  });

  it('runs no statement that reads a whole table', async () => {
    const s = store();
    for (let i = 0; i < 50; i++) {
      await s.createRequest(pendingRecord({ grantor: `agent-${i % 5}` }), (r) => [
        auditInput('request', { requestId: r.id }),
      ]);
    }
    const raw = new Database(path, { readonly: true });
    const open = ['pending', 'escalated'] as const;
    const queries = [
      ...Object.entries(STATEMENTS)
        // Listing every policy or key reads all of them by definition, and they are few.
        .filter(([name]) => name !== 'listPolicies' && name !== 'loadRootKeys')
        .map(([name, sql]) => ({
          name,
          sql,
          params: sql
            .split('?')
            .slice(1)
            .map(() => null),
        })),
      ...[
        { escalatedTo: 'req_x', status: ['escalated' as const] },
        { grantor: 'planner', status: [...open] },
        { grantor: 'planner', status: ['pending' as const] },
        { status: [...open], expiresBy: 5_000 },
        { requester: 'coder' },
      ].map((f) => ({ name: JSON.stringify(f), ...requestQuery(f) })),
      ...[
        { afterSeq: 10, limit: 1000 },
        { requestId: 'req_x' },
        { requestId: 'req_x', afterSeq: 3 },
        { principal: 'coder' },
        { kind: 'approve' as const },
        { since: 1, until: 2 },
      ].map((f) => ({ name: JSON.stringify(f), ...auditQuery(f) })),
      ...Object.entries(HOP_STATEMENTS).map(([name, sql]) => ({
        name,
        sql,
        params: sql
          .split('?')
          .slice(1)
          .map(() => null),
      })),
      ...[
        { derivedFrom: ['hop_a', 'hop_b'] },
        { via: ['hop_a'] },
        { ids: ['hop_a'] },
        { grantee: 'coder' },
      ].map((f) => ({ name: JSON.stringify(f), ...hopQuery(f) })),
    ];
    try {
      for (const { name, sql, params } of queries) {
        const plan = (
          raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
        ).map((r) => r.detail);
        expect({
          name,
          scans: plan.filter((d) =>
            /^SCAN (requests|audit|policies|hops|hop_prefixes|revocations)/.test(d),
          ),
        }).toEqual({ name, scans: [] });
      }
      const inbox = requestQuery({ grantor: 'planner', status: [...open] });
      expect(
        (
          raw.prepare(`EXPLAIN QUERY PLAN ${inbox.sql}`).all(...inbox.params) as {
            detail: string;
          }[]
        ).map((r) => r.detail),
      ).toEqual([expect.stringMatching(/USING INDEX requests_open_grantor/)]);
    } finally {
      raw.close();
    }
  });
});
