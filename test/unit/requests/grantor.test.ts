/**
 * The grantor's side of the Delegator: the inbox with the algebra's verdicts, the
 * subscription, approving (narrower, time-boxed, derived from the grantor's own token) and
 * denying, and every check that keeps the wrong party from deciding: other principals, the
 * requester itself, tampered and stale tokens, and grants beyond the grantor's authority.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { delegate, inspectToken } from '../../../src/delegation/index.js';
import { evaluateCaveat } from '../../../src/scope/index.js';
import { setup, type Setup } from './_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

const WRITE = ['tool == "fs.write"', 'args.path ~ "/repo/src/**"'];

async function approvedToken(id: string): Promise<string> {
  const outcome = (await s.delegator.get(id)).outcome;
  if (outcome?.status !== 'approved') throw new Error(`request ${id} is not approved`);
  return outcome.token;
}

describe('inbox', () => {
  it("lists a grantor's open requests with the verdict against its own authority", async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const inside = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'a',
    });
    const beyond = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "shell.exec"'],
      reason: 'b',
    });
    await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "shell.exec"'],
      reason: 'c',
    });

    const items = await s.delegator.inbox({ token: s.planner });
    expect(items.map((i) => i.id)).toEqual([inside.id, beyond.id]);
    expect(items[0]?.verdict).toEqual({ contained: true });
    const verdict = items[1]?.verdict;
    expect(verdict?.contained).toBe(false);
    if (verdict?.contained !== false) throw new Error('expected a witness');
    expect(evaluateCaveat('tool == "shell.exec"', verdict.witness).holds).toBe(true);
    expect(
      evaluateCaveat('tool in ["fs.read", "fs.list", "fs.write"]', verdict.witness).holds,
    ).toBe(false);

    const owner = await s.delegator.inbox('owner');
    expect(owner.map((i) => [i.requester, i.verdict])).toEqual([['planner', { contained: true }]]);
  });

  it('refuses grantors that are neither the owner nor a valid token', async () => {
    s = await setup();
    await expect(s.delegator.inbox('planner' as never)).rejects.toThrow(TypeError);
    await expect(s.delegator.inbox({ token: 'garbage' })).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_INVALID',
    });
  });
});

describe('subscribe', () => {
  it('delivers new requests addressed to the grantor, and ends on abort', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const controller = new AbortController();
    const feed = s.delegator.subscribe({ token: s.planner }, { signal: controller.signal });
    await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'to the owner',
    });
    const mine = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'to planner',
    });
    const first = await feed.next();
    expect(first.value).toMatchObject({
      id: mine.id,
      requester: 'coder',
      reason: 'to planner',
      verdict: { contained: true },
    });
    controller.abort(new Error('done'));
    await expect(feed.next()).rejects.toThrow('done');
  });

  it('ends with the authentication error for a bad token', async () => {
    s = await setup();
    const feed = s.delegator.subscribe({ token: 'garbage' });
    await expect(feed.next()).rejects.toMatchObject({ code: 'ERR_REQUEST_TOKEN_INVALID' });
  });

  it('ends when the loop breaks', async () => {
    s = await setup();
    const feed = s.delegator.subscribe('owner');
    await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    for await (const item of feed) {
      expect(item.requester).toBe('planner');
      break;
    }
    expect(await feed.next()).toEqual({ value: undefined, done: true });
  });
});

describe('approve', () => {
  it('as the owner: a fresh token that keeps the old scope and adds the grant, within the restrictions it does not speak to', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "bank.list"'],
      reason: 'x',
    });
    const view = await s.delegator.approve(id, { by: 'owner' });
    expect(view).toMatchObject({
      status: 'approved',
      decidedBy: 'owner',
      decidedAt: s.clock.now(),
    });
    const token = await approvedToken(id);
    // The grant speaks to `tool` only, so the planner's `args.path ~ "/repo/**"` still holds.
    expect(s.allows(token, 'planner', 'bank.list', { path: '/repo/ledger' })).toBe(true);
    expect(s.allows(token, 'planner', 'bank.list', { path: '/etc/ledger' })).toBe(false);
    expect(s.allows(token, 'planner', 'bank.list')).toBe(false);
    expect(s.allows(token, 'planner', 'fs.read', { path: '/repo/a' })).toBe(true);
    expect(s.allows(token, 'planner', 'bank.transfer', { path: '/repo/ledger' })).toBe(false);
    expect(s.allows(token, 'coder', 'bank.list', { path: '/repo/ledger' })).toBe(false);
    const blocks = inspectToken(token).blocks;
    expect(blocks.map((b) => [b.grantor, b.grantee, b.conditions.length])).toEqual([
      ['owner', 'planner', 1],
    ]);
  });

  it('narrower and time-boxed: only the narrower grant, and only until the box ends', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "bank.transfer"', 'args.amount <= 1000'],
      reason: 'rent',
    });
    await s.delegator.approve(id, {
      by: 'owner',
      scope: ['tool == "bank.transfer"', 'args.amount <= 100'],
      expiresIn: 3600,
    });
    const token = await approvedToken(id);
    const path = '/repo/ledger';
    expect(s.allows(token, 'planner', 'bank.transfer', { amount: 100, path })).toBe(true);
    expect(s.allows(token, 'planner', 'bank.transfer', { amount: 500, path })).toBe(false);
    s.clock.advance(3600);
    expect(s.allows(token, 'planner', 'bank.transfer', { amount: 100, path })).toBe(false);
    expect(s.allows(token, 'planner', 'fs.read', { path: '/repo/a' })).toBe(true);
  });

  it('refuses an approved scope wider than the request', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    await expect(
      s.delegator.approve(id, { by: 'owner', scope: 'tool == "fs.write"' }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_SCOPE_NOT_REQUESTED',
      witness: { tool: 'fs.write' },
    });
    expect((await s.delegator.get(id)).status).toBe('pending');
  });

  it("as an agent: derived from the grantor's current token, so never beyond it", async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"', 'args.path ~ "/repo/docs/**"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'x',
    });
    await s.delegator.approve(id, { by: { token: s.planner } });
    const token = await approvedToken(id);
    expect(s.allows(token, 'coder', 'fs.write', { path: '/repo/src/a.ts' })).toBe(true);
    expect(s.allows(token, 'coder', 'fs.read', { path: '/repo/docs/x.md' })).toBe(true);
    expect(s.allows(token, 'coder', 'fs.read', { path: '/repo/src/a.ts' })).toBe(false);
    expect(s.allows(token, 'coder', 'fs.write', { path: '/etc/passwd' })).toBe(false);
    const blocks = inspectToken(token).blocks;
    expect(blocks.map((b) => [b.grantor, b.grantee])).toEqual([
      ['owner', 'planner'],
      ['planner', 'coder'],
    ]);
    expect(blocks[1]?.conditions).toEqual([
      'tool == "fs.read" and args.path ~ "/repo/docs/**" or tool == "fs.write" and args.path ~ "/repo/src/**"',
    ]);
  });

  it('refuses a grant beyond the grantor and says to escalate', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "shell.exec"'],
      reason: 'x',
    });
    const err = await s.delegator
      .approve(id, { by: { token: s.planner } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ERR_REQUEST_EXCEEDS_AUTHORITY',
      grantor: 'planner',
      witness: { tool: 'shell.exec' },
    });
    expect((err as Error).message).toMatch(/escalate/);
    expect((err as { toJSON(): object }).toJSON()).toMatchObject({ remedy: 'escalate' });
  });

  it('checks its options', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    await expect(s.delegator.approve(id, { by: 'planner' as never })).rejects.toThrow(TypeError);
    await expect(s.delegator.approve(id, { by: 'owner', expiresIn: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(s.delegator.approve(id, { by: 'owner', scope: [] })).rejects.toMatchObject({
      code: 'ERR_REQUEST_INVALID',
    });
    await expect(s.delegator.approve('req_nope', { by: 'owner' })).rejects.toMatchObject({
      code: 'ERR_REQUEST_NOT_FOUND',
    });
  });
});

describe('who may decide', () => {
  it('only the addressed grantor: not the owner for a planner request, not a sibling', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const tester = s.sub('tester', ['tool == "fs.list"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'x',
    });
    for (const by of ['owner' as const, { token: tester }]) {
      await expect(s.delegator.approve(id, { by })).rejects.toMatchObject({
        code: 'ERR_REQUEST_FORBIDDEN',
        reason: 'not-addressed-grantor',
      });
      await expect(s.delegator.deny(id, { by, reason: 'no' })).rejects.toMatchObject({
        code: 'ERR_REQUEST_FORBIDDEN',
      });
    }
    expect((await s.delegator.get(id)).status).toBe('pending');
  });

  it('never the requester itself, even when it is the addressed grantor', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    await expect(
      s.delegator.approve(
        (await s.delegator.request({ token: coder, principal: 'coder', scope: WRITE, reason: 'x' }))
          .id,
        {
          by: { token: coder },
        },
      ),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_FORBIDDEN', reason: 'self-decision' });
    const self = delegate(s.planner, { to: 'planner', conditions: ['tool == "fs.read"'] }).token;
    const { id } = await s.delegator.request({
      token: self,
      principal: 'planner',
      scope: WRITE,
      reason: 'me',
    });
    expect((await s.delegator.get(id)).grantor).toBe('planner');
    for (const by of [{ token: s.planner }, { token: self }]) {
      await expect(s.delegator.approve(id, { by })).rejects.toMatchObject({
        reason: 'self-decision',
      });
      await expect(s.delegator.deny(id, { by, reason: 'no' })).rejects.toMatchObject({
        reason: 'self-decision',
      });
      await expect(s.delegator.escalate(id, { by })).rejects.toMatchObject({
        reason: 'self-decision',
      });
    }
  });

  it('not with a tampered or stale token', async () => {
    s = await setup({ expiresIn: 600 });
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'x',
    });
    const flipped = `${s.planner.slice(0, 10)}${s.planner[10] === 'A' ? 'B' : 'A'}${s.planner.slice(11)}`;
    await expect(s.delegator.approve(id, { by: { token: flipped } })).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_INVALID',
    });
    s.clock.advance(601);
    await expect(s.delegator.approve(id, { by: { token: s.planner } })).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_EXPIRED',
    });
  });

  it('one decision only: a decided request cannot be decided again', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    const results = await Promise.allSettled([
      s.delegator.approve(id, { by: 'owner' }),
      s.delegator.deny(id, { by: 'owner', reason: 'no' }),
      s.delegator.approve(id, { by: 'owner' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected')
        expect(r.reason).toMatchObject({ code: 'ERR_REQUEST_NOT_PENDING' });
    const decisions = (await s.delegator.audit({ requestId: id })).filter(
      (e) => e.kind === 'approve' || e.kind === 'deny',
    );
    expect(decisions).toHaveLength(1);
  });
});

describe('deny', () => {
  it('records who, why, and answers the requester', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'x',
    });
    const waiting = s.delegator.awaitResponse(id);
    await s.delegator.deny(id, { by: { token: s.planner }, reason: 'tests first' });
    expect(await waiting).toEqual({ status: 'denied', reason: 'tests first' });
    const [entry] = await s.delegator.audit({ kind: 'deny' });
    expect(entry).toMatchObject({
      actor: 'planner',
      subject: 'coder',
      requestId: id,
      details: { reason: 'tests first', via: 'manual' },
    });
    await expect(
      s.delegator.deny(id, { by: { token: s.planner }, reason: '' }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
  });
});

describe('audit', () => {
  it('tells the story of a request, queryable by request, principal and time, with a valid chain', async () => {
    s = await setup();
    const start = s.clock.now();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'x',
    });
    s.clock.advance(5);
    await s.delegator.approve(id, {
      by: { token: s.planner },
      expiresIn: 60,
      reason: 'tests pass',
    });
    expect((await s.delegator.audit()).map((e) => e.kind)).toEqual([
      'key-add',
      'mint',
      'delegation-seen',
      'request',
      'delegation-seen',
      'approve',
    ]);
    expect(
      (await s.delegator.audit({ requestId: id })).map((e) => [e.kind, e.actor, e.subject]),
    ).toEqual([
      ['request', 'coder', 'planner'],
      ['approve', 'planner', 'coder'],
    ]);
    expect((await s.delegator.audit({ principal: 'coder' })).map((e) => e.kind)).toEqual([
      'delegation-seen',
      'request',
      'approve',
    ]);
    expect(
      (await s.delegator.audit({ since: new Date(start.getTime() + 1) })).map((e) => e.kind),
    ).toEqual(['delegation-seen', 'approve']);
    const approval = (await s.delegator.audit({ kind: 'approve' }))[0];
    expect(approval?.details).toMatchObject({
      reason: 'tests pass',
      via: 'manual',
      scope: WRITE,
      expiresAt: new Date(s.clock.ms + 60_000).toISOString(),
    });
    expect(await s.delegator.verifyAudit()).toMatchObject({ ok: true, count: 6 });
    await expect(s.delegator.audit({ since: 'yesterday' as never })).rejects.toThrow(TypeError);
  });
});
