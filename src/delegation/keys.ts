/**
 * Root keys and keyrings: the owner's secrets that every delegation chain starts from.
 *
 * A `RootKey` is an id (written into every token it mints, so verifiers know which key to use)
 * plus a 32-byte secret that stays inside the object: it is not a visible property, `toJSON()`
 * and `util.inspect` omit it, and only `exportRootKey` writes it out, on purpose. A
 * `RootKeyring` holds several live keys for rotation: the newest one signs new delegations,
 * older ones keep verifying until they are retired, and retiring a key also drops every chain
 * it verified from the authorization cache.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { assertDate, assertObject, assertString, describe } from '../_assert.js';
import { base64urlDecode, base64urlEncode } from '../_base64url.js';

/**
 * Length of a root key secret in bytes.
 *
 * @example
 * ```ts
 * importRootKey({ id: 'k', secret, createdAt }); // secret must decode to ROOT_KEY_BYTES bytes
 * ```
 */
export const ROOT_KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The serialized form of a root key. It contains the secret: store it like a password.
 *
 * @example
 * ```ts
 * const saved: ExportedRootKey = exportRootKey(createRootKey());
 * ```
 */
export interface ExportedRootKey {
  readonly id: string;
  /** The secret, base64url without padding. */
  readonly secret: string;
  /** RFC 3339 UTC. */
  readonly createdAt: string;
}

/**
 * The serialized form of a keyring: its keys, oldest first.
 *
 * @example
 * ```ts
 * const saved: ExportedRootKeyring = ring.export();
 * const again = RootKeyring.import(saved);
 * ```
 */
export interface ExportedRootKeyring {
  readonly keys: readonly ExportedRootKey[];
}

let readSecret: (key: RootKey) => Uint8Array;

/**
 * An owner's root key. Create one with `createRootKey`, persist it with `exportRootKey`.
 *
 * @example
 * ```ts
 * const key = createRootKey();
 * console.log(key.id, JSON.stringify(key)); // the secret is never printed
 * ```
 */
export class RootKey {
  /** Written into every token the key mints; `[A-Za-z0-9_-]{1,64}`. */
  readonly id: string;
  readonly #createdAt: number;
  readonly #secret: Uint8Array;

  static {
    readSecret = (key) => key.#secret;
  }

  /** @internal Use `createRootKey` or `importRootKey`. */
  constructor(id: string, secret: Uint8Array, createdAt: number) {
    this.id = id;
    this.#secret = secret;
    this.#createdAt = createdAt;
    Object.freeze(this);
  }

  /** When the key was created. */
  get createdAt(): Date {
    return new Date(this.#createdAt);
  }

  /** The id and creation time only, so that logging a key never leaks its secret. */
  toJSON(): { id: string; createdAt: string } {
    return { id: this.id, createdAt: this.createdAt.toISOString() };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `RootKey { id: '${this.id}' }`;
  }
}

/** @internal The secret of a root key, for the minting and verifying code of this area only. */
export function rootKeySecret(key: RootKey): Uint8Array {
  return readSecret(key);
}

/**
 * Creates a root key with a fresh 32-byte secret from the platform's CSPRNG.
 *
 * @param options.id - the key id (default: 16 random base64url characters); `[A-Za-z0-9_-]{1,64}`
 * @param options.now - the creation time to record (default: the current time)
 * @example
 * ```ts
 * const key = createRootKey({ id: '2026-05' });
 * const token = mintDelegation(key, { to: 'planner', conditions: ['tool ~ "fs.*"'] });
 * ```
 */
export function createRootKey(
  options: { readonly id?: string; readonly now?: Date } = {},
): RootKey {
  assertObject(options, 'options');
  const id = options.id ?? base64urlEncode(randomBytes(12));
  assertKeyId(id, 'options.id');
  const now = options.now ?? new Date();
  assertDate(now, 'options.now');
  return new RootKey(id, randomBytes(ROOT_KEY_BYTES), now.getTime());
}

/**
 * Serializes a root key, secret included, for storage in a secrets manager or an encrypted file.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(exportRootKey(key));
 * const again = importRootKey(JSON.parse(saved));
 * ```
 */
export function exportRootKey(key: RootKey): ExportedRootKey {
  if (!(key instanceof RootKey)) throw new TypeError(`key must be a RootKey, got ${describe(key)}`);
  return {
    id: key.id,
    secret: base64urlEncode(readSecret(key)),
    createdAt: key.createdAt.toISOString(),
  };
}

/**
 * Restores a root key written by `exportRootKey`. Throws `TypeError`/`RangeError` naming the
 * field that is wrong (never echoing the secret).
 *
 * @example
 * ```ts
 * const key = importRootKey({ id: 'k1', secret: '…43 base64url characters…', createdAt: '2026-01-01T00:00:00.000Z' });
 * ```
 */
export function importRootKey(data: ExportedRootKey): RootKey {
  assertObject(data, 'data');
  assertKeyId(data.id, 'data.id');
  assertString(data.secret, 'data.secret');
  assertString(data.createdAt, 'data.createdAt');
  const secret = base64urlDecode(data.secret);
  if (secret === undefined || secret.length !== ROOT_KEY_BYTES) {
    throw new RangeError(
      `data.secret must be ${ROOT_KEY_BYTES} bytes in base64url without padding`,
    );
  }
  const createdAt = Date.parse(data.createdAt);
  if (
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/.test(data.createdAt) ||
    Number.isNaN(createdAt)
  ) {
    throw new RangeError('data.createdAt must be an RFC 3339 UTC instant');
  }
  return new RootKey(data.id, secret, createdAt);
}

type RetireListener = (key: RootKey) => void;
const retireListeners = new Set<RetireListener>();

/** @internal Lets the authorization cache drop chains verified by a key when it is retired. */
export function onRootKeyRetired(listener: RetireListener): void {
  retireListeners.add(listener);
}

/**
 * The live root keys of an owner. The most recently added key signs new delegations; every key
 * in the ring verifies; `retire` removes a key so that tokens it minted stop verifying at once
 * (cached chains included).
 *
 * @example
 * ```ts
 * const ring = new RootKeyring([createRootKey()]);
 * const next = ring.rotate();               // new tokens are signed with `next`
 * ring.retire(oldId);                       // tokens of the old key are now refused
 * authorize(token, request, { rootKeys: ring });
 * ```
 */
export class RootKeyring {
  readonly #keys = new Map<string, RootKey>();

