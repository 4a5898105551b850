/**
 * What only the PostgreSQL store does: its schema created on open with a recorded version (and
 * found again, unchanged, by the next instance), a newer schema or another application's tables
 * refused, an audit log and revocations PostgreSQL itself will not let anyone update, delete or
 * truncate (and a forged edit, made by going around the triggers, caught by the chain), a NOTIFY
 * that comes with a committed append and never with a rolled-back one, a database out of reach
 * reported at once as ERR_REQUEST_STORE_UNAVAILABLE, no password in any message, and an index
 * under every statement it runs (so the cost of a decision does not grow with the store).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, redactUrl } from '../../../src/requests/index.js';
import { verifyAuditChain } from '../../../src/requests/store/audit.js';
import type { HopRecord } from '../../../src/requests/store/model.js';
import type { StoreChange } from '../../../src/requests/store/store.js';
import { PG, pgQuery } from '../../../src/requests/store/_postgres-sql.js';
import { auditQuery, hopQuery, requestQuery } from '../../../src/requests/store/_sql.js';
import { PG_SCHEMA_VERSION } from '../../../src/requests/store/postgres-schema.js';
import {
  adminClient,
  databaseUrl,
  freshSchema,
  temporaryPostgresStores,
} from '../../postgres/_database.js';
import { auditInput, pendingRecord } from './_records.js';

const open = temporaryPostgresStores();
const admin = adminClient();

/** A hop of the delegation tree, as a store keeps it. */
const hop: HopRecord = {
  id: 'hop_a',
  parent: null,
  via: null,
  delegationId: 'd',
  keyId: 'k1',
  block: 0,
  grantor: 'owner',
  grantee: 'coder',
  place: ['coder'],
  conditions: [],
  expiresAt: null,
  prefixes: ['hop_a'],
  source: 'seen',
  firstSeenAt: 1,
};

/** A store on `schema`, closed after the test. */
const on = (schema: string) => open({ schema });

