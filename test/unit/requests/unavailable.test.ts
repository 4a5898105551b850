/**
 * A store out of reach for a while (a database restarting): a call made meanwhile fails with
 * `ERR_REQUEST_STORE_UNAVAILABLE`, while a requester already waiting and a grantor's feed only
 * wait longer — they look again until the store answers, and lose nothing.
 */
import { describe, expect, it } from 'vitest';
import { delegate } from '../../../src/delegation/index.js';
import {
  Delegator,
  RequestStoreUnavailableError,
  createMemoryStore,
  type RequestStore,
} from '../../../src/requests/index.js';

/** `store`, whose `getRequest` fails as unreachable while `down.on` is set. */
function flaky(store: RequestStore, down: { on: boolean }): RequestStore {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'getRequest')
        return (id: string) =>
          down.on ? Promise.reject(new RequestStoreUnavailableError()) : target.getRequest(id);
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

async function twoOnOneStore() {
  const shared = createMemoryStore();
  const down = { on: false };
  const waiting = await Delegator.open({ store: flaky(shared, down), watchIntervalMs: 10 });
  const deciding = await Delegator.open({ store: shared, watchIntervalMs: 10 });
  const planner = await deciding.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'] });
  const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
  const ask = (n: number) =>
    waiting.request({ token: coder, principal: 'coder', scope: [`args.n == ${n}`], reason: 'r' });
  return { waiting, deciding, planner, down, ask };
}

describe('a store out of reach for a while', () => {
  it('fails a call made meanwhile with ERR_REQUEST_STORE_UNAVAILABLE', async () => {
    const { waiting, deciding, down, ask } = await twoOnOneStore();
    const ticket = await ask(1);
    down.on = true;
    await expect(waiting.awaitResponse(ticket.id)).rejects.toMatchObject({
      code: 'ERR_REQUEST_STORE_UNAVAILABLE',
    });
    await waiting.close();
    await deciding.close();
  });

  it('delays a wait already begun until the store answers again', async () => {
    const { waiting, deciding, planner, down, ask } = await twoOnOneStore();
    const ticket = await ask(1);
    const outcome = waiting.awaitResponse(ticket.id);
    // The wait has begun (its first read answered) before the store goes away.
    await new Promise((r) => setTimeout(r, 50));
    down.on = true;
    await deciding.approve(ticket.id, { by: { token: planner } });
    // The approval's entry reaches the waiter while its reads fail; they succeed again later.
    await new Promise((r) => setTimeout(r, 100));
    down.on = false;
    expect((await outcome).status).toBe('approved');
    await waiting.close();
    await deciding.close();
  });

  it("delays a grantor's feed until the store answers again, losing no request", async () => {
    const { waiting, deciding, planner, down } = await twoOnOneStore();
    const feed = waiting.subscribe({ token: planner });
    const first = feed.next();
    down.on = true;
    const ticket = await deciding.request({
      token: delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token,
      principal: 'coder',
      scope: ['args.n == 2'],
      reason: 'while it is down',
    });
    await new Promise((r) => setTimeout(r, 100));
    down.on = false;
    expect((await first).value).toMatchObject({ id: ticket.id, reason: 'while it is down' });
    await feed.return?.();
    await waiting.close();
    await deciding.close();
  });
});
