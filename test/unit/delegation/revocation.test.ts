// Revocation as an offline verifier sees it: hop ids name every token a chain passed through,
// and a revoked hop refuses that token and everything derived from it, nothing else.
import { describe, expect, it } from 'vitest';
import {
  RevocationList,
  RootKeyring,
  authorize,
  createRootKey,
  delegate,
  inspectToken,
  isHopId,
  mintDelegation,
  prefixIds,
  verifyDelegation,
  type Revocation,
} from '../../../src/delegation/index.js';
import {
  addFirstPartyCaveat,
  decodeMacaroon,
  encodeMacaroon,
} from '../../../src/macaroon/index.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function tree() {
  const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
  const planner = mintDelegation(ring, {
    to: 'planner',
    conditions: ['tool ~ "fs.*"'],
    now: NOW,
    expiresIn: 3600,
  });
  const coder = delegate(planner, {
    to: 'coder',
    conditions: ['args.path ~ "/repo/**"'],
    now: NOW,
  }).token;
  const tester = delegate(planner, {
    to: 'tester',
    conditions: ['args.path ~ "/repo/test/**"'],
    now: NOW,
  }).token;
  const helper = delegate(coder, {
    to: 'helper',
    conditions: ['tool == "fs.read"'],
    now: NOW,
  }).token;
  return { ring, planner, coder, tester, helper };
}

const call = (principal: string) => ({
  tool: 'fs.read',
  args: { path: '/repo/test/a.ts' },
  principal,
});

function revocation(
  seq: number,
  kind: 'hop' | 'principal',
  target: string,
  delegationId: string | null,
): Revocation {
  return {
    seq,
    kind,
    target,
    delegationId,
    by: 'owner',
    at: NOW.getTime() - 1000,
    reason: 'compromised',
  };
}

describe('hop ids', () => {
  it('name each block by the token its grantee held, shared by every token derived from it', () => {
    const { ring, planner, coder, helper } = tree();
    const p = verifyDelegation(planner, { rootKeys: ring });
    const c = verifyDelegation(coder, { rootKeys: ring });
    const h = verifyDelegation(helper, { rootKeys: ring });
    expect(isHopId(p.hops.id)).toBe(true);
    expect(c.hops.blocks[0]).toBe(p.hops.id);
    expect(h.hops.blocks.slice(0, 2)).toEqual([p.hops.id, c.hops.id]);
    expect(new Set(h.hops.blocks).size).toBe(3);
    // Anyone can compute them, verified or not; the views show them.
    expect(inspectToken(helper).blocks.map((b) => b.id)).toEqual(h.hops.blocks);
    expect(inspectToken(helper).id).toBe(h.hops.id);
    const shown = JSON.parse(JSON.stringify(h)) as { blocks: { id: string }[] };
    expect(shown.blocks[1]?.id).toBe(c.hops.id);
  });

  it('do not reveal the token: an id is not any part of it', () => {
    const { planner } = tree();
    const ids = prefixIds(decodeMacaroon(planner));
    for (const id of ids) expect(planner).not.toContain(id.slice(4, 14));
  });
});

