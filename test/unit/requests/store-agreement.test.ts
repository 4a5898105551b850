/**
 * The stores agree: the memory and SQLite stores give the same answers over a random history
 * of requests and decisions, and the shared compare-and-set core runs the same steps over
 * asynchronous tables, as a networked store will drive it.
 */
import { describe, expect, it } from 'vitest';
import {
  createStep,
  escalateStep,
  runAsync,
  runSync,
  revokeStep,
  transitionStep,
  type RequestTables,
} from '../../../src/requests/store/_core.js';
import { verifyAuditChain } from '../../../src/requests/store/audit.js';
import type {
  AuditEntry,
  RequestFilter,
  RequestRecord,
  RequestStatus,
  Revocation,
} from '../../../src/requests/store/model.js';
import { auditInput, pendingRecord } from './_records.js';
import { temporaryStores } from './_stores.js';

const { memory, sqlite } = temporaryStores();

describe('memory and SQLite stores', () => {
  it('give the same answers over a random history of requests and decisions', async () => {
    const stores = [memory(), sqlite()];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const grantors = ['owner', 'planner', 'reviewer'];
    const statuses: RequestStatus[] = ['approved', 'denied', 'expired', 'cancelled'];
    const ids: string[] = [];
    for (let step = 0; step < 300; step++) {
      const choice = random(4);
      const target = ids[random(Math.max(ids.length, 1))];
      const current = target === undefined ? undefined : await stores[0]?.getRequest(target);
      const results: unknown[] = [];
      const record = pendingRecord({
        grantor: grantors[random(3)] as string,
        idempotencyKey: `k${random(40)}`,
        createdAt: random(50),
        expiresAt: random(1000),
        call:
          random(2) === 0
            ? null
            : { tool: 'fs.write', args: { path: `/repo/${random(9)}`, n: [random(5), null] } },
      });
      const linked = pendingRecord({ idempotencyKey: `k${random(40)}`, createdAt: random(50) });
      const to = statuses[random(4)] as RequestStatus;
      for (const store of stores) {
        const entry = auditInput('request', { requestId: target ?? null, at: random(1000) });
        if (choice === 0 || current === undefined) {
          results.push(await store.createRequest(record, (r) => [{ ...entry, requestId: r.id }]));
        } else if (choice === 1 && current.status === 'pending') {
          results.push(
            await store.escalate({
              id: current.id,
              version: current.version,
              linked,
              autoApprove: false,
              audit: () => [entry],
            }),
          );
        } else if (choice === 2 && current.status === 'escalated') {
          results.push(
            await store.transition({
              id: current.id,
              version: current.version,
              to: 'pending',
              audit: [],
            }),
          );
        } else if (current.status === 'pending' || current.status === 'escalated') {
          results.push(
            await store.transition({
              id: current.id,
              version: current.version,
              to,
              audit: [entry],
            }),
          );
        }
      }
      expect(results[1]).toEqual(results[0]);
      const created = results[0] as { created?: boolean; record?: RequestRecord } | undefined;
      if (created?.created === true && created.record !== undefined) ids.push(created.record.id);
      const escalated = results[0] as { created?: boolean; linked?: RequestRecord } | undefined;
      if (escalated?.created === true && escalated.linked !== undefined)
        ids.push(escalated.linked.id);
    }
    const filters: RequestFilter[] = [
      {},
      { status: ['pending', 'escalated'] },
      { status: ['escalated'] },
      { status: ['pending', 'escalated'], expiresBy: 500 },
      { requester: 'coder', status: ['denied'] },
      ...grantors.map((grantor) => ({
        grantor,
        status: ['pending', 'escalated'] as RequestStatus[],
      })),
      ...grantors.map((grantor) => ({ grantor, limit: 3 })),
      ...ids
        .slice(0, 40)
        .map((escalatedTo) => ({ escalatedTo, status: ['escalated'] as RequestStatus[] })),
    ];
    for (const filter of filters) {
      const [a, b] = await Promise.all(stores.map((s) => s.listRequests(filter)));
      expect({ filter, ids: b?.map((r) => r.id) }).toEqual({ filter, ids: a?.map((r) => r.id) });
    }
    const logs = await Promise.all(stores.map((s) => s.queryAudit({ afterSeq: 10 })));
    expect(logs[1]).toEqual(logs[0]);
    expect(verifyAuditChain((await stores[0]?.queryAudit({})) as AuditEntry[])).toMatchObject({
      ok: true,
    });
  });
});

