/**
 * The requester's side of the Delegator: filing a request (routing, idempotency, validation of
 * everything an agent sends), the tokens it refuses, RFC 8628 polling with an injected clock,
 * awaiting with a signal, cancelling, and expiry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RootKeyring, createRootKey, mintDelegation } from '../../../src/delegation/index.js';
import { Delegator, REQUEST_LIMITS } from '../../../src/requests/index.js';
import { setup, type Setup } from './_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

const WRITE = ['tool == "fs.write"', 'args.path ~ "/repo/src/**"'];

describe('request', () => {
  it('returns a pending ticket addressed to the grantor of the last block', async () => {
    s = await setup();
    const ticket = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'fix the bug',
    });
    expect(ticket.id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(ticket).toEqual({
      id: ticket.id,
      status: 'pending',
      interval: 5,
      expiresAt: new Date(s.clock.ms + REQUEST_LIMITS.defaultRequestLifetime * 1000),
    });
    expect((await s.delegator.get(ticket.id)).grantor).toBe('owner');

    const coder = s.sub('coder', ['tool == "fs.read"']);
    const fromCoder = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'save it',
      expiresIn: 60,
    });
    const view = await s.delegator.get(fromCoder.id);
    expect(view).toMatchObject({
      requester: 'coder',
      grantor: 'planner',
      reason: 'save it',
      scope: WRITE,
    });
    expect(view.chain.map((b) => [b.grantor, b.grantee])).toEqual([
      ['owner', 'planner'],
      ['planner', 'coder'],
    ]);
    expect(fromCoder.expiresAt).toEqual(new Date(s.clock.ms + 60_000));
  });

  it('stores the scope in canonical form and is idempotent per (token, scope) while open', async () => {
    s = await setup();
    const a = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['args.path~"/repo/src/**"', 'tool=="fs.write"'],
      reason: 'a',
    });
    const b = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: [...WRITE].reverse(),
      reason: 'b',
    });
    expect(b.id).toBe(a.id);
    expect((await s.delegator.get(a.id)).scope).toEqual([
      'args.path ~ "/repo/src/**"',
      'tool == "fs.write"',
    ]);
    const other = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "fs.write"'],
      reason: 'c',
    });
    expect(other.id).not.toBe(a.id);
    await s.delegator.deny(a.id, { by: 'owner', reason: 'no' });
    const again = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'd',
    });
    expect(again.id).not.toBe(a.id);
    expect((await s.delegator.audit({ kind: 'request' })).length).toBe(3);
  });

  it.each([
    ['an empty scope', { scope: [] }, 'ERR_REQUEST_INVALID'],
    ['a condition that does not parse', { scope: ['tool =='] }, 'ERR_REQUEST_INVALID'],
    ['a marker instead of a condition', { scope: ['to "mallory"'] }, 'ERR_REQUEST_INVALID'],
    [
      'too many conditions',
      { scope: Array.from({ length: 33 }, (_, i) => `args.n != ${i}`) },
      'ERR_REQUEST_INVALID',
    ],
    ['an empty reason', { reason: '   ' }, 'ERR_REQUEST_INVALID'],
    ['a reason too long', { reason: 'x'.repeat(2001) }, 'ERR_REQUEST_INVALID'],
  ])('refuses %s', async (_name, patch, code) => {
    s = await setup();
    const input = { token: s.planner, principal: 'planner', scope: WRITE, reason: 'ok', ...patch };
    await expect(s.delegator.request(input)).rejects.toMatchObject({ code });
    expect((await s.delegator.audit({ kind: 'request' })).length).toBe(0);
  });

  it.each([
    ['a scope that is not a list', { scope: 42 }, TypeError],
    ['a reason that is not a string', { reason: null }, TypeError],
    ['a principal that is not a string', { principal: 7 }, TypeError],
    ['a token that is not a string', { token: 1 }, TypeError],
    ['a negative lifetime', { expiresIn: -1 }, RangeError],
    [
      'a lifetime past the maximum',
      { expiresIn: REQUEST_LIMITS.maxRequestLifetime + 1 },
      RangeError,
    ],
    ['a lifetime that is not a number', { expiresIn: '60' }, TypeError],
  ])('throws on %s', async (_name, patch, type) => {
    s = await setup();
    const input = { token: s.planner, principal: 'planner', scope: WRITE, reason: 'ok', ...patch };
    await expect(s.delegator.request(input as never)).rejects.toThrow(type);
  });
});

describe('tokens a request is refused with', () => {
  it('refuses a tampered token with one fixed message', async () => {
    s = await setup();
    const last = s.planner.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${s.planner.slice(0, -2)}${last}${s.planner.at(-1)}`;
    const err = await s.delegator
      .request({ token: tampered, principal: 'planner', scope: WRITE, reason: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_REQUEST_TOKEN_INVALID', message: 'token is invalid' });
    await expect(
      s.delegator.request({
        token: 'not a token',
        principal: 'planner',
        scope: WRITE,
        reason: 'x',
      }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_INVALID',
    });
  });

  it('refuses a token minted under another key', async () => {
    s = await setup();
    const foreign = mintDelegation(new RootKeyring([createRootKey()]), {
      to: 'planner',
      conditions: ['true'],
    });
    await expect(
      s.delegator.request({ token: foreign, principal: 'planner', scope: WRITE, reason: 'x' }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_INVALID',
    });
  });

  it('refuses a token presented by another principal, and a bearer token', async () => {
    s = await setup();
    await expect(
      s.delegator.request({ token: s.planner, principal: 'coder', scope: WRITE, reason: 'x' }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_PRINCIPAL',
      problem: 'principal-mismatch',
    });
    const bearer = await s.delegator.mint({ conditions: ['tool == "fs.read"'] });
    await expect(
      s.delegator.request({ token: bearer, principal: 'planner', scope: WRITE, reason: 'x' }),
    ).rejects.toMatchObject({
      problem: 'no-principal',
    });
  });

  it('refuses an expired token, saying when and whom to ask, and a token allowing nothing', async () => {
    s = await setup({ expiresIn: 600 });
    const end = new Date(s.clock.ms + 600_000).toISOString();
    s.clock.advance(601);
    await expect(
      s.delegator.request({ token: s.planner, principal: 'planner', scope: WRITE, reason: 'x' }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_EXPIRED',
      problem: 'expired',
      message: `the token expired at ${end}; ask "owner" for a new delegation`,
    });
    const empty = s.sub('coder', ['tool == "shell.exec"']);
    s.clock.advance(-601);
    await expect(
      s.delegator.request({ token: empty, principal: 'coder', scope: WRITE, reason: 'x' }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_STALE',
    });
  });

  it('records the first sighting of each delegation once', async () => {
    s = await setup();
    await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'a',
    });
    await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "fs.list"'],
      reason: 'b',
    });
    const seen = await s.delegator.audit({ kind: 'delegation-seen' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      actor: 'planner',
      subject: 'owner',
      details: { chain: ['owner -> planner'] },
    });
    expect(JSON.stringify(await s.delegator.audit())).not.toContain(s.planner);
  });
});

describe('poll', () => {
  it('speaks RFC 8628: pending, slow_down with a growing interval, then the answer', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    expect(await s.delegator.poll(id)).toEqual({ error: 'authorization_pending', interval: 5 });
    s.clock.advance(2);
    expect(await s.delegator.poll(id)).toEqual({ error: 'slow_down', interval: 10 });
    s.clock.advance(10);
    expect(await s.delegator.poll(id)).toEqual({ error: 'authorization_pending', interval: 10 });
    await s.delegator.approve(id, { by: 'owner', expiresIn: 300 });
    const answer = await s.delegator.poll(id);
    expect(answer).toMatchObject({
      status: 'approved',
      scope: WRITE,
      expiresAt: new Date(s.clock.ms + 300_000),
    });
    expect(await s.delegator.poll(id)).toEqual(answer);
  });

  it('answers access_denied with the reason, and expired_token after expiry', async () => {
    s = await setup();
    const a = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    await s.delegator.deny(a.id, { by: 'owner', reason: 'not today' });
    expect(await s.delegator.poll(a.id)).toEqual({ error: 'access_denied', reason: 'not today' });
    const b = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'y',
      expiresIn: 30,
    });
    s.clock.advance(30);
    expect(await s.delegator.poll(b.id)).toEqual({ error: 'expired_token' });
  });

  it('throws for an unknown id', async () => {
    s = await setup();
    await expect(s.delegator.poll('req_missing')).rejects.toMatchObject({
      code: 'ERR_REQUEST_NOT_FOUND',
    });
    await expect(s.delegator.poll(42 as never)).rejects.toThrow(TypeError);
  });
});

describe('awaitResponse', () => {
  it('resolves when the grantor decides, and at once when already decided', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    const waiting = s.delegator.awaitResponse(id);
    await s.delegator.approve(id, { by: 'owner' });
    const outcome = await waiting;
    expect(outcome).toMatchObject({ status: 'approved', scope: WRITE });
    expect(await s.delegator.awaitResponse(id)).toEqual(outcome);
  });

  it('rejects with the signal reason when aborted, and when already aborted', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    const controller = new AbortController();
    const waiting = s.delegator.awaitResponse(id, { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    await expect(
      s.delegator.awaitResponse(id, { signal: AbortSignal.abort(new Error('never')) }),
    ).rejects.toThrow('never');
    expect((await s.delegator.get(id)).status).toBe('pending');
  });

  it('resolves expired when the request expires while waiting', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
      expiresIn: 60,
    });
    const waiting = s.delegator.awaitResponse(id);
    s.clock.advance(61);
    expect(await s.delegator.sweep()).toBe(1);
    expect(await waiting).toEqual({ status: 'expired' });
  });

  it('rejects when the delegator closes', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: WRITE,
      reason: 'x',
    });
    const waiting = s.delegator.awaitResponse(id);
    await s.delegator.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_REQUEST_STORE' });
    await expect(s.delegator.poll(id)).rejects.toMatchObject({ code: 'ERR_REQUEST_STORE' });
  });
});

describe('cancel and expiry', () => {
  it('lets only the requester cancel, and a cancelled request can never be approved', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'x',
    });
    await expect(s.delegator.cancel(id, { by: { token: s.planner } })).rejects.toMatchObject({
      code: 'ERR_REQUEST_FORBIDDEN',
      reason: 'not-requester',
    });
    const view = await s.delegator.cancel(id, { by: { token: coder } });
    expect(view).toMatchObject({ status: 'cancelled', decidedBy: 'coder' });
    expect(await s.delegator.poll(id)).toMatchObject({ error: 'access_denied' });
    await expect(s.delegator.approve(id, { by: { token: s.planner } })).rejects.toMatchObject({
      code: 'ERR_REQUEST_NOT_PENDING',
      status: 'cancelled',
    });
    await expect(s.delegator.cancel(id, { by: { token: coder } })).rejects.toMatchObject({
      code: 'ERR_REQUEST_NOT_PENDING',
    });
  });

  it('expires requests, which then cannot be approved, denied or escalated', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: WRITE,
      reason: 'x',
      expiresIn: 10,
    });
    s.clock.advance(10);
    for (const attempt of [
      () => s.delegator.approve(id, { by: { token: s.planner } }),
      () => s.delegator.deny(id, { by: { token: s.planner }, reason: 'no' }),
      () => s.delegator.escalate(id, { by: { token: s.planner } }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'ERR_REQUEST_EXPIRED' });
    }
    expect(await s.delegator.inbox({ token: s.planner })).toEqual([]);
    const expiries = await s.delegator.audit({ kind: 'expire' });
    expect(expiries).toHaveLength(1);
    expect(expiries[0]).toMatchObject({ actor: 'system', requestId: id });
  });

  it('sweeps every overdue request at once', async () => {
    s = await setup();
    for (const n of [1, 2, 3]) {
      await s.delegator.request({
        token: s.planner,
        principal: 'planner',
        scope: [`args.n == ${n}`],
        reason: 'x',
        expiresIn: n * 10,
      });
    }
    s.clock.advance(20);
    expect(await s.delegator.sweep()).toBe(2);
    expect(await s.delegator.sweep()).toBe(0);
    expect((await s.delegator.inbox('owner')).length).toBe(1);
  });
});

describe('Delegator.open', () => {
  it('checks its options', async () => {
    await expect(Delegator.open({} as never)).rejects.toThrow(TypeError);
    await expect(Delegator.inMemory({ now: 5 as never })).rejects.toThrow(TypeError);
    await expect(Delegator.inMemory({ watchIntervalMs: -1 })).rejects.toThrow(RangeError);
    await expect(Delegator.inMemory({ rootKeys: ['k'] as never })).rejects.toThrow(TypeError);
    s = await setup();
  });
});