describe('authorize with revocations', () => {
  it('refuses a revoked middle hop and its subtree, and nothing else', () => {
    const { ring, planner, coder, tester, helper } = tree();
    const c = verifyDelegation(coder, { rootKeys: ring });
    const list = new RevocationList();
    list.add([revocation(1, 'hop', c.hops.id, c.delegationId)]);
    const options = { rootKeys: ring, now: NOW, revocations: list };

    const denied = authorize(helper, call('helper'), options);
    expect(denied.allowed).toBe(false);
    if (denied.allowed) return;
    expect(denied.revoked).toMatchObject({
      target: c.hops.id,
      block: 1,
      grantor: 'planner',
      grantee: 'coder',
      by: 'owner',
      reason: 'compromised',
    });
    expect(denied.failures).toEqual([
      expect.objectContaining({ kind: 'revoked', block: 1, author: 'planner' }),
    ]);
    expect(denied.failures[0]?.reason).toMatch(/was revoked by "owner" at .*: "compromised"/);
    expect(denied.needed).toBeUndefined();
    expect(authorize(coder, call('coder'), options).allowed).toBe(false);

    // The coder's own further attenuation is derived from the revoked token too.
    const narrowed = encodeMacaroon(
      addFirstPartyCaveat(decodeMacaroon(coder), 'args.path != "/x"'),
    );
    expect(authorize(narrowed, call('coder'), options).allowed).toBe(false);

    // Its parent and its sibling still work.
    expect(authorize(tester, call('tester'), options).allowed).toBe(true);
    expect(authorize(planner, call('planner'), options).allowed).toBe(true);
  });

  it('notices a revocation added after a token was authorized (the cache follows the version)', () => {
    const { ring, coder } = tree();
    const list = new RevocationList();
    const options = { rootKeys: ring, now: NOW, revocations: list };
    expect(authorize(coder, call('coder'), options).allowed).toBe(true);
    const c = verifyDelegation(coder, { rootKeys: ring });
    list.add([revocation(1, 'hop', c.hops.id, c.delegationId)]);
    expect(authorize(coder, call('coder'), options).allowed).toBe(false);
  });

  it('refuses every hop delegated to a revoked principal', () => {
    const { ring, coder, helper, tester } = tree();
    const list = new RevocationList();
    list.add([revocation(1, 'principal', 'coder', null)]);
    const options = { rootKeys: ring, now: NOW, revocations: list };
    for (const [token, who] of [
      [coder, 'coder'],
      [helper, 'helper'],
    ] as const) {
      const d = authorize(token, call(who), options);
      expect(d.allowed).toBe(false);
      if (!d.allowed)
        expect(d.revoked).toMatchObject({ kind: 'principal', target: 'coder', block: 1 });
    }
    expect(authorize(tester, call('tester'), options).allowed).toBe(true);
  });

  it('fails closed when its view is older than the staleness it accepts', () => {
    const { ring, tester } = tree();
    const list = new RevocationList();
    const options = { rootKeys: ring, now: NOW, revocations: list, maxRevocationStaleness: 30 };
    const never = authorize(tester, call('tester'), options);
    expect(never).toMatchObject({
      allowed: false,
      failures: [],
      revocationsStale: { completeAt: null, maxStaleness: 30 },
    });
    list.apply({ revocations: [], cursor: 0, more: false, asOf: NOW.getTime() - 31_000 });
    expect(authorize(tester, call('tester'), options).allowed).toBe(false);
    list.apply({ revocations: [], cursor: 0, more: false, asOf: NOW.getTime() - 29_000 });
    expect(authorize(tester, call('tester'), options).allowed).toBe(true);
    // Without a bound, an old view is used as it is.
    expect(
      authorize(tester, call('tester'), {
        rootKeys: ring,
        now: new Date(NOW.getTime() + 600_000),
        revocations: list,
      }).allowed,
    ).toBe(true);
  });

  it('applies feed pages in order and refuses a gap', () => {
    const list = new RevocationList();
    const r = (seq: number) => revocation(seq, 'principal', `p${seq}`, null);
    list.apply({ revocations: [r(1), r(2)], cursor: 2, more: true, asOf: 1 });
    expect(list.completeAt).toBeNull();
    expect(() => list.apply({ revocations: [r(4)], cursor: 4, more: false, asOf: 2 })).toThrow(
      RangeError,
    );
    list.apply({ revocations: [r(2), r(3)], cursor: 3, more: false, asOf: 3 });
    expect(list).toMatchObject({ cursor: 3, size: 3, completeAt: 3 });
  });

  it('checks its options', () => {
    const { ring, coder } = tree();
    expect(() =>
      authorize(coder, call('coder'), { rootKeys: ring, revocations: {} as never }),
    ).toThrow(TypeError);
    expect(() =>
      authorize(coder, call('coder'), { rootKeys: ring, maxRevocationStaleness: 5 }),
    ).toThrow(TypeError);
    expect(() =>
      authorize(coder, call('coder'), {
        rootKeys: ring,
        revocations: new RevocationList(),
        maxRevocationStaleness: -1,
      }),
    ).toThrow(RangeError);
  });
});
