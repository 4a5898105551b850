/**
 * Issue 12: a request whose token's root key was retired showed "within your authority" and then
 * failed with an unexplained `ERR_REQUEST_TOKEN_INVALID` (or vanished from the inbox and failed
 * as "forbidden"). The request's token verified when it was filed and the store records the
 * retirement, so the inbox says plainly why it cannot be approved (verdict unknown, naming the
 * retired key and whom the requester must ask), and approving fails with the same words. What
 * the store does not know stays opaque: a token presented under a retired or unknown key, or a
 * kept token whose key vanished without a recorded retirement, is just "token is invalid".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRootKey, delegate } from '../../../src/delegation/index.js';
import { Delegator, RequestTokenError, createMemoryStore } from '../../../src/requests/index.js';
import type { Containment } from '../../../src/scope/index.js';
import { Clock } from './_setup.js';

const opened: Delegator[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
});

const RETIRED =
  /the requester's token was signed by root key "k1", retired at 2026-03-01T09:01:00\.000Z, so it can no longer be approved: (\w+) must get a fresh delegation from (\w+) and ask again/;

/** The `RequestTokenError` a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<RequestTokenError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RequestTokenError);
  return err as RequestTokenError;
}

/** The reason of an 'unknown' verdict. */
function reasonOf(verdict: Containment | undefined): string | undefined {
  return verdict?.contained === 'unknown' ? verdict.reason : undefined;
}

/** An owner with key k1, a planner minted under it, and a pending request from the planner. */
async function ownerWithRequest(): Promise<{
  d: Delegator;
  clock: Clock;
  planner: string;
  id: string;
}> {
  const clock = new Clock();
  const d = await Delegator.inMemory({ now: clock.now, watchIntervalMs: 0 });
  opened.push(d);
  await d.rotateKey({ id: 'k1' });
  await d.retireKey(d.rootKeys.keys()[0]!.id);
  const planner = await d.mint({ to: 'planner', conditions: ['tool == "fs.read"'] });
  const { id } = await d.request({
    token: planner,
    principal: 'planner',
    scope: ['tool == "fs.write"'],
    reason: 'save the fix',
  });
  return { d, clock, planner, id };
}

describe('a request whose root key was retired after it was filed', () => {
  it('stays in the owner’s inbox, saying why it cannot be approved', async () => {
    const { d, clock, id } = await ownerWithRequest();
    clock.advance(60);
    await d.rotateKey({ id: 'k2' });
    await d.retireKey('k1');
    const [item] = await d.inbox('owner');
    expect(item?.id).toBe(id);
    expect(item?.verdict.contained).toBe('unknown');
    const reason = reasonOf(item?.verdict);
    expect(reason).toMatch(RETIRED);
    expect(reason).toContain('planner must get a fresh delegation from owner');
    expect(item?.effect.alternatives).toEqual([]);
  });

  it('fails to approve with ERR_REQUEST_TOKEN_INVALID in the same words, and can be denied', async () => {
    const { d, clock, id } = await ownerWithRequest();
    clock.advance(60);
    await d.rotateKey({ id: 'k2' });
    await d.retireKey('k1');
    const err = await rejection(d.approve(id, { by: 'owner' }));
    expect(err).toMatchObject({ code: 'ERR_REQUEST_TOKEN_INVALID', problem: 'key-retired' });
    expect(err.message).toMatch(RETIRED);
    const { verdict } = await d.preview(id, { by: 'owner' });
    expect(verdict.contained).toBe('unknown');
    expect(reasonOf(verdict)).toBe(err.message);
    expect((await d.deny(id, { by: 'owner', reason: 'ask again with a new token' })).status).toBe(
      'denied',
    );
  });

  it('tells an agent grantor the same, and keeps the request out of standing policies', async () => {
    const clock = new Clock();
    const d = await Delegator.inMemory({ now: clock.now, watchIntervalMs: 0 });
    opened.push(d);
    await d.rotateKey({ id: 'k1' });
    await d.retireKey(d.rootKeys.keys()[0]!.id);
    const planner = await d.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'] });
    const coder = delegate(planner, {
      to: 'coder',
      conditions: ['tool == "fs.read"'],
      now: clock.now(),
    }).token;
    const { id } = await d.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'save the fix',
    });
    clock.advance(60);
    await d.rotateKey({ id: 'k2' });
    await d.retireKey('k1');
    // The owner gives the planner a fresh token; the coder's is still the old one.
    const fresh = await d.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'] });
    const err = await rejection(d.approve(id, { by: { token: fresh } }));
    expect(err).toMatchObject({ code: 'ERR_REQUEST_TOKEN_INVALID', problem: 'key-retired' });
    expect(err.message).toContain('coder must get a fresh delegation from planner');
    await d.addPolicy({ grantor: { token: fresh }, effect: 'approve', scope: 'tool ~ "fs.*"' });
    expect((await d.get(id)).status).toBe('pending');
  });
});

describe('what the store does not know stays opaque', () => {
  it('says only "token is invalid" for a token presented under a retired key', async () => {
    const { d, clock, planner } = await ownerWithRequest();
    clock.advance(60);
    await d.rotateKey({ id: 'k2' });
    await d.retireKey('k1');
    const asking = d.request({
      token: planner,
      principal: 'planner',
      scope: ['tool == "x"'],
      reason: 'x',
    });
    await expect(asking).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_INVALID',
      problem: 'invalid',
    });
    await expect(d.inbox({ token: planner })).rejects.toThrow(/^token is invalid$/);
  });

  it('says only "token is invalid" when a kept token’s key is missing without a recorded retirement', async () => {
    const store = createMemoryStore();
    const first = await Delegator.open({ store, watchIntervalMs: 0 });
    opened.push(first);
    const planner = await first.mint({ to: 'planner', conditions: ['tool == "fs.read"'] });
    const { id } = await first.request({
      token: planner,
      principal: 'planner',
      scope: ['tool == "fs.write"'],
      reason: 'save the fix',
    });
    // Another Delegator on the same store, handed other keys: nothing says the old key retired.
    const elsewhere = await Delegator.open({
      store,
      rootKeys: [createRootKey({ id: 'other' })],
      watchIntervalMs: 0,
    });
    opened.push(elsewhere);
    const [item] = await elsewhere.inbox('owner');
    expect(item?.verdict).toEqual({
      contained: 'unknown',
      reason: "the requester's token no longer verifies",
    });
    await expect(elsewhere.approve(id, { by: 'owner' })).rejects.toThrow(/^token is invalid$/);
  });
});
