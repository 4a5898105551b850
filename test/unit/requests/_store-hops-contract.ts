/**
 * The delegation tree and the revocations, as every store keeps them (the memory and SQLite
 * stores in store-hops.test.ts, PostgreSQL in store.pg.test.ts): hops stored once by id and found
 * by any prefix they derive from, by grantee or by the request they answered; revocations
 * numbered in order, one per target, final, audited in the same step, and read back from a cursor.
 */
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/requests/store/audit.js';
import type { HopRecord, RevocationInput } from '../../../src/requests/store/model.js';
import type { RequestStore } from '../../../src/requests/store/store.js';
import { auditInput } from './_records.js';

function hop(id: string, prefixes: string[], overrides: Partial<HopRecord> = {}): HopRecord {
  return {
    id,
    parent: null,
    via: null,
    delegationId: 'mint-1',
    keyId: 'k1',
    block: prefixes.length - 1,
    grantor: 'owner',
    grantee: 'planner',
    place: ['planner'],
    conditions: ['tool ~ "fs.*"'],
    expiresAt: null,
    prefixes,
    source: 'seen',
    firstSeenAt: 1_000,
    ...overrides,
  };
}

const revocation = (target: string, kind: 'hop' | 'principal' = 'hop'): RevocationInput => ({
  kind,
  target,
  delegationId: kind === 'hop' ? 'mint-1' : null,
  by: 'owner',
  at: 2_000,
  reason: 'compromised',
});

/**
 * Declares the tree and revocation tests for the store `open` opens.
 *
 * @example
 * storeHopsContract('memory', () => createMemoryStore());
 */
export function storeHopsContract(
  name: string,
  open: () => RequestStore | Promise<RequestStore>,
): void {
  describe(`the ${name} store`, () => {
    it('keeps each hop once and finds hops by what they derive from, grantee and request', async () => {
      const store = await open();
      const planner = hop('hop_p', ['hop_0', 'hop_p']);
      const coder = hop('hop_c', ['hop_0', 'hop_p', 'hop_c'], {
        parent: 'hop_p',
        grantee: 'coder',
        grantor: 'planner',
        place: ['planner', 'coder'],
      });
      const approval = hop('hop_a', ['hop_0', 'hop_p', 'hop_a'], {
        parent: 'hop_p',
        grantee: 'coder',
        grantor: 'planner',
        via: 'hop_c',
        source: 'approval',
      });
      await store.recordHops([planner, coder]);
      await store.recordHops([coder, approval]);
      await store.recordHops([{ ...planner, grantee: 'changed' }]);
      expect((await store.listHops({})).map((h) => h.id)).toEqual(['hop_p', 'hop_c', 'hop_a']);
      expect((await store.listHops({ ids: ['hop_p'] }))[0]).toEqual(planner);
      expect((await store.listHops({ derivedFrom: ['hop_p'] })).map((h) => h.id)).toEqual([
        'hop_p',
        'hop_c',
        'hop_a',
      ]);
      expect((await store.listHops({ derivedFrom: ['hop_c', 'hop_x'] })).map((h) => h.id)).toEqual([
        'hop_c',
      ]);
      expect((await store.listHops({ grantee: 'coder' })).map((h) => h.id)).toEqual([
        'hop_c',
        'hop_a',
      ]);
      expect((await store.listHops({ via: ['hop_c'] })).map((h) => h.id)).toEqual(['hop_a']);
    });

    it('numbers revocations in order, once per target, with their audit entries in the same step', async () => {
      const store = await open();
      const audit = (made: readonly { target: string }[]) =>
        made.map((r) => auditInput('revoke', { details: { target: r.target } }));
      const first = await store.revoke(
        [revocation('hop_c'), revocation('coder', 'principal')],
        audit,
      );
      expect(first.created.map((r) => [r.seq, r.kind, r.target])).toEqual([
        [1, 'hop', 'hop_c'],
        [2, 'principal', 'coder'],
      ]);
      const again = await store.revoke([revocation('hop_c'), revocation('hop_d')], audit);
      expect(again.existing.map((r) => r.seq)).toEqual([1]);
      expect(again.created.map((r) => [r.seq, r.target])).toEqual([[3, 'hop_d']]);
      expect(await store.revoke([revocation('hop_d')], audit)).toMatchObject({
        created: [],
        existing: [{ seq: 3 }],
      });
      expect((await store.revocationsSince(0, 10)).map((r) => r.seq)).toEqual([1, 2, 3]);
      expect((await store.revocationsSince(1, 1)).map((r) => r.target)).toEqual(['coder']);
      expect(await store.revocationsSince(3, 10)).toEqual([]);
      expect(await store.revocationsSince(0, 1)).toEqual([
        {
          seq: 1,
          kind: 'hop',
          target: 'hop_c',
          delegationId: 'mint-1',
          by: 'owner',
          at: 2_000,
          reason: 'compromised',
        },
      ]);
      const log = await store.queryAudit({ kind: 'revoke' });
      expect(log.map((e) => e.details['target'])).toEqual(['hop_c', 'coder', 'hop_d']);
      expect(verifyAuditChain(await store.queryAudit({}))).toMatchObject({ ok: true });
    });
  });
}
