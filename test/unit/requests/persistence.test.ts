/**
 * Nothing is lost across a restart: a Delegator reopened on the same SQLite file shows every
 * pending request, decision, token, policy and audit entry, verifies the tokens it minted
 * before, and keeps polling state. Keys supplied by the caller are never written to the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RootKeyring, authorize, createRootKey } from '../../../src/delegation/index.js';
import { Delegator, createMemoryStore } from '../../../src/requests/index.js';
import { Clock } from './_setup.js';

let dir: string;
let path: string;
const opened: Delegator[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mandate-delegator-'));
  path = join(dir, 'requests.db');
});

afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(
  clock: Clock,
  options: Partial<Parameters<typeof Delegator.open>[0]> = {},
): Promise<Delegator> {
  const d = await Delegator.open({
    path,
    now: clock.now,
    watchIntervalMs: 0,
    ...options,
  } as Parameters<typeof Delegator.open>[0]);
  opened.push(d);
  return d;
}

describe('a Delegator reopened on its SQLite file', () => {
  it('shows every pending request, decision, token, policy and audit entry', async () => {
    const clock = new Clock();
    const first = await open(clock);
    const planner = await first.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'] });
    const pending = await first.request({
      token: planner,
      principal: 'planner',
      scope: ['tool == "bank.list"'],
      reason: 'a',
    });
    const approved = await first.request({
      token: planner,
      principal: 'planner',
      scope: ['tool == "mail.read"'],
      reason: 'b',
    });
    const denied = await first.request({
      token: planner,
      principal: 'planner',
      scope: ['tool == "shell.exec"'],
      reason: 'c',
    });
    await first.approve(approved.id, { by: 'owner', expiresIn: 3600 });
    await first.deny(denied.id, { by: 'owner', reason: 'no' });
    await first.poll(pending.id);
    const policy = await first.addPolicy({
      grantor: 'owner',
      effect: 'deny',
      scope: 'tool ~ "net.*"',
    });
    const before = await first.audit();
    const approvedView = await first.get(approved.id);
    await first.close();

    const again = await open(clock);
    expect((await again.inbox('owner')).map((i) => i.id)).toEqual([pending.id]);
    expect(await again.get(approved.id)).toEqual(approvedView);
    expect(await again.poll(denied.id)).toEqual({ error: 'access_denied', reason: 'no' });
    const answer = await again.poll(approved.id);
    if (!('status' in answer)) throw new Error('expected the approval');
    expect(
      authorize(
        answer.token,
        { tool: 'mail.read', args: {}, principal: 'planner' },
        { rootKeys: again.rootKeys, now: clock.now() },
      ).allowed,
    ).toBe(true);
    expect(await again.poll(pending.id)).toEqual({ error: 'slow_down', interval: 10 });
    expect((await again.policies()).map((p) => p.id)).toEqual([policy.id]);
    expect(await again.audit()).toEqual(before);
    expect(await again.verifyAudit()).toMatchObject({ ok: true, count: before.length });

    // The stored key still signs and verifies: a token minted before the restart can ask again.
    await again.approve(pending.id, { by: 'owner' });
    expect((await again.get(pending.id)).status).toBe('approved');
  });

  it('keeps supplied keys out of the file', async () => {
    const clock = new Clock();
    const ring = new RootKeyring([createRootKey({ id: 'supplied' })]);
    const d = await open(clock, { rootKeys: ring });
    expect(d.rootKeys).toBe(ring);
    await d.mint({ to: 'planner', conditions: ['true'] });
    await d.close();
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.prepare('SELECT count(*) AS n FROM root_keys').get()).toEqual({ n: 0 });
    } finally {
      raw.close();
    }
    const withList = await Delegator.inMemory({
      rootKeys: [createRootKey(), createRootKey({ id: 'newest' })],
    });
    expect(withList.rootKeys.signingKey.id).toBe('newest');
    await withList.close();
  });

  it('creates one stored key and reuses it', async () => {
    const clock = new Clock();
    const a = await open(clock);
    const id = a.rootKeys.signingKey.id;
    await a.close();
    const b = await open(clock);
    expect(b.rootKeys.keys().map((k) => k.id)).toEqual([id]);
    expect((await b.audit({ kind: 'key-add' })).length).toBe(1);
  });

  it('leaves a store it was given open, and closes one it opened', async () => {
    const store = createMemoryStore();
    const d = await Delegator.open({ store });
    await d.close();
    await d.close();
    expect(await store.lastAuditSeq()).toBe(1);
    await expect(d.mint({ conditions: ['true'] })).rejects.toMatchObject({
      code: 'ERR_REQUEST_STORE',
    });
  });

  it("shares a memory store between Delegators, which see each other's decisions", async () => {
    const clock = new Clock();
    const store = createMemoryStore();
    const one = await Delegator.open({ store, now: clock.now, watchIntervalMs: 5 });
    const two = await Delegator.open({ store, now: clock.now, watchIntervalMs: 5 });
    opened.push(one, two);
    expect(two.rootKeys.signingKey.id).toBe(one.rootKeys.signingKey.id);
    const planner = await one.mint({ to: 'planner', conditions: ['true'] });
    const { id } = await one.request({
      token: planner,
      principal: 'planner',
      scope: ['tool == "x"'],
      reason: 'x',
    });
    const waiting = one.awaitResponse(id);
    await two.deny(id, { by: 'owner', reason: 'from the other process' });
    expect(await waiting).toEqual({ status: 'denied', reason: 'from the other process' });
  });
});
