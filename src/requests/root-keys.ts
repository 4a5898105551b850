/**
 * The owner's root keys: where a Delegator's come from, rotating and retiring them, and minting
 * with them. Supplied keys (a `RootKeyring` or a list) are used as they are and never written
 * to the store: that is how a harness keeps them in a secrets manager or a 0600 file of its own.
 * Otherwise the keys live in the store, and the first Delegator to open an empty store creates
 * one and stores it; two processes racing to do so each store theirs and both then read the
 * same ring back, whose newest key signs. Every key is in the audit log: `key-add` when it is
 * created or rotated in, or, for a supplied key made elsewhere, when a Delegator first sees it;
 * `key-retire` when it is retired. A supplied key the log records as retired is refused, so an
 * old copy of the keys cannot bring a retired key back. Entries carry key ids, never secrets.
 */
import {
  RootKeyring,
  createRootKey,
  exportRootKey,
  importRootKey,
  mintDelegation,
  verifyDelegation,
  type RootKey,
  type RootKeys,
} from '../delegation/index.js';
import { assertObject, assertString } from '../_assert.js';
import { assertRootKeys } from '../delegation/keys.js';
import { hopRecords } from './decisions/hop-records.js';
import { fingerprint } from './input.js';
import type { DelegatorMintOptions, RotateKeyOptions } from './options.js';
import { RequestStoreError } from './errors.js';
import type { KeyLog } from './store/key-log.js';
import type { AuditInput } from './store/model.js';
import type { RequestStore } from './store/store.js';

/** What rotating and retiring keys works on: the Delegator's store, ring and key log. */
export interface KeyParts {
  readonly store: RequestStore;
  readonly keys: RootKeyring;
  readonly keyLog: KeyLog;
  /** Whether the keys live in the store (none were supplied). */
  readonly keysStored: boolean;
  readonly now: () => Date;
}

/**
 * The keyring kept in `store`, creating and storing a first key if it holds none.
 *
 * @example
 * ```ts
 * const ring = await storedKeys(store, keyLog, () => new Date());
 * ```
 */
export async function storedKeys(
  store: RequestStore,
  keyLog: KeyLog,
  now: () => Date,
): Promise<RootKeyring> {
  let stored = await store.loadRootKeys();
  if (stored.length === 0) {
    const key = createRootKey({ now: now() });
    const entry = keyEntry('key-add', key, now(), true);
    // Only into a store still empty: another process opening it at the same moment may have
    // stored its own first, and then that key is everyone's.
    await store.saveRootKey(exportRootKey(key), entry, { onlyIfNone: true });
    stored = await store.loadRootKeys();
    if (stored.some((k) => k.id === key.id)) keyLog.note(entry);
  }
  try {
    return new RootKeyring(stored.map((k) => importRootKey(k)));
  } catch (err) {
    throw new RequestStoreError('the root keys in the store are unreadable', { cause: err });
  }
}

/**
 * A supplied `rootKeys` option as a keyring (a list becomes a ring whose last key signs; a ring
 * is used as it is, so rotating and retiring change the caller's ring). Refuses a key the log
 * records as retired, and records each key the log has never seen (`key-add`).
 *
 * @example
 * ```ts
 * const ring = await suppliedKeys(store, keyLog, [createRootKey()], new Date());
 * ```
 */
export async function suppliedKeys(
  store: RequestStore,
  keyLog: KeyLog,
  keys: RootKeys,
  now: Date,
): Promise<RootKeyring> {
  assertRootKeys(keys, 'options.rootKeys');
  const ring = keys instanceof RootKeyring ? keys : new RootKeyring(keys);
  for (const key of ring.keys()) {
    const retiredAt = keyLog.retiredAt(key.id);
    if (retiredAt !== undefined) {
      throw new RangeError(
        `options.rootKeys holds root key ${JSON.stringify(key.id)}, which was retired in this store at ${new Date(retiredAt).toISOString()}: remove it`,
      );
    }
  }
  const unseen = ring.keys().filter((key) => !keyLog.wasAdded(key.id));
  if (unseen.length > 0) {
    const entries = unseen.map((key) => keyEntry('key-add', key, now, false));
    await store.appendAudit(entries);
    for (const entry of entries) keyLog.note(entry);
  }
  return ring;
}

