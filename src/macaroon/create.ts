/**
 * Minting and attenuating macaroons: `createMacaroon`, `addFirstPartyCaveat`,
 * `addThirdPartyCaveat` and `bindDischarge`. Each returns a new macaroon and leaves its
 * arguments untouched. Attenuation needs only the token itself (its signature is the key for
 * the next step), so a holder can always narrow a token offline, never widen it.
 */
import { assertObject, assertString } from '../_assert.js';
import { utf8Encode } from '../_utf8.js';
import { argumentBytes, concat } from './_bytes.js';
import {
  bind,
  bytesToWords,
  chainFirstParty,
  chainStart,
  chainThirdParty,
  deriveKey,
  newHmacKey,
  prepareDerivedKey,
  sealCaveatKey,
  wordsToBytes,
} from './_chain.js';
import { v2TextLength } from './_v2.js';
import { MacaroonLimitError } from './errors.js';
import {
  MACAROON_MAX_CAVEATS,
  MACAROON_MAX_FIELD_SIZE,
  MACAROON_MAX_TOKEN_SIZE,
} from './limits.js';
import {
  assertMacaroon,
  buildMacaroon,
  type Macaroon,
  type MacaroonParts,
  macaroonParts,
} from './macaroon.js';

/**
 * What `createMacaroon` needs.
 *
 * @example
 * ```ts
 * const options: CreateMacaroonOptions = { rootKey: secret, identifier: 'key-1', location: 'https://bank' };
 * ```
 */
export interface CreateMacaroonOptions {
  /** The root secret (text is UTF-8). It is derived as libmacaroons does before use. */
  readonly rootKey: string | Uint8Array;
  /** Names the root key to the verifier (and, in mandate, the delegation). */
  readonly identifier: string | Uint8Array;
  /** A hint of where the token is used; not covered by the signature. Default `''`. */
  readonly location?: string;
}

/**
 * What `addThirdPartyCaveat` needs: a key shared with the third party, and what to ask it.
 *
 * @example
 * ```ts
 * const ask: ThirdPartyCaveatOptions = { rootKey: shared, identifier: 'approve:42', location: 'https://approver' };
 * ```
 */
export interface ThirdPartyCaveatOptions {
  /** The caveat root key, shared with the discharging service (derived as libmacaroons does). */
  readonly rootKey: string | Uint8Array;
  /** The caveat identifier: tells the third party what to check and how to find the key. */
  readonly identifier: string | Uint8Array;
  /** Where the discharging service is; not covered by the signature. */
  readonly location: string;
}

/**
 * Mints a macaroon: `signature = HMAC(HMAC("macaroons-key-generator", rootKey), identifier)`,
 * the same bytes libmacaroons' `macaroon_create` gives.
 *
 * @example
 * ```ts
 * const m = createMacaroon({ rootKey: 'this is the key', identifier: 'keyid', location: 'http://example.org/' });
 * ```
 */
export function createMacaroon(options: CreateMacaroonOptions): Macaroon {
  assertObject(options, 'options');
  const rootKey = argumentBytes(options.rootKey, 'options.rootKey');
  if (rootKey.length === 0) throw new RangeError('options.rootKey must not be empty');
  const identifier = fieldBytes(options.identifier, 'options.identifier');
  const location = locationBytes(options.location ?? '', 'options.location');
  const key = newHmacKey();
  prepareDerivedKey(rootKey, key);
  rootKey.fill(0);
  const sig = new Int32Array(8);
  chainStart(key, identifier, 0, identifier.length, sig);
  key.fill(0);
  return finish({ location, identifier, caveats: [], signature: sigBytes(sig) });
}

/**
 * Returns a copy of `macaroon` with one more first-party caveat (in mandate, one statement of
 * the scope DSL). Caveats may not be empty.
 *
 * @example
 * ```ts
 * const narrower = addFirstPartyCaveat(m, 'tool == "bank.get_balance"');
 * ```
 */
export function addFirstPartyCaveat(macaroon: Macaroon, caveat: string | Uint8Array): Macaroon {
  assertMacaroon(macaroon, 'macaroon');
  const id = caveatBytes(caveat, 'caveat');
  const parts = macaroonParts(macaroon);
  checkCaveatCount(parts);
  const sig = new Int32Array(8);
  bytesToWords(parts.signature, 0, sig);
  chainFirstParty(sig, id, 0, id.length);
  return finish({
    ...parts,
    caveats: [...parts.caveats, { identifier: id }],
    signature: sigBytes(sig),
  });
}

