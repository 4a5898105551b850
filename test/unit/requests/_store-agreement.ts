/**
 * The stores agree: over one pseudo-random history of requests, escalations and decisions, every
 * store gives the same answer to each step, lists the same requests for each filter, and keeps
 * the same audit log (store-agreement.test.ts runs it on the memory and SQLite stores,
 * store.pg.test.ts on those and PostgreSQL).
 */
import { expect } from 'vitest';
import { verifyAuditChain } from '../../../src/requests/store/audit.js';
import type {
  AuditEntry,
  RequestFilter,
  RequestRecord,
  RequestStatus,
} from '../../../src/requests/store/model.js';
import type { RequestStore } from '../../../src/requests/store/store.js';
import { auditInput, pendingRecord } from './_records.js';

/**
 * Runs the history on every store of `stores` (fresh and empty) and expects them to agree.
 *
 * @example
 * await expectAgreement([createMemoryStore(), openSqliteStore(path)]);
 */
export async function expectAgreement(stores: readonly RequestStore[]): Promise<void> {
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
    for (const result of results.slice(1)) expect(result).toEqual(results[0]);
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
    const [first, ...others] = await Promise.all(stores.map((s) => s.listRequests(filter)));
    for (const other of others)
      expect({ filter, ids: other.map((r) => r.id) }).toEqual({
        filter,
        ids: first?.map((r) => r.id),
      });
  }
  const logs = await Promise.all(stores.map((s) => s.queryAudit({ afterSeq: 10 })));
  for (const log of logs.slice(1)) expect(log).toEqual(logs[0]);
  expect(verifyAuditChain((await stores[0]?.queryAudit({})) as AuditEntry[])).toMatchObject({
    ok: true,
  });
}
