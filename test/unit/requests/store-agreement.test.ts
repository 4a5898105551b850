/**
 * The stores agree: the memory and SQLite stores give the same answers over a random history
 * of requests and decisions (`_store-agreement.ts`; PostgreSQL joins them in store.pg.test.ts),
 * and the shared compare-and-set core runs the same steps over
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
import type { AuditEntry, RequestRecord, Revocation } from '../../../src/requests/store/model.js';
import { auditInput, pendingRecord } from './_records.js';
import { expectAgreement } from './_store-agreement.js';
import { temporaryStores } from './_stores.js';

const { memory, sqlite } = temporaryStores();

describe('memory and SQLite stores', () => {
  it('give the same answers over a random history of requests and decisions', async () => {
    await expectAgreement([memory(), sqlite()]);
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