/**
 * Returns a copy of `macaroon` with a third-party caveat: the caveat key (derived from
 * `rootKey`) is sealed with XSalsa20-Poly1305 under the current signature and a fresh random
 * 24-byte nonce, as libmacaroons' `macaroon_add_third_party_caveat` does. The third party
 * mints the discharge with `createMacaroon({ rootKey, identifier })` using the same key and
 * identifier; the holder binds it with `bindDischarge`.
 *
 * @example
 * ```ts
 * const m2 = addThirdPartyCaveat(m, { rootKey: sharedKey, identifier: 'approve:42', location: 'https://approver' });
 * const discharge = createMacaroon({ rootKey: sharedKey, identifier: 'approve:42' });
 * verifyMacaroon(m2, rootKey, { check, discharges: [bindDischarge(m2, discharge)] });
 * ```
 */
export function addThirdPartyCaveat(
  macaroon: Macaroon,
  options: ThirdPartyCaveatOptions,
): Macaroon {
  assertMacaroon(macaroon, 'macaroon');
  assertObject(options, 'options');
  const caveatKey = argumentBytes(options.rootKey, 'options.rootKey');
  if (caveatKey.length === 0) throw new RangeError('options.rootKey must not be empty');
  const id = caveatBytes(options.identifier, 'options.identifier');
  assertString(options.location, 'options.location');
  const location = locationBytes(options.location, 'options.location');
  const parts = macaroonParts(macaroon);
  checkCaveatCount(parts);
  const sig = new Int32Array(8);
  bytesToWords(parts.signature, 0, sig);
  const key = new Int32Array(8);
  deriveKey(caveatKey, key);
  caveatKey.fill(0);
  const vid = sealCaveatKey(sig, key);
  key.fill(0);
  const both = concat([vid, id]);
  chainThirdParty(sig, both, 0, vid.length, vid.length, id.length);
  return finish({
    ...parts,
    caveats: [...parts.caveats, { identifier: id, verificationId: vid, location }],
    signature: sigBytes(sig),
  });
}

/**
 * Binds a discharge macaroon to the macaroon it discharges (libmacaroons `macaroon_bind`), so
 * it cannot be used with any other token. Bind after the last caveat is added to `root`: any
 * later attenuation changes its signature and the binding with it.
 *
 * @example
 * ```ts
 * const bound = bindDischarge(m, discharge);
 * verifyMacaroon(m, rootKey, { check, discharges: [bound] });
 * ```
 */
export function bindDischarge(root: Macaroon, discharge: Macaroon): Macaroon {
  assertMacaroon(root, 'root');
  assertMacaroon(discharge, 'discharge');
  const rootSig = new Int32Array(8);
  const sig = new Int32Array(8);
  bytesToWords(root.signature, 0, rootSig);
  const parts = macaroonParts(discharge);
  bytesToWords(parts.signature, 0, sig);
  bind(rootSig, sig, sig);
  return finish({ ...parts, signature: sigBytes(sig) });
}

function sigBytes(sig: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  wordsToBytes(sig, out, 0);
  return out;
}

function fieldBytes(value: unknown, name: string): Uint8Array {
  const bytes = argumentBytes(value, name);
  if (bytes.length > MACAROON_MAX_FIELD_SIZE) {
    throw new MacaroonLimitError('maxFieldSize', MACAROON_MAX_FIELD_SIZE, bytes.length);
  }
  return bytes;
}

function caveatBytes(value: unknown, name: string): Uint8Array {
  const bytes = fieldBytes(value, name);
  if (bytes.length === 0) throw new RangeError(`${name} must not be empty`);
  return bytes;
}

function locationBytes(value: unknown, name: string): Uint8Array {
  assertString(value, name);
  const bytes = utf8Encode(value);
  if (bytes === undefined)
    throw new RangeError(`${name} must be well-formed Unicode (it has a lone surrogate)`);
  if (bytes.length > MACAROON_MAX_FIELD_SIZE) {
    throw new MacaroonLimitError('maxFieldSize', MACAROON_MAX_FIELD_SIZE, bytes.length);
  }
  return bytes;
}

function checkCaveatCount(parts: MacaroonParts): void {
  if (parts.caveats.length >= MACAROON_MAX_CAVEATS) {
    throw new MacaroonLimitError('maxCaveats', MACAROON_MAX_CAVEATS, parts.caveats.length + 1);
  }
}

/** Builds the macaroon and holds it to the token size limit in its v2 text form. */
function finish(parts: MacaroonParts): Macaroon {
  const m = buildMacaroon(parts);
  const size = v2TextLength(m);
  if (size > MACAROON_MAX_TOKEN_SIZE)
    throw new MacaroonLimitError('maxTokenSize', MACAROON_MAX_TOKEN_SIZE, size);
  return m;
}