  constructor(keys: Iterable<RootKey> = []) {
    if (keys === null || typeof keys !== 'object' || !(Symbol.iterator in keys)) {
      throw new TypeError(`keys must be an iterable of RootKey, got ${describe(keys)}`);
    }
    for (const key of keys) this.add(key);
  }

  /** Number of live keys. */
  get size(): number {
    return this.#keys.size;
  }

  /** The key that signs new delegations: the most recently added one. */
  get signingKey(): RootKey {
    let last: RootKey | undefined;
    for (const key of this.#keys.values()) last = key;
    if (last === undefined) throw new RangeError('the keyring is empty: add a key before minting');
    return last;
  }

  /** Adds a key; it becomes the signing key. Adding a different key under a live id is refused. */
  add(key: RootKey): this {
    if (!(key instanceof RootKey))
      throw new TypeError(`key must be a RootKey, got ${describe(key)}`);
    const existing = this.#keys.get(key.id);
    if (existing !== undefined && existing !== key) {
      throw new RangeError(`key id "${key.id}" is already live in this keyring`);
    }
    this.#keys.delete(key.id);
    this.#keys.set(key.id, key);
    return this;
  }

  /** Creates a fresh key, adds it (so it signs from now on) and returns it. */
  rotate(options: { readonly id?: string; readonly now?: Date } = {}): RootKey {
    const key = createRootKey(options);
    this.add(key);
    return key;
  }

  /** Removes a key: every token it minted stops verifying, cached chains included. */
  retire(id: string): boolean {
    assertString(id, 'id');
    const key = this.#keys.get(id);
    if (key === undefined) return false;
    this.#keys.delete(id);
    for (const listener of retireListeners) listener(key);
    return true;
  }

  /** The live key with this id, if any. */
  get(id: string): RootKey | undefined {
    return this.#keys.get(id);
  }

  /** The live keys, oldest first. */
  keys(): RootKey[] {
    return [...this.#keys.values()];
  }

  /** Serializes every live key, secrets included, oldest first. */
  export(): ExportedRootKeyring {
    return { keys: this.keys().map(exportRootKey) };
  }

  /** Restores a keyring written by `export()`, keeping its order (so the same key signs). */
  static import(data: ExportedRootKeyring): RootKeyring {
    assertObject(data, 'data');
    if (!Array.isArray(data.keys))
      throw new TypeError(`data.keys must be an array, got ${describe(data.keys)}`);
    return new RootKeyring(data.keys.map((k, i) => importRootKeyAt(k, i)));
  }
}

/**
 * The keys a verifier accepts: a keyring, or a plain list of keys.
 *
 * @example
 * ```ts
 * authorize(token, request, { rootKeys: ring });        // a keyring
 * authorize(token, request, { rootKeys: [keyA, keyB] }); // or a list
 * ```
 */
export type RootKeys = RootKeyring | readonly RootKey[];

/** @internal Finds the live key with `id` among `keys`. */
export function findRootKey(keys: RootKeys, id: string): RootKey | undefined {
  if (keys instanceof RootKeyring) return keys.get(id);
  for (const key of keys) if (key.id === id) return key;
  return undefined;
}

/** @internal Checks a `rootKeys` option. */
export function assertRootKeys(value: unknown, name: string): asserts value is RootKeys {
  if (value instanceof RootKeyring) return;
  if (!Array.isArray(value))
    throw new TypeError(
      `${name} must be a RootKeyring or an array of RootKey, got ${describe(value)}`,
    );
  value.forEach((k: unknown, i) => {
    if (!(k instanceof RootKey))
      throw new TypeError(`${name}[${i}] must be a RootKey, got ${describe(k)}`);
  });
}

/** @internal The key that signs: the keyring's signing key, or the key itself. */
export function signingKeyOf(value: unknown, name: string): RootKey {
  if (value instanceof RootKey) return value;
  if (value instanceof RootKeyring) return value.signingKey;
  throw new TypeError(`${name} must be a RootKey or a RootKeyring, got ${describe(value)}`);
}

function importRootKeyAt(data: unknown, index: number): RootKey {
  try {
    return importRootKey(data as ExportedRootKey);
  } catch (err) {
    if (err instanceof TypeError)
      throw new TypeError(err.message.replace(/^data/, `data.keys[${index}]`));
    if (err instanceof RangeError)
      throw new RangeError(err.message.replace(/^data/, `data.keys[${index}]`));
    throw err;
  }
}

function assertKeyId(value: unknown, name: string): asserts value is string {
  assertString(value, name);
  if (!KEY_ID.test(value)) throw new RangeError(`${name} must match [A-Za-z0-9_-]{1,64}`);
}
