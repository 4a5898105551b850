// Revoking through the Delegator: a hop and its subtree are refused (approvals that answered it
// included), parents and siblings keep working, only the owner or an agent above the hop may
// revoke, it is final and audited, and verifiers learn of it from the Delegator's source or its
// feed, failing closed when their view is too old.
import { describe, expect, it } from 'vitest';
import {
  RevocationList,
  authorize,
  createToolRunner,
  defineTool,
  PermissionDenied,
  RequestTokenError,
  RevokeForbiddenError,
} from '../../../src/index.js';
import { setup, type Setup } from './_setup.js';

const read = defineTool({
  name: 'fs.read',
  description: 'read a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  handler: ({ path }: { path: string }) => `contents of ${path}`,
});
const write = defineTool({
  name: 'fs.write',
  description: 'write a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  handler: () => 'written',
});

/** owner → planner → coder → helper, and planner → tester. */
async function family(): Promise<Setup & { coder: string; helper: string; tester: string }> {
  const s = await setup();
  const coder = s.sub('coder', ['args.path ~ "/repo/src/**"']);
  const helper = s.sub('helper', ['tool == "fs.read"'], coder);
  const tester = s.sub('tester', ['args.path ~ "/repo/test/**"']);
  return { ...s, coder, helper, tester };
}

function decide(s: Setup, token: string, principal: string, path = '/repo/src/a.ts') {
  return authorize(
    token,
    { tool: 'fs.read', args: { path }, principal },
    { rootKeys: s.delegator.rootKeys, now: s.clock.now(), revocations: s.delegator.revocations() },
  );
}

