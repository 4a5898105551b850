/**
 * The owner's root keys: where a Delegator's come from, and minting with them. Supplied keys (a `RootKeyring` or a list) are used
 * as they are and never written to the store: that is how a harness keeps them in a secrets
 * manager or a 0600 file of its own. Otherwise the keys live in the store, and the first
 * Delegator to open an empty store creates one and stores it (audited as `key-add`); two
 * processes racing to do so each store theirs and both then read the same ring back, whose
 * newest key signs.
 */
import {
  RootKeyring,
  createRootKey,
  exportRootKey,
  importRootKey,
  mintDelegation,
  verifyDelegation,
  type RootKeys,
} from '../delegation/index.js';
import { assertObject } from '../_assert.js';
import { assertRootKeys } from '../delegation/keys.js';
import { fingerprint } from './input.js';
import type { DelegatorMintOptions } from './options.js';
import { RequestStoreError } from './errors.js';
import type { RequestStore } from './store/store.js';

/**
 * The keyring kept in `store`, creating and storing a first key if it holds none.
 *
 * @example
 * ```ts
 * const ring = await storedKeys(store, () => new Date());
 * ```
 */
export async function storedKeys(store: RequestStore, now: () => Date): Promise<RootKeyring> {
  let stored = await store.loadRootKeys();
  if (stored.length === 0) {
    const key = createRootKey({ now: now() });
    await store.saveRootKey(exportRootKey(key), {
      at: now().getTime(),
      kind: 'key-add',
      actor: 'owner',
      subject: null,
      requestId: null,
      details: { keyId: key.id },
    });
    stored = await store.loadRootKeys();
  }
  try {
    return new RootKeyring(stored.map((k) => importRootKey(k)));
  } catch (err) {
    throw new RequestStoreError('the root keys in the store are unreadable', { cause: err });
  }
}

/**
 * A supplied `rootKeys` option as a keyring (a list becomes a ring whose last key signs).
 *
 * @example
 * ```ts
 * const ring = suppliedKeys([createRootKey()]);
 * ```
 */
export function suppliedKeys(keys: RootKeys): RootKeyring {
  assertRootKeys(keys, 'options.rootKeys');
  return keys instanceof RootKeyring ? keys : new RootKeyring(keys);
}

/**
 * Mints an owner delegation under the keyring's signing key and records it in the audit log
 * (`mint`: grantee, conditions, fingerprint, delegation and key ids).
 *
 * @example
 * ```ts
 * const token = await mintAudited(store, ring, new Date(), { to: 'planner', conditions: ['tool ~ "fs.*"'] });
 * ```
 */
export async function mintAudited(
  store: RequestStore,
  keys: RootKeyring,
  now: Date,
  options: DelegatorMintOptions,
): Promise<string> {
  assertObject(options, 'options');
  const token = mintDelegation(keys, {
    ...(options.to === undefined ? {} : { to: options.to }),
    conditions: options.conditions,
    ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
    ...(options.location === undefined ? {} : { location: options.location }),
    now,
  });
  const view = verifyDelegation(token, { rootKeys: keys });
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
      },
    },
  ]);
  return token;
}