describe('the PostgreSQL store', () => {
  it('creates its schema on open, records its version, and finds it again unchanged', async () => {
    const schema = freshSchema();
    const first = await on(schema);
    await first.appendAudit([auditInput('mint')]);
    const meta = await admin().query(`SELECT application, schema_version FROM "${schema}".meta`);
    expect(meta.rows).toEqual([{ application: 'mandate', schema_version: PG_SCHEMA_VERSION }]);
    const again = await on(schema);
    expect(await again.lastAuditSeq()).toBe(1);
  });

  it('refuses a schema written by a newer mandate, and one holding tables of its own', async () => {
    const newer = freshSchema();
    await on(newer);
    await admin().query(`UPDATE "${newer}".meta SET schema_version = 99`);
    await expect(on(newer)).rejects.toMatchObject({
      code: 'ERR_REQUEST_STORE',
      message: expect.stringMatching(/version 99 is newer.*upgrade mandate/) as unknown,
    });
    const foreign = freshSchema();
    await admin().query(`CREATE SCHEMA "${foreign}"; CREATE TABLE "${foreign}".orders (id int)`);
    await expect(on(foreign)).rejects.toMatchObject({
      code: 'ERR_REQUEST_STORE',
      message: expect.stringMatching(/another application/) as unknown,
    });
  });

  it('stops writing, rather than misreading, when a newer mandate migrates the schema under it', async () => {
    const schema = freshSchema();
    const store = await on(schema);
    await admin().query(`UPDATE "${schema}".meta SET schema_version = ${PG_SCHEMA_VERSION + 1}`);
    await expect(store.appendAudit([auditInput('mint')])).rejects.toMatchObject({
      code: 'ERR_REQUEST_STORE',
    });
    expect(await store.lastAuditSeq()).toBe(0);
  });

  it('will not update, delete or truncate audit entries or revocations, and a forged edit breaks the chain', async () => {
    const schema = freshSchema();
    const store = await on(schema);
    await store.appendAudit([
      auditInput('mint'),
      auditInput('request', { details: { reason: 'a' } }),
      auditInput('approve'),
    ]);
    await store.revoke(
      [{ kind: 'hop', target: 'hop_a', delegationId: 'd', by: 'owner', at: 1, reason: 'r' }],
      () => [auditInput('revoke')],
    );
    const refused = async (sql: string, why: RegExp) =>
      expect(admin().query(sql)).rejects.toThrow(why);
    await refused(`UPDATE "${schema}".audit SET actor = 'mallory' WHERE seq = 2`, /append-only/);
    await refused(`DELETE FROM "${schema}".audit WHERE seq = 3`, /append-only/);
    await refused(`TRUNCATE "${schema}".audit`, /append-only/);
    await refused(`UPDATE "${schema}".revocations SET reason = 'x'`, /final/);
    await refused(`DELETE FROM "${schema}".revocations`, /final/);
    await refused(`TRUNCATE "${schema}".revocations`, /final/);
    // The table's owner can still go around the triggers: the chain is what catches it.
    await admin().query(`ALTER TABLE "${schema}".audit DISABLE TRIGGER audit_append_only`);
    await admin().query(`UPDATE "${schema}".audit SET details = '{"reason":"b"}' WHERE seq = 2`);
    expect(verifyAuditChain(await store.queryAudit({}))).toEqual({
      ok: false,
      seq: 2,
      problem: 'content does not match its hash',
    });
  });

  it('announces a committed append once, with its kinds, and never a rolled-back one', async () => {
    const schema = freshSchema();
    const store = await on(schema);
    const changes: StoreChange[] = [];
    const stop = store.watch?.((c) => changes.push(c));
    const listening = async () =>
      (
        await admin().query('SELECT 1 FROM pg_stat_activity WHERE query = $1 AND state = $2', [
          `LISTEN "mandate_${schema}"`,
          'idle',
        ])
      ).rowCount === 1;
    while (!(await listening())) await new Promise((r) => setTimeout(r, 5));
    const { record } = await store.createRequest(pendingRecord(), (r) => [
      auditInput('request', { requestId: r.id }),
    ]);
    // A step that fails after its append (a hop the table refuses) is rolled back, its NOTIFY
    // with it.
    await expect(
      store.transition({
        id: record.id,
        version: 1,
        to: 'denied',
        audit: [auditInput('deny', { requestId: record.id })],
        hops: [{ ...hop, source: 'forged' as 'seen' }],
      }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_STORE' });
    expect(await store.getRequest(record.id)).toMatchObject({ status: 'pending', version: 1 });
    await store.appendAudit([auditInput('approve'), auditInput('revoke')]);
    while (changes.length < 2) await new Promise((r) => setTimeout(r, 5));
    await store.appendAudit([auditInput('mint')]);
    while (changes.length < 3) await new Promise((r) => setTimeout(r, 5));
    expect(changes).toEqual([
      { seq: 1, kinds: ['request'] },
      { seq: 3, kinds: ['approve', 'revoke'] },
      { seq: 4, kinds: ['mint'] },
    ]);
    expect(verifyAuditChain(await store.queryAudit({}))).toMatchObject({ ok: true, count: 4 });
    stop?.();
  });

  it('commits the writes that queue up together, each step seeing those before it, and rejects a failing one alone', async () => {
    const schema = freshSchema();
    const store = await on(schema);
    const other = await store.createRequest(pendingRecord(), () => []);
    const record = pendingRecord();
    // The first write runs alone; the five after it queue up meanwhile and share a transaction.
    const first = store.appendAudit([auditInput('mint')]);
    const [created, approved, late, forged, appended] = await Promise.allSettled([
      store.createRequest(record, (r) => [auditInput('request', { requestId: r.id })]),
      store.transition({
        id: record.id,
        version: 1,
        to: 'approved',
        outcome: { status: 'approved', token: 't', scope: ['true'], expiresAt: null },
        audit: [auditInput('approve', { requestId: record.id })],
      }),
      store.transition({
        id: record.id,
        version: 1,
        to: 'denied',
        outcome: { status: 'denied', reason: 'no' },
        audit: [auditInput('deny', { requestId: record.id })],
      }),
      store.transition({
        id: other.record.id,
        version: 1,
        to: 'denied',
        audit: [auditInput('deny', { requestId: other.record.id })],
        hops: [{ ...hop, source: 'forged' as 'seen' }],
      }),
      store.appendAudit([auditInput('revoke')]),
    ]);
    await first;
    expect(created).toMatchObject({ status: 'fulfilled', value: { created: true } });
    expect(approved).toMatchObject({ status: 'fulfilled', value: { version: 2 } });
    expect(late).toEqual({ status: 'fulfilled', value: undefined });
    expect(forged).toMatchObject({ status: 'rejected', reason: { code: 'ERR_REQUEST_STORE' } });
    expect(appended.status).toBe('fulfilled');
    expect(await store.getRequest(other.record.id)).toMatchObject({ status: 'pending' });
    const log = await admin().query<{ kind: string; xmin: string }>(
      `SELECT kind, xmin::text FROM "${schema}".audit ORDER BY seq`,
    );
    expect(log.rows.map((r) => r.kind)).toEqual(['mint', 'request', 'approve', 'revoke']);
    expect(new Set(log.rows.slice(1).map((r) => r.xmin)).size).toBe(1);
    expect(verifyAuditChain(await store.queryAudit({}))).toMatchObject({ ok: true, count: 4 });
  });

  it('answers the requests a batch reads ahead as its own earlier steps left them', async () => {
    const store = await on(freshSchema());
    const record = pendingRecord();
    const key = record.idempotencyKey;
    const next = pendingRecord({ idempotencyKey: key });
    // The first write runs alone; the rest queue up meanwhile, share a transaction, and read the
    // request by id and its key's open request from what the opening read, kept in step with
    // each step's writes.
    const first = store.appendAudit([auditInput('mint')]);
    const [created, joined, denied, again, escalated] = await Promise.all([
      store.createRequest(record, () => [auditInput('request')]),
      store.createRequest(pendingRecord({ idempotencyKey: key }), () => [auditInput('request')]),
      store.transition({
        id: record.id,
        version: 1,
        to: 'denied',
        outcome: { status: 'denied', reason: 'no' },
        audit: [auditInput('deny')],
      }),
      // The key's request is closed now: a new one opens.
      store.createRequest(next, () => [auditInput('request')]),
      store.escalate({
        id: next.id,
        version: 1,
        linked: pendingRecord(),
        autoApprove: false,
        audit: () => [auditInput('escalate')],
      }),
    ]);
    await first;
    expect(created).toMatchObject({ created: true, record: { id: record.id } });
    expect(joined).toMatchObject({ created: false, record: { id: record.id } });
    expect(denied).toMatchObject({ status: 'denied', version: 2 });
    expect(again).toMatchObject({ created: true, record: { id: next.id } });
    expect(escalated).toMatchObject({ record: { status: 'escalated', version: 2 }, created: true });
    expect(await store.getRequest(record.id)).toMatchObject({ status: 'denied' });
    expect(await store.getRequest(next.id)).toMatchObject({ status: 'escalated' });
    expect(verifyAuditChain(await store.queryAudit({}))).toMatchObject({ ok: true, count: 5 });
  });

  it('writes more rows at once than one statement may carry parameters for', async () => {
    const store = await on(freshSchema());
    // 9 columns each: 72,000 parameters, past the protocol's 65,535.
    await store.appendAudit(
      Array.from({ length: 8_000 }, (_, i) => auditInput('mint', { details: { i } })),
    );
    const hops = Array.from({ length: 5_000 }, (_, i): HopRecord => ({
      ...hop,
      id: `hop_${i}`,
      prefixes: [`hop_${i}`],
    }));
    await store.recordHops(hops);
    expect(await store.lastAuditSeq()).toBe(8_000);
    expect(verifyAuditChain(await store.queryAudit({}))).toMatchObject({ ok: true, count: 8_000 });
    expect(await store.listHops({ ids: hops.map((h) => h.id) })).toHaveLength(5_000);
  });

  it('answers at once with ERR_REQUEST_STORE_UNAVAILABLE when nothing listens, naming no password', async () => {
    const url = 'postgres://mandate:s3cret-pw@127.0.0.1:1/mandate';
    const failure = await openPostgresStore(url).catch((err: unknown) => err as Error);
    expect(failure).toMatchObject({ code: 'ERR_REQUEST_STORE_UNAVAILABLE' });
    expect((failure as Error).message).toContain('postgres://mandate:***@127.0.0.1:1/mandate');
    expect(JSON.stringify(failure)).not.toContain('s3cret-pw');
    expect((failure as Error).message).not.toContain('s3cret-pw');
    expect(redactUrl('postgres://u@/db?host=/run/pg&password=s3cret-pw')).toBe(
      'postgres://u@/db?host=%2Frun%2Fpg&password=***',
    );
  });

  it('names no password when the server refuses it', async () => {
    const url = new URL(databaseUrl());
    const tcp = `postgres://no_such_user:s3cret-pw@127.0.0.1:${process.env['PGPORT'] ?? 5432}${url.pathname}`;
    const failure = await openPostgresStore(tcp).catch((err: unknown) => err as Error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).not.toContain('s3cret-pw');
    expect(JSON.stringify(failure)).not.toContain('s3cret-pw');
  });

  it('runs no statement that reads a whole table', async () => {
    const schema = freshSchema();
    const store = await on(schema);
    await store.createRequest(pendingRecord(), () => [auditInput('request')]);
    const open = ['pending', 'escalated'] as const;
    const fixed = Object.entries(PG)
      // Listing every policy or key reads all of them by definition, and they are few (the
      // first key's insert looks for any); the write lock reads the one row of `meta`.
      .filter(
        ([name]) =>
          !['listPolicies', 'loadRootKeys', 'insertFirstRootKey', 'beginWrite'].includes(name),
      )
      .map(([name, text]) => ({
        name,
        text,
        values: [...text.matchAll(/\$\d+/g)].map(() => (name === 'insertPrefixes' ? [] : null)),
      }));
    const queries = [
      ...fixed,
      ...[
        { escalatedTo: 'req_x', status: ['escalated' as const] },
        { grantor: 'planner', status: [...open] },
        { grantor: 'planner', status: ['pending' as const] },
        { status: [...open], expiresBy: 5_000 },
        { requester: 'coder' },
      ].map((f) => ({ name: JSON.stringify(f), ...pgQuery(requestQuery(f)) })),
      ...[
        { afterSeq: 10, limit: 1000 },
        { requestId: 'req_x' },
        { requestId: 'req_x', afterSeq: 3 },
        { principal: 'coder' },
        { kind: 'approve' as const },
        { since: 1, until: 2 },
      ].map((f) => ({ name: JSON.stringify(f), ...pgQuery(auditQuery(f)) })),
      ...[
        { derivedFrom: ['hop_a', 'hop_b'] },
        { via: ['hop_a'] },
        { ids: ['hop_a'] },
        { grantee: 'coder' },
      ].map((f) => ({ name: JSON.stringify(f), ...pgQuery(hopQuery(f)) })),
    ];
    const client = new pg.Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      await client.query(`SET search_path = "${schema}"`);
      // With scans priced out of reach, a plan still holding one has no index to use instead.
      await client.query('SET enable_seqscan = off');
      for (const { name, text, values } of queries) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
        const lines = plan.rows.map((r) => r['QUERY PLAN']);
        expect({ name, scans: lines.filter((l) => /Seq Scan/.test(l)) }).toEqual({
          name,
          scans: [],
        });
      }
      const inbox = pgQuery(requestQuery({ grantor: 'planner', status: [...open] }));
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${inbox.text}`,
        inbox.values,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/requests_open_grantor/);
    } finally {
      await client.end();
    }
  });
});
