/**
 * Issue 12: key rotation and retirement were not in the audit log although the docs said so
 * (the CLI edited its key file behind the Delegator's back). `delegator.rotateKey` and
 * `delegator.retireKey` change the ring and record `key-add` / `key-retire` (key ids and dates,
 * never a secret); keys supplied from elsewhere are recorded the first time a Delegator sees
 * them; a supplied key the log says was retired is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RootKeyring,
  createRootKey,
  exportRootKey,
  verifyDelegation,
} from '../../../src/delegation/index.js';
import { Delegator, createMemoryStore } from '../../../src/requests/index.js';
import { Clock } from './_setup.js';

const opened: Delegator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function track(d: Promise<Delegator>): Promise<Delegator> {
  const delegator = await d;
  opened.push(delegator);
  return delegator;
}

/** Every audit entry as `[kind, keyId]`, for the key entries. */
async function keyEntries(d: Delegator): Promise<[string, unknown][]> {
  return (await d.audit())
    .filter((e) => e.kind === 'key-add' || e.kind === 'key-retire')
    .map((e) => [e.kind, e.details['keyId']]);
}

describe('rotating and retiring keys the store keeps', () => {
  it('records key-add and key-retire, signs with the new key, and stops the old one', async () => {
    const clock = new Clock();
    const d = await track(Delegator.inMemory({ now: clock.now, watchIntervalMs: 0 }));
    const first = d.rootKeys.signingKey;
    const before = await d.mint({ to: 'planner', conditions: ['tool == "fs.read"'] });

    clock.advance(60);
    const next = await d.rotateKey({ id: 'k2' });
    expect(next.id).toBe('k2');
    expect(d.rootKeys.signingKey.id).toBe('k2');
    const after = await d.mint({ to: 'planner', conditions: ['tool == "fs.read"'] });
    expect(verifyDelegation(after, { rootKeys: d.rootKeys }).keyId).toBe('k2');
    expect(verifyDelegation(before, { rootKeys: d.rootKeys }).keyId).toBe(first.id);

    clock.advance(60);
    expect((await d.retireKey(first.id)).id).toBe(first.id);
    expect(() => verifyDelegation(before, { rootKeys: d.rootKeys })).toThrow();
    expect(await keyEntries(d)).toEqual([
      ['key-add', first.id],
      ['key-add', 'k2'],
      ['key-retire', first.id],
    ]);
    const [retire] = await d.audit({ kind: 'key-retire' });
    expect(retire).toMatchObject({
      actor: 'owner',
      at: new Date(clock.ms),
      details: { keyId: first.id, createdAt: first.createdAt.toISOString(), stored: true },
    });
    expect((await d.verifyAudit()).ok).toBe(true);
  });

  it('writes no secret into the log, and deletes the retired secret from the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-keys-'));
    dirs.push(dir);
    const path = join(dir, 'requests.db');
    const d = await track(Delegator.open({ path, watchIntervalMs: 0 }));
    const first = d.rootKeys.signingKey;
    const secrets = [exportRootKey(first).secret];
    secrets.push(exportRootKey(await d.rotateKey()).secret);
    await d.retireKey(first.id);
    const log = JSON.stringify(await d.audit());
    for (const secret of secrets) expect(log).not.toContain(secret);
    await d.close();

    const again = await track(Delegator.open({ path, watchIntervalMs: 0 }));
    expect(again.rootKeys.keys().map((k) => k.id)).toEqual([d.rootKeys.signingKey.id]);
  });

  it('refuses a live or retired id, an unknown key, and retiring the only key', async () => {
    const d = await track(Delegator.inMemory({ watchIntervalMs: 0 }));
    const first = d.rootKeys.signingKey.id;
    await expect(d.retireKey(first)).rejects.toThrow(RangeError);
    await expect(d.retireKey(first)).rejects.toThrow(/only live root key/);
    await expect(d.rotateKey({ id: first })).rejects.toThrow(/is a live root key/);
    await d.rotateKey({ id: 'k2' });
    await d.retireKey(first);
    await expect(d.rotateKey({ id: first })).rejects.toThrow(/names a retired root key/);
    await expect(d.retireKey(first)).rejects.toThrow(/is not a live root key/);
    await expect(d.retireKey(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(d.rotateKey({ id: 42 } as unknown as { id: string })).rejects.toThrow(TypeError);
    expect(await keyEntries(d)).toEqual([
      ['key-add', first],
      ['key-add', 'k2'],
      ['key-retire', first],
    ]);
  });
});

describe('keys supplied by the caller', () => {
  it('are recorded once when first seen, rotate and retire in the caller’s ring, and are never stored', async () => {
    const store = createMemoryStore();
    const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
    const d = await track(Delegator.open({ store, rootKeys: ring, watchIntervalMs: 0 }));
    expect(await keyEntries(d)).toEqual([['key-add', 'k1']]);
    await track(Delegator.open({ store, rootKeys: ring, watchIntervalMs: 0 }));
    expect(await keyEntries(d)).toEqual([['key-add', 'k1']]);

    await d.rotateKey({ id: 'k2' });
    await d.retireKey('k1');
    expect(ring.keys().map((k) => k.id)).toEqual(['k2']);
    expect(await store.loadRootKeys()).toEqual([]);
    expect(await keyEntries(d)).toEqual([
      ['key-add', 'k1'],
      ['key-add', 'k2'],
      ['key-retire', 'k1'],
    ]);
    const [add] = await d.audit({ kind: 'key-add' });
    expect(add?.details).toMatchObject({ keyId: 'k1', stored: false });
  });

  it('are refused when the log says one of them was retired (an old copy of the keys)', async () => {
    const store = createMemoryStore();
    const k1 = createRootKey({ id: 'k1' });
    const d = await track(Delegator.open({ store, rootKeys: [k1], watchIntervalMs: 0 }));
    await d.rotateKey({ id: 'k2' });
    await d.retireKey('k1');
    await expect(
      Delegator.open({ store, rootKeys: [k1, createRootKey({ id: 'k3' })], watchIntervalMs: 0 }),
    ).rejects.toThrow(/options\.rootKeys holds root key "k1", which was retired in this store/);
  });
});
