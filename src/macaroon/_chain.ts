/**
 * The HMAC chain and third-party key encryption, exactly as libmacaroons computes them.
 *
 * - key derivation: `k = HMAC("macaroons-key-generator", secret)` (root keys and caveat keys);
 * - start: `sig = HMAC(k, identifier)`;
 * - first-party caveat: `sig = HMAC(sig, caveat)`;
 * - third-party caveat: `vid = nonce ‖ secretbox(key = sig, nonce, caveatKey)`, then
 *   `sig = HMAC(sig, HMAC(sig, vid) ‖ HMAC(sig, caveat))`;
 * - binding a discharge: `HMAC(0³², HMAC(0³², rootSig) ‖ HMAC(0³², dischargeSig))`.
 *
 * Signatures travel as 8-word `Int32Array`s between steps (see `_hmac.ts`); these functions
 * update them in place.
 */
import { secretbox } from '@noble/ciphers/salsa.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import {
  bindInto,
  bytesToWords,
  deriveKeyInto,
  hash2Into,
  type HmacKey,
  hmacInto,
  hmacKeyFromWords,
  newHmacKey,
  wordsToBytes,
} from './_hmac.js';

/** Nonce length of XSalsa20-Poly1305. */
export const NONCE_BYTES = 24;
/** Length of a verification id: nonce, Poly1305 tag, encrypted 32-byte key. */
export const VID_BYTES = NONCE_BYTES + 16 + 32;

const STEP_KEY = newHmacKey();
const WORDS = new Int32Array(8);

/** `out` = the libmacaroons-derived key for a secret, as 8 words. */
export function deriveKey(secret: Uint8Array, out: Int32Array): void {
  deriveKeyInto(secret, out);
}

/** Prepares `into` as the HMAC key derived from `secret` (the first step of verification). */
export function prepareDerivedKey(secret: Uint8Array, into: HmacKey): void {
  deriveKeyInto(secret, WORDS);
  hmacKeyFromWords(WORDS, into);
  WORDS.fill(0);
}

/** Prepares `into` as the HMAC key given by 8 words (a decrypted caveat key). */
export function prepareKey(key: Int32Array, into: HmacKey): void {
  hmacKeyFromWords(key, into);
}

/** `sig` = HMAC(key, bytes[off, off + len)): the chain's first signature. */
export function chainStart(
  key: HmacKey,
  bytes: Uint8Array,
  off: number,
  len: number,
  sig: Int32Array,
): void {
  hmacInto(key, bytes, off, len, sig);
}

/** Adds a first-party caveat `bytes[off, off + len)` to the running signature. */
export function chainFirstParty(
  sig: Int32Array,
  bytes: Uint8Array,
  off: number,
  len: number,
): void {
  hmacKeyFromWords(sig, STEP_KEY);
  hmacInto(STEP_KEY, bytes, off, len, sig);
}

/** Adds a third-party caveat (verification id and identifier, both in `bytes`) to the running signature. */
export function chainThirdParty(
  sig: Int32Array,
  bytes: Uint8Array,
  vidOff: number,
  vidLen: number,
  cidOff: number,
  cidLen: number,
): void {
  hmacKeyFromWords(sig, STEP_KEY);
  hash2Into(STEP_KEY, bytes, vidOff, vidLen, cidOff, cidLen, sig);
}

/** `out` = the signature a discharge must carry once bound to a root signature. */
export function bind(rootSig: Int32Array, dischargeSig: Int32Array, out: Int32Array): void {
  bindInto(rootSig, dischargeSig, out);
}

/** Encrypts a caveat key under the current signature with a fresh random nonce: the verification id. */
export function sealCaveatKey(sig: Int32Array, caveatKey: Int32Array): Uint8Array {
  const key = new Uint8Array(32);
  const plain = new Uint8Array(32);
  wordsToBytes(sig, key, 0);
  wordsToBytes(caveatKey, plain, 0);
  const nonce = randomBytes(NONCE_BYTES);
  const vid = new Uint8Array(VID_BYTES);
  vid.set(nonce, 0);
  vid.set(secretbox(key, nonce).seal(plain), NONCE_BYTES);
  key.fill(0);
  plain.fill(0);
  return vid;
}

/**
 * Decrypts the caveat key from a verification id with the signature that preceded the caveat.
 * Returns `undefined` when the id has the wrong length or does not authenticate.
 */
export function openCaveatKey(
  sig: Int32Array,
  bytes: Uint8Array,
  vidOff: number,
  vidLen: number,
): Int32Array | undefined {
  if (vidLen !== VID_BYTES) return undefined;
  const key = new Uint8Array(32);
  wordsToBytes(sig, key, 0);
  const nonce = bytes.subarray(vidOff, vidOff + NONCE_BYTES);
  let plain: Uint8Array;
  try {
    plain = secretbox(key, nonce).open(bytes.subarray(vidOff + NONCE_BYTES, vidOff + vidLen));
  } catch {
    return undefined;
  } finally {
    key.fill(0);
  }
  if (plain.length !== 32) return undefined;
  const out = new Int32Array(8);
  bytesToWords(plain, 0, out);
  plain.fill(0);
  return out;
}

/** Compares a computed signature with 32 stored bytes, in time independent of where they differ. */
export function signatureEquals(sig: Int32Array, bytes: Uint8Array, off: number): boolean {
  let diff = 0;
  for (let i = 0; i < 8; i++) {
    const o = off + i * 4;
    diff |=
      sig[i]! ^ ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!);
  }
  return diff === 0;
}

export { bytesToWords, newHmacKey, wordsToBytes };
export type { HmacKey };