/**
 * Adds a fresh root key that signs from now on (older keys keep verifying until retired):
 * stored with its `key-add` entry when the keys live in the store, else added to the supplied
 * ring (whose holder persists it) with the entry alone. An id that is live or that the log
 * records as retired is refused.
 *
 * @example
 * ```ts
 * const key = await rotateRootKey(parts, { id: '2026-06' });
 * ```
 */
export async function rotateRootKey(parts: KeyParts, options: RotateKeyOptions): Promise<RootKey> {
  assertObject(options, 'options');
  const { id } = options;
  if (id !== undefined) {
    assertString(id, 'options.id');
    if (parts.keys.get(id) !== undefined)
      throw new RangeError(`options.id ${JSON.stringify(id)} is a live root key`);
    if (parts.keyLog.retiredAt(id) !== undefined)
      throw new RangeError(`options.id ${JSON.stringify(id)} names a retired root key`);
  }
  const now = parts.now();
  const key = createRootKey(id === undefined ? { now } : { id, now });
  const entry = keyEntry('key-add', key, now, parts.keysStored);
  if (parts.keysStored) await parts.store.saveRootKey(exportRootKey(key), entry);
  else await parts.store.appendAudit([entry]);
  parts.keys.add(key);
  parts.keyLog.note(entry);
  return key;
}

/**
 * Retires the live root key `id`: every token it signed stops verifying here at once, and a
 * request kept with such a token says so. The stored secret is deleted (keys supplied are
 * removed from the caller's ring, whose holder persists that) in the step that appends the
 * `key-retire` entry. The only live key cannot be retired: rotate first.
 *
 * @example
 * ```ts
 * const retired = await retireRootKey(parts, 'k1');
 * ```
 */
export async function retireRootKey(parts: KeyParts, id: unknown): Promise<RootKey> {
  assertString(id, 'id');
  const key = parts.keys.get(id);
  if (key === undefined)
    throw new RangeError(`id ${JSON.stringify(id)} is not a live root key of this Delegator`);
  if (parts.keys.size === 1)
    throw new RangeError(`id ${JSON.stringify(id)} is the only live root key: rotate one in first`);
  const entry = keyEntry('key-retire', key, parts.now(), parts.keysStored);
  await parts.store.retireRootKey(id, entry);
  parts.keys.retire(id);
  parts.keyLog.note(entry);
  return key;
}

/** A `key-add` or `key-retire` entry: the key's id and creation time, never its secret. */
function keyEntry(
  kind: 'key-add' | 'key-retire',
  key: RootKey,
  at: Date,
  stored: boolean,
): AuditInput {
  return {
    at: at.getTime(),
    kind,
    actor: 'owner',
    subject: null,
    requestId: null,
    details: { keyId: key.id, createdAt: key.createdAt.toISOString(), stored },
  };
}

/**
 * Mints an owner delegation under the keyring's signing key and records it in the audit log
 * (`mint`: grantee, conditions, fingerprint, delegation and key ids).
 *
 * @example
 * ```ts
 * const token = await mintAudited(parts, { to: 'planner', conditions: ['tool ~ "fs.*"'] });
 * ```
 */
export async function mintAudited(parts: KeyParts, options: DelegatorMintOptions): Promise<string> {
  assertObject(options, 'options');
  const { store, keys } = parts;
  const now = parts.now();
  const token = mintDelegation(keys, {
    ...(options.to === undefined ? {} : { to: options.to }),
    conditions: options.conditions,
    ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
    ...(options.location === undefined ? {} : { location: options.location }),
    now,
  });
  const view = verifyDelegation(token, { rootKeys: keys });
  await store.recordHops(hopRecords(view, { source: 'mint', at: now.getTime() }));
  await store.appendAudit([
    {
      at: now.getTime(),
      kind: 'mint',
      actor: 'owner',
      subject: options.to ?? null,
      requestId: null,
      details: {
        conditions: [...(view.blocks[0]?.conditions ?? [])],
        token: fingerprint(token),
        delegationId: view.delegationId,
        keyId: view.keyId,
        hop: view.hops.id,
      },
    },
  ]);
  return token;
}