describe('delegator.revoke', () => {
  it('refuses the revoked hop and its subtree with a denial that says who and why; parent and sibling work', async () => {
    const s = await family();
    const outcome = await s.delegator.revoke(s.coder, {
      by: 'owner',
      reason: 'the coder leaked its token',
    });
    expect(outcome).toMatchObject({
      already: false,
      cascaded: [],
      revocation: { kind: 'hop', by: 'owner', seq: 1 },
    });

    const runner = createToolRunner({
      rootKeys: s.delegator.rootKeys,
      tools: [read, write],
      now: s.clock.now,
      revocations: s.delegator.revocations(),
    });
    const helper = runner.startAgent({ principal: 'helper', token: s.helper });
    const err = await helper.invoke('fs.read', { path: '/repo/src/a.ts' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    const denial = (err as PermissionDenied).decision;
    expect(denial.revoked).toMatchObject({
      target: outcome.revocation.target,
      block: 1,
      grantor: 'planner',
      grantee: 'coder',
      by: 'owner',
      reason: 'the coder leaked its token',
    });
    expect((err as PermissionDenied).message).toMatch(
      /revoked by "owner" .*"the coder leaked its token".*cannot help/,
    );
    expect(helper.discoverTools().map((t) => t.status)).toEqual(['denied', 'denied']);

    expect(decide(s, s.coder, 'coder').allowed).toBe(false);
    expect(decide(s, s.planner, 'planner').allowed).toBe(true);
    expect(decide(s, s.tester, 'tester', '/repo/test/a.ts').allowed).toBe(true);
    const tester = runner.startAgent({ principal: 'tester', token: s.tester });
    await expect(tester.invoke('fs.read', { path: '/repo/test/a.ts' })).resolves.toBe(
      'contents of /repo/test/a.ts',
    );
  });

  it('is final, audited, and harmless twice', async () => {
    const s = await family();
    await s.delegator.revoke(s.coder, { by: 'owner', reason: 'first' });
    const again = await s.delegator.revoke(s.coder, { by: 'owner', reason: 'second' });
    expect(again).toMatchObject({ already: true, revocation: { reason: 'first' } });
    const entries = await s.delegator.audit({ kind: 'revoke' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: 'owner',
      subject: 'coder',
      details: { kind: 'hop', reason: 'first' },
    });
    expect((await s.delegator.verifyAudit()).ok).toBe(true);
  });

  it('takes back the approvals that answered a revoked token, and refuses to approve for one', async () => {
    const s = await family();
    const ask = await s.delegator.request({
      token: s.coder,
      principal: 'coder',
      scope: ['tool == "fs.write"', 'args.path == "/repo/docs/x.md"'],
      reason: 'fix the docs',
    });
    const approved = await s.delegator.approve(ask.id, { by: { token: s.planner } });
    if (approved.outcome?.status !== 'approved') throw new Error('expected an approval');
    const grant = approved.outcome.token;
    const call = { tool: 'fs.write', args: { path: '/repo/docs/x.md' }, principal: 'coder' };
    const options = {
      rootKeys: s.delegator.rootKeys,
      now: s.clock.now(),
      revocations: s.delegator.revocations(),
    };
    expect(authorize(grant, call, options).allowed).toBe(true);

    const pending = await s.delegator.request({
      token: s.coder,
      principal: 'coder',
      scope: ['tool == "fs.write"', 'args.path == "/repo/docs/y.md"'],
      reason: 'and this one',
    });
    const { cascaded, cancelledRequests } = await s.delegator.revoke(s.coder, {
      by: 'owner',
      reason: 'compromised',
    });
    expect(cascaded).toHaveLength(1);
    expect(cancelledRequests).toBe(1);
    const denied = authorize(grant, call, options);
    expect(denied.allowed).toBe(false);
    if (!denied.allowed)
      expect(denied.revoked?.reason).toMatch(/answered a request from revoked hop_.*: compromised/);

    // The open request from the revoked token is cancelled, so its requester learns at once.
    expect(await s.delegator.get(pending.id)).toMatchObject({ status: 'cancelled' });
    const cancelled = await s.delegator.audit({ requestId: pending.id, kind: 'cancel' });
    expect(cancelled[0]?.details['why']).toMatch(/the requester's token was revoked/);
    const refused = await s.delegator
      .approve(pending.id, { by: { token: s.planner } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RequestTokenError);
    expect(refused).toMatchObject({ code: 'ERR_REQUEST_TOKEN_REVOKED' });
    await expect(
      s.delegator.request({
        token: s.coder,
        principal: 'coder',
        scope: ['tool == "fs.list"'],
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_TOKEN_REVOKED' });
  });

  it('lets an agent revoke only what lies below it', async () => {
    const s = await family();
    await expect(
      s.delegator.revoke(s.planner, { by: { token: s.coder }, reason: 'mutiny' }),
    ).rejects.toBeInstanceOf(RevokeForbiddenError);
    await expect(
      s.delegator.revoke(s.tester, { by: { token: s.coder }, reason: 'sibling' }),
    ).rejects.toThrow(/only what it delegated/);
    await expect(
      s.delegator.revoke(s.coder, { by: { token: s.coder }, reason: 'self' }),
    ).rejects.toBeInstanceOf(RevokeForbiddenError);
    await expect(
      s.delegator.revoke({ principal: 'tester' }, { by: { token: s.planner }, reason: 'x' }),
    ).rejects.toThrow(/only the owner/);
    await expect(
      s.delegator.revoke('hop_00000000000000000000000000000000', {
        by: { token: s.planner },
        reason: 'x',
      }),
    ).rejects.toThrow(/not a hop this Delegator knows/);
    // The planner holds the coder's and the helper's authority: it may revoke them, by token or id.
    await s.delegator.revoke(s.helper, { by: { token: s.planner }, reason: 'done' });
    const [coderHop] = (await s.delegator.delegations({ principal: 'coder' })).filter(
      (d) => d.grantee === 'coder',
    );
    await s.delegator.revoke(coderHop?.id as string, {
      by: { token: s.planner },
      reason: 'done too',
    });
    expect(decide(s, s.coder, 'coder').allowed).toBe(false);
    // A revoked agent can no longer revoke anything.
    await expect(
      s.delegator.revoke(s.helper, { by: { token: s.coder }, reason: 'x' }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_TOKEN_REVOKED' });
  });

  it('revokes every hop held by a principal at once', async () => {
    const s = await family();
    await s.delegator.revoke({ principal: 'coder' }, { by: 'owner', reason: 'compromised agent' });
    expect(decide(s, s.coder, 'coder').allowed).toBe(false);
    const helper = decide(s, s.helper, 'helper');
    expect(helper.allowed).toBe(false);
    if (!helper.allowed)
      expect(helper.revoked).toMatchObject({ kind: 'principal', target: 'coder', block: 1 });
    expect(decide(s, s.tester, 'tester', '/repo/test/a.ts').allowed).toBe(true);
  });
});

describe('delegator.delegations', () => {
  it('lists minted, approved and offline hops once seen, as a tree with statuses', async () => {
    const s = await family();
    // Offline hops appear once a token holding them reaches the Delegator.
    expect((await s.delegator.delegations()).map((d) => d.grantee)).toEqual(['planner']);
    const ask = await s.delegator.request({
      token: s.helper,
      principal: 'helper',
      scope: ['tool == "fs.list"'],
      reason: 'list',
    });
    const nodes = await s.delegator.delegations();
    expect(nodes.map((d) => [d.grantor, d.grantee, d.source, d.status])).toEqual([
      ['owner', 'planner', 'mint', 'live'],
      ['planner', 'coder', 'seen', 'live'],
      ['coder', 'helper', 'seen', 'live'],
    ]);
    expect(nodes[1]?.parent).toBe(nodes[0]?.id);
    expect(nodes[2]?.parent).toBe(nodes[1]?.id);
    expect(nodes[1]?.conditions).toEqual(['args.path ~ "/repo/src/**"']);

    await s.delegator.approve(ask.id, { by: { token: s.coder }, expiresIn: 60 });
    const approval = (await s.delegator.delegations({ principal: 'helper' })).find(
      (d) => d.source === 'approval',
    );
    expect(approval).toMatchObject({
      grantor: 'coder',
      grantee: 'helper',
      parent: nodes[1]?.id,
      via: nodes[2]?.id,
      status: 'live',
    });

    await s.delegator.revoke(s.coder, { by: 'owner', reason: 'gone' });
    const revoked = await s.delegator.delegations({ status: 'revoked' });
    expect(revoked.map((d) => [d.grantee, d.source])).toEqual([
      ['coder', 'seen'],
      ['helper', 'seen'],
      ['helper', 'approval'],
    ]);
    expect(revoked[0]?.revoked).toMatchObject({ by: 'owner', reason: 'gone' });
    expect((await s.delegator.delegations({ status: 'live' })).map((d) => d.grantee)).toEqual([
      'planner',
    ]);
    s.clock.advance(24 * 3600 * 400);
    expect(
      (await s.delegator.delegations({ principal: 'planner' })).map((d) => d.status),
    ).toContain('live');
  });
});

describe('the revocation feed', () => {
  it('brings a verifier elsewhere up to date, and a stale one fails closed', async () => {
    const s = await family();
    const list = new RevocationList();
    list.apply(await s.delegator.revocationFeed(list.cursor));
    const runner = createToolRunner({
      rootKeys: s.delegator.rootKeys,
      tools: [read],
      now: s.clock.now,
      revocations: list,
      maxRevocationStaleness: 30,
    });
    const coder = runner.startAgent({ principal: 'coder', token: s.coder });
    await expect(coder.invoke('fs.read', { path: '/repo/src/a.ts' })).resolves.toBeDefined();

    await s.delegator.revoke(s.coder, { by: 'owner', reason: 'leaked' });
    await s.delegator.revoke(s.tester, { by: 'owner', reason: 'done' });
    const first = await s.delegator.revocationFeed(list.cursor, 1);
    expect(first).toMatchObject({ cursor: 1, more: true });
    list.apply(first);
    list.apply(await s.delegator.revocationFeed(list.cursor, 1));
    expect(list).toMatchObject({ cursor: 2, size: 2 });
    await expect(coder.invoke('fs.read', { path: '/repo/src/a.ts' })).rejects.toMatchObject({
      decision: { revoked: { reason: 'leaked' } },
    });

    s.clock.advance(31);
    const planner = runner.startAgent({ principal: 'planner', token: s.planner });
    const stale = await planner.invoke('fs.read', { path: '/repo/a' }).catch((e: unknown) => e);
    expect(stale).toMatchObject({
      decision: { failures: [], revocationsStale: { maxStaleness: 30 } },
    });
    expect((stale as Error).message).toMatch(
      /view of revocations was last complete at .*more than the 30 s/,
    );
    list.apply(await s.delegator.revocationFeed(list.cursor));
    await expect(planner.invoke('fs.read', { path: '/repo/a' })).resolves.toBeDefined();
  });
});