describe('the compare-and-set core', () => {
  /** Asynchronous tables over maps: the shape a networked store gives the core. */
  function asyncTables(): RequestTables & { readonly log: AuditEntry[] } {
    const rows = new Map<string, RequestRecord>();
    const log: AuditEntry[] = [];
    const revocations: Revocation[] = [];
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 0));
    return {
      log,
      getRequest: (id) => later(rows.get(id)),
      findOpenRequest: (key) =>
        later(
          [...rows.values()].find(
            (r) => r.idempotencyKey === key && (r.status === 'pending' || r.status === 'escalated'),
          ),
        ),
      insertRequest: (r) => later(void rows.set(r.id, r)),
      updateRequest: (_before, after) => later(void rows.set(after.id, after)),
      auditHead: () => later(log[log.length - 1]),
      insertAudit: (entries) => later(void log.push(...entries)),
      insertSeen: () => later(true),
      insertPolicy: () => later(undefined),
      deletePolicy: () => later(false),
      insertRootKey: () => later(true),
      deleteRootKey: () => later(undefined),
      insertHops: () => later(undefined),
      findRevocation: (kind, target) =>
        later(revocations.find((r) => r.kind === kind && r.target === target)),
      revocationHead: () => later(revocations.at(-1)?.seq ?? 0),
      insertRevocation: (r) => later(void revocations.push(r)),
    };
  }

  it('runs the same steps over asynchronous tables', async () => {
    const t = asyncTables();
    const { record } = await runAsync(
      createStep(t, pendingRecord({ idempotencyKey: 'a' }), (r) => [
        auditInput('request', { requestId: r.id }),
      ]),
    );
    const joined = await runAsync(createStep(t, pendingRecord({ idempotencyKey: 'a' }), () => []));
    expect(joined).toMatchObject({ created: false, record: { id: record.id } });
    const up = await runAsync(
      escalateStep(t, {
        id: record.id,
        version: 1,
        linked: pendingRecord({ idempotencyKey: 'up' }),
        autoApprove: true,
        audit: (linked) => [auditInput('escalate', { requestId: linked.id })],
      }),
    );
    expect(up?.record).toMatchObject({ status: 'escalated', version: 2 });
    expect(
      await runAsync(transitionStep(t, { id: record.id, version: 1, to: 'denied', audit: [] })),
    ).toBeUndefined();
    expect(verifyAuditChain(t.log)).toMatchObject({ ok: true, count: 2 });
    const revoke = (target: string) =>
      runAsync(
        revokeStep(
          t,
          [{ kind: 'hop', target, delegationId: 'd', by: 'owner', at: 1, reason: 'r' }],
          (made) => made.map((r) => auditInput('revoke', { details: { target: r.target } })),
        ),
      );
    expect((await revoke('hop_a')).created).toMatchObject([{ seq: 1, target: 'hop_a' }]);
    expect(await revoke('hop_a')).toMatchObject({ created: [], existing: [{ seq: 1 }] });
    expect((await revoke('hop_b')).created).toMatchObject([{ seq: 2 }]);
    expect(verifyAuditChain(t.log)).toMatchObject({ ok: true, count: 4 });
  });

  it('refuses to drive asynchronous tables synchronously', () => {
    expect(() => runSync(createStep(asyncTables(), pendingRecord(), () => []))).toThrow(TypeError);
  });
});
