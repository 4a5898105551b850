/**
 * The store contract, which every store must pass (the memory and SQLite stores in store.test.ts,
 * PostgreSQL in store.pg.test.ts): idempotency among open requests, compare-and-set
 * transitions, escalation as one step, the hash-chained append-only audit log and its queries,
 * first sightings, policies and root keys, and the answers of the indexed reads as requests
 * move between states. `make` gives a fresh, empty store for each test.
 */
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/requests/store/audit.js';
import type { RequestFilter, RequestStatus } from '../../../src/requests/store/model.js';
import type { RequestStore } from '../../../src/requests/store/store.js';
import { auditInput, pendingRecord } from './_records.js';

/**
 * Declares the contract's tests for the store `make` opens.
 *
 * @example
 * storeContract('memory', () => createMemoryStore());
 */
export function storeContract(
  name: string,
  make: () => RequestStore | Promise<RequestStore>,
): void {
  describe(`${name} store`, () => {
    it('creates a request once per idempotency key while it is open', async () => {
      const store = await make();
      const first = await store.createRequest(pendingRecord({ idempotencyKey: 'k' }), (r) => [
        auditInput('request', { requestId: r.id }),
      ]);
      expect(first.created).toBe(true);
      const again = await store.createRequest(pendingRecord({ idempotencyKey: 'k' }), () => [
        auditInput('request'),
      ]);
      expect(again).toMatchObject({ created: false, record: { id: first.record.id } });
      expect(await store.lastAuditSeq()).toBe(1);

      await store.transition({
        id: first.record.id,
        version: 1,
        to: 'cancelled',
        outcome: { status: 'cancelled' },
        audit: [],
      });
      const third = await store.createRequest(pendingRecord({ idempotencyKey: 'k' }), () => []);
      expect(third.created).toBe(true);
      expect(third.record.id).not.toBe(first.record.id);
    });

    it("keeps a request's call as frozen canonical JSON, copied, through every change", async () => {
      const store = await make();
      const args: Record<string, unknown> = { z: 1, a: { y: [true, null, 'é'], b: -0.5 } };
      Object.defineProperty(args, '__proto__', { value: 'own', enumerable: true });
      const { record } = await store.createRequest(
        pendingRecord({ call: { tool: 'fs.write', args: args as never } }),
        () => [],
      );
      args['z'] = 2;
      const expected = { tool: 'fs.write', args: { a: { b: -0.5, y: [true, null, 'é'] }, z: 1 } };
      Object.defineProperty(expected.args, '__proto__', { value: 'own', enumerable: true });
      for (const read of [record, await store.getRequest(record.id)]) {
        expect(read?.call).toEqual(expected);
        expect(Object.keys(read?.call?.args ?? {})).toEqual(['__proto__', 'a', 'z']);
        expect(Object.isFrozen(read?.call) && Object.isFrozen(read?.call?.args['a'])).toBe(true);
      }
      const up = await store.escalate({
        id: record.id,
        version: 1,
        linked: pendingRecord({ idempotencyKey: 'call-up', call: null }),
        autoApprove: false,
        audit: () => [],
      });
      expect(up?.record.call).toEqual(expected);
      expect(up?.linked.call).toBeNull();
      await store.transition({ id: record.id, version: 2, to: 'cancelled', audit: [] });
      expect((await store.listRequests({ status: ['cancelled'] }))[0]?.call).toEqual(expected);
    });

    it('keeps an escalated request open for idempotency', async () => {
      const store = await make();
      const { record } = await store.createRequest(
        pendingRecord({ idempotencyKey: 'k2' }),
        () => [],
      );
      const up = await store.escalate({
        id: record.id,
        version: 1,
        linked: pendingRecord({ idempotencyKey: 'up' }),
        autoApprove: false,
        audit: () => [],
      });
      expect(up?.record.status).toBe('escalated');
      const again = await store.createRequest(pendingRecord({ idempotencyKey: 'k2' }), () => []);
      expect(again.created).toBe(false);
    });

    it('applies a transition only at the version read, and bumps it', async () => {
      const store = await make();
      const { record } = await store.createRequest(pendingRecord(), () => []);
      const approved = await store.transition({
        id: record.id,
        version: 1,
        to: 'approved',
        outcome: { status: 'approved', token: 't', scope: ['true'], expiresAt: null },
        decidedBy: 'planner',
        decidedAt: 5,
        audit: [auditInput('approve', { requestId: record.id })],
      });
      expect(approved).toMatchObject({
        version: 2,
        status: 'approved',
        decidedBy: 'planner',
        decidedAt: 5,
      });
      const late = await store.transition({
        id: record.id,
        version: 1,
        to: 'denied',
        outcome: { status: 'denied', reason: 'no' },
        audit: [auditInput('deny')],
      });
      expect(late).toBeUndefined();
      expect(await store.getRequest(record.id)).toMatchObject({ status: 'approved', version: 2 });
      expect(await store.lastAuditSeq()).toBe(1);
      expect(
        await store.transition({ id: 'req_missing', version: 1, to: 'denied', audit: [] }),
      ).toBeUndefined();
    });

    it('refuses moves outside the state machine', async () => {
      const store = await make();
      const { record } = await store.createRequest(pendingRecord(), () => []);
      await store.transition({
        id: record.id,
        version: 1,
        to: 'expired',
        outcome: { status: 'expired' },
        audit: [],
      });
      await expect(
        store.transition({ id: record.id, version: 2, to: 'approved', audit: [] }),
      ).rejects.toThrow(RangeError);
      expect(await store.getRequest(record.id)).toMatchObject({ status: 'expired' });
    });

    it('escalates and joins an open linked request with the same key', async () => {
      const store = await make();
      const a = (await store.createRequest(pendingRecord(), () => [])).record;
      const b = (await store.createRequest(pendingRecord(), () => [])).record;
      const first = await store.escalate({
        id: a.id,
        version: 1,
        linked: pendingRecord({ idempotencyKey: 'up', requester: 'planner', grantor: 'owner' }),
        autoApprove: true,
        audit: (linked, created) => [
          auditInput('escalate', { requestId: a.id, details: { linked: linked.id, created } }),
        ],
      });
      expect(first).toMatchObject({
        created: true,
        record: { status: 'escalated', escalation: { autoApprove: true } },
      });
      const second = await store.escalate({
        id: b.id,
        version: 1,
        linked: pendingRecord({ idempotencyKey: 'up' }),
        autoApprove: false,
        audit: (linked, created) => [
          auditInput('escalate', { requestId: b.id, details: { linked: linked.id, created } }),
        ],
      });
      expect(second?.created).toBe(false);
      expect(second?.linked.id).toBe(first?.linked.id);
      const waiting = await store.listRequests({ escalatedTo: first?.linked.id as string });
      expect(waiting.map((r) => r.id)).toEqual([a.id, b.id]);
      const log = await store.queryAudit({ kind: 'escalate' });
      expect(log.map((e) => e.details['created'])).toEqual([true, false]);
      expect(
        await store.escalate({
          id: a.id,
          version: 1,
          linked: pendingRecord(),
          autoApprove: false,
          audit: () => [],
        }),
      ).toBeUndefined();
    });

    it('lists requests by grantor, requester, status and expiry, oldest first', async () => {
      const store = await make();
      await store.createRequest(
        pendingRecord({ grantor: 'owner', createdAt: 30, expiresAt: 100 }),
        () => [],
      );
      await store.createRequest(
        pendingRecord({ grantor: 'planner', createdAt: 10, expiresAt: 200 }),
        () => [],
      );
      await store.createRequest(
        pendingRecord({ grantor: 'planner', requester: 'tester', createdAt: 20, expiresAt: 300 }),
        () => [],
      );
      expect((await store.listRequests({ grantor: 'planner' })).map((r) => r.createdAt)).toEqual([
        10, 20,
      ]);
      expect((await store.listRequests({ requester: 'tester' })).length).toBe(1);
      expect((await store.listRequests({ expiresBy: 200 })).map((r) => r.expiresAt)).toEqual([
        200, 100,
      ]);
      expect((await store.listRequests({ status: ['approved'] })).length).toBe(0);
      expect((await store.listRequests({ status: [] })).length).toBe(0);
      expect((await store.listRequests({ limit: 1 })).map((r) => r.createdAt)).toEqual([10]);
    });

    it('records polls without bumping the version', async () => {
      const store = await make();
      const { record } = await store.createRequest(pendingRecord(), () => []);
      await store.touchPoll(record.id, 777, 10);
      expect(await store.getRequest(record.id)).toMatchObject({
        version: 1,
        lastPolledAt: 777,
        interval: 10,
      });
    });

    it('chains the audit log and answers queries', async () => {
      const store = await make();
      await store.appendAudit([
        auditInput('mint', { at: 10, actor: 'owner', subject: 'planner' }),
        auditInput('request', { at: 20, actor: 'coder', subject: 'planner', requestId: 'req_a' }),
      ]);
      await store.appendAudit([
        auditInput('approve', {
          at: 30,
          actor: 'planner',
          subject: 'coder',
          requestId: 'req_a',
          details: { why: 'ok', n: [1, { b: true }] },
        }),
      ]);
      const all = await store.queryAudit({});
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(verifyAuditChain(all)).toEqual({ ok: true, count: 3, head: all[2]?.hash });
      expect(all[2]?.details).toEqual({ why: 'ok', n: [1, { b: true }] });
      expect((await store.queryAudit({ since: 20 })).map((e) => e.seq)).toEqual([2, 3]);
      expect((await store.queryAudit({ until: 20 })).map((e) => e.seq)).toEqual([1]);
      expect((await store.queryAudit({ requestId: 'req_a' })).map((e) => e.seq)).toEqual([2, 3]);
      expect((await store.queryAudit({ principal: 'planner' })).map((e) => e.seq)).toEqual([
        1, 2, 3,
      ]);
      expect((await store.queryAudit({ principal: 'coder' })).map((e) => e.seq)).toEqual([2, 3]);
      expect((await store.queryAudit({ kind: 'mint' })).map((e) => e.seq)).toEqual([1]);
      expect((await store.queryAudit({ afterSeq: 1, limit: 1 })).map((e) => e.seq)).toEqual([2]);
      expect(await store.lastAuditSeq()).toBe(3);
    });

    it('records a token sighting once', async () => {
      const store = await make();
      expect(await store.markSeen('fp1', auditInput('delegation-seen'))).toBe(true);
      expect(await store.markSeen('fp1', auditInput('delegation-seen'))).toBe(false);
      expect(await store.markSeen('fp2', auditInput('delegation-seen'))).toBe(true);
      expect((await store.queryAudit({ kind: 'delegation-seen' })).length).toBe(2);
    });

    it('adds, lists, re-keys and removes policies of their grantor only', async () => {
      const store = await make();
      const base = {
        effect: 'approve' as const,
        scope: ['tool == "a"'],
        createdAt: 1,
        expiresAt: null,
        grantLifetime: null,
      };
      await store.addPolicy(
        { ...base, id: 'pol_1', grantor: 'owner', token: null },
        auditInput('policy-add'),
      );
      await store.addPolicy(
        {
          ...base,
          id: 'pol_2',
          grantor: 'planner',
          token: 'old',
          createdAt: 2,
          grantLifetime: 1.5,
        },
        auditInput('policy-add'),
      );
      expect((await store.listPolicies()).map((p) => [p.id, p.grantLifetime])).toEqual([
        ['pol_1', null],
        ['pol_2', 1.5],
      ]);
      expect((await store.listPolicies('planner')).map((p) => p.id)).toEqual(['pol_2']);
      await store.replacePolicyToken('planner', 'old', 'new');
      expect((await store.listPolicies('planner'))[0]?.token).toBe('new');
      expect(await store.removePolicy('pol_2', 'owner', auditInput('policy-remove'))).toBe(false);
      expect(await store.removePolicy('pol_2', 'planner', auditInput('policy-remove'))).toBe(true);
      expect(await store.removePolicy('pol_2', 'planner', auditInput('policy-remove'))).toBe(false);
      expect((await store.listPolicies()).map((p) => p.id)).toEqual(['pol_1']);
      expect((await store.queryAudit({})).map((e) => e.kind)).toEqual([
        'policy-add',
        'policy-add',
        'policy-remove',
      ]);
    });

    it('stores root keys once each, oldest first', async () => {
      const store = await make();
      const k1 = { id: 'k1', secret: 's1', createdAt: '2026-01-01T00:00:00.000Z' };
      const k2 = { id: 'k2', secret: 's2', createdAt: '2026-02-01T00:00:00.000Z' };
      await store.saveRootKey(k1, auditInput('key-add'));
      await store.saveRootKey(k2, auditInput('key-add'));
      await store.saveRootKey(k1, auditInput('key-add'));
      expect(await store.loadRootKeys()).toEqual([k1, k2]);
      expect((await store.queryAudit({ kind: 'key-add' })).length).toBe(2);
    });

    it('stores a first root key only while it holds none, so that racing openers agree on one', async () => {
      const store = await make();
      const keys = ['k1', 'k2', 'k3'].map((id) => ({
        id,
        secret: `s-${id}`,
        createdAt: '2026-01-01T00:00:00.000Z',
      }));
      await Promise.all(
        keys.map((k) => store.saveRootKey(k, auditInput('key-add'), { onlyIfNone: true })),
      );
      const stored = await store.loadRootKeys();
      expect(stored).toHaveLength(1);
      expect((await store.queryAudit({ kind: 'key-add' })).length).toBe(1);
      const later = { id: 'k4', secret: 's-k4', createdAt: '2026-02-01T00:00:00.000Z' };
      await store.saveRootKey(later, auditInput('key-add'), { onlyIfNone: true });
      await store.saveRootKey(later, auditInput('key-add'));
      expect(await store.loadRootKeys()).toEqual([...stored, later]);
    });

    it('returns frozen records', async () => {
      const store = await make();
      const { record } = await store.createRequest(pendingRecord(), () => []);
      const read = (await store.getRequest(record.id)) as unknown as {
        status: string;
        scope: string[];
      };
      expect(Object.isFrozen(read)).toBe(true);
      expect(() => read.scope.push('x')).toThrow(TypeError);
    });

    it('refuses to work once closed', async () => {
      const store = await make();
      await store.close();
      await expect(store.getRequest('x')).rejects.toThrow(/closed/);
      await expect(store.appendAudit([auditInput('mint')])).rejects.toThrow(/closed/);
    });

    it('moves requests between the lists a decision reads as their state changes', async () => {
      const store = await make();
      const open: RequestStatus[] = ['pending', 'escalated'];
      const a = (
        await store.createRequest(pendingRecord({ grantor: 'planner', expiresAt: 50 }), () => [])
      ).record;
      const b = (
        await store.createRequest(pendingRecord({ grantor: 'planner', expiresAt: 40 }), () => [])
      ).record;
      const up = await store.escalate({
        id: a.id,
        version: 1,
        linked: pendingRecord({ grantor: 'owner', requester: 'planner', expiresAt: 60 }),
        autoApprove: false,
        audit: () => [],
      });
      const linkedId = up?.linked.id as string;
      const ids = async (filter: RequestFilter) =>
        (await store.listRequests(filter)).map((r) => r.id);
      expect(await ids({ grantor: 'planner', status: open })).toEqual([a.id, b.id]);
      expect(await ids({ grantor: 'planner', status: ['pending'] })).toEqual([b.id]);
      expect(await ids({ escalatedTo: linkedId, status: ['escalated'] })).toEqual([a.id]);
      expect(await ids({ status: open, expiresBy: 50 })).toEqual([a.id, b.id]);
      expect(await ids({ status: open, expiresBy: 45 })).toEqual([b.id]);

      await store.touchPoll(b.id, 10, 10);
      await store.transition({ id: b.id, version: 1, to: 'denied', audit: [] });
      await store.transition({ id: a.id, version: 2, to: 'pending', audit: [] });
      expect(await ids({ grantor: 'planner', status: open })).toEqual([a.id]);
      expect(await ids({ grantor: 'planner', status: ['denied'] })).toEqual([b.id]);
      expect(await ids({ escalatedTo: linkedId, status: ['escalated'] })).toEqual([]);
      expect(await ids({ escalatedTo: linkedId })).toEqual([a.id]);
      expect(await ids({ status: open, expiresBy: 100 })).toEqual([a.id, linkedId]);
      const again = await store.createRequest(
        pendingRecord({ idempotencyKey: b.idempotencyKey }),
        () => [],
      );
      expect(again.created).toBe(true);
    });

    it('reads the audit log after a cursor, by request, principal and kind', async () => {
      const store = await make();
      for (let i = 0; i < 30; i++) {
        await store.appendAudit([
          auditInput(i % 3 === 0 ? 'approve' : 'request', {
            at: 100 - i,
            actor: i % 2 === 0 ? 'planner' : 'coder',
            subject: i % 5 === 0 ? null : 'owner',
            requestId: i % 4 === 0 ? null : `req_${i % 4}`,
          }),
        ]);
      }
      const seqs = async (filter: Parameters<RequestStore['queryAudit']>[0]) =>
        (await store.queryAudit(filter)).map((e) => e.seq);
      expect(await seqs({ afterSeq: 27 })).toEqual([28, 29, 30]);
      expect(await seqs({ afterSeq: 30 })).toEqual([]);
      expect(await seqs({ requestId: 'req_1', afterSeq: 10, limit: 2 })).toEqual([14, 18]);
      expect(await seqs({ principal: 'owner', kind: 'approve', afterSeq: 20 })).toEqual([
        22, 25, 28,
      ]);
      expect(await seqs({ principal: 'planner', until: 80 })).toEqual([23, 25, 27, 29]);
      expect(await seqs({ kind: 'approve', since: 80, afterSeq: 3 })).toEqual([
        4, 7, 10, 13, 16, 19,
      ]);
      expect(await seqs({ afterSeq: 5, limit: 0 })).toEqual([]);
    });

    it('changes nothing when a step throws', async () => {
      const store = await make();
      const { record } = await store.createRequest(pendingRecord(), () => [auditInput('request')]);
      const bad = auditInput('approve', { details: { n: Number.NaN } });
      await expect(
        store.transition({ id: record.id, version: 1, to: 'approved', audit: [bad] }),
      ).rejects.toThrow(RangeError);
      await expect(store.createRequest(pendingRecord(), () => [bad])).rejects.toThrow(RangeError);
      await expect(
        store.escalate({
          id: record.id,
          version: 1,
          linked: pendingRecord({ idempotencyKey: 'never' }),
          autoApprove: false,
          audit: () => [bad],
        }),
      ).rejects.toThrow(RangeError);
      await expect(
        store.createRequest(pendingRecord({ id: record.id }), () => []),
      ).rejects.toThrow();
      expect(await store.getRequest(record.id)).toEqual(record);
      expect((await store.listRequests({})).map((r) => r.id)).toEqual([record.id]);
      expect(await store.lastAuditSeq()).toBe(1);
    });
  });
}
