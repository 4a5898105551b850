/**
 * HMAC-SHA256 (RFC 2104) without per-call allocation, shaped for macaroon chains.
 *
 * A macaroon signature is HMAC(HMAC(HMAC(k, id), c1), c2)…: every step is keyed with the
 * previous 32-byte result. So keys are passed as 8 big-endian words, the two padded key blocks
 * are compressed once into an `HmacKey` (16 words: the SHA-256 states after `key ⊕ ipad` and
 * after `key ⊕ opad`), and messages are read straight out of the token's buffer by offset.
 * Fixed keys (libmacaroons' key-derivation key, the all-zero binding key) keep their `HmacKey`
 * for the life of the process. The blocks whose second half never changes (a 32-byte key's
 * padded blocks, the outer hash's final block) have their own scratch arrays with that half
 * written once. Scratch arrays are module-level: JavaScript runs each call to completion and
 * nothing here calls user code, so no two calls ever share them.
 */
import { absorbFinal, bytesToWords, compress, SHA256_IV, wordsToBytes } from './_sha256.js';

const IPAD = 0x36363636;
const OPAD = 0x5c5c5c5c;
const IV = Int32Array.from(SHA256_IV);

/** An HMAC key, prepared: words 0–7 the inner state, 8–15 the outer state. */
export type HmacKey = Int32Array;

/** General scratch block. */
const W = new Int32Array(16);
/** `key ⊕ ipad` and `key ⊕ opad` for a 32-byte key: words 8–15 are the pad itself. */
const IPAD_BLOCK = new Int32Array(16).fill(IPAD);
const OPAD_BLOCK = new Int32Array(16).fill(OPAD);
/** The outer hash's second block: the 32-byte inner digest, then padding for 96 bytes. */
const FINAL_BLOCK = new Int32Array(16);
FINAL_BLOCK[8] = 0x80000000 | 0;
FINAL_BLOCK[15] = (64 + 32) * 8;
const DIGEST = new Int32Array(8);
const DIGEST_A = new Int32Array(8);
const DIGEST_B = new Int32Array(8);
const PAIR = new Int32Array(16);

/** A new, unset `HmacKey`. */
export function newHmacKey(): HmacKey {
  return new Int32Array(16);
}

/** Prepares `into` from a 32-byte key given as 8 words (a previous signature). */
export function hmacKeyFromWords(key: Int32Array, into: HmacKey): void {
  for (let i = 0; i < 8; i++) {
    const k = key[i]!;
    IPAD_BLOCK[i] = k ^ IPAD;
    OPAD_BLOCK[i] = k ^ OPAD;
  }
  compress(IV, 0, into, 0, IPAD_BLOCK);
  compress(IV, 0, into, 8, OPAD_BLOCK);
}

/** Prepares `into` from a key of any length, as RFC 2104 says (hashed first when over 64 bytes). */
export function hmacKeyFromBytes(key: Uint8Array, into: HmacKey): void {
  const block = new Int32Array(16);
  if (key.length > 64) {
    absorbFinal(IV, 0, DIGEST, W, key, 0, key.length, 0);
    block.set(DIGEST);
  } else {
    for (let i = 0; i < key.length; i++) block[i >> 2]! |= key[i]! << (24 - ((i & 3) << 3));
  }
  for (let i = 0; i < 16; i++) W[i] = block[i]! ^ IPAD;
  compress(IV, 0, into, 0, W);
  for (let i = 0; i < 16; i++) W[i] = block[i]! ^ OPAD;
  compress(IV, 0, into, 8, W);
  block.fill(0);
}

/** The outer hash: `out` = SHA256(opad block ‖ DIGEST). */
function finish(key: HmacKey, out: Int32Array, outAt: number): void {
  for (let i = 0; i < 8; i++) FINAL_BLOCK[i] = DIGEST[i]!;
  compress(key, 8, out, outAt, FINAL_BLOCK);
}

/** `out` = HMAC(key, bytes[off, off + len)), as 8 words. `out` may be the array the key came from. */
export function hmacInto(
  key: HmacKey,
  bytes: Uint8Array,
  off: number,
  len: number,
  out: Int32Array,
): void {
  absorbFinal(key, 0, DIGEST, W, bytes, off, len, 64);
  finish(key, out, 0);
}

/** `out` = HMAC(key, a ‖ b) for two 8-word values (a 64-byte message). */
function hmacPairInto(
  key: HmacKey,
  a: Int32Array,
  aAt: number,
  b: Int32Array,
  bAt: number,
  out: Int32Array,
): void {
  for (let i = 0; i < 8; i++) {
    W[i] = a[aAt + i]!;
    W[8 + i] = b[bAt + i]!;
  }
  compress(key, 0, DIGEST, 0, W);
  W[0] = 0x80000000 | 0;
  for (let i = 1; i < 15; i++) W[i] = 0;
  W[15] = (64 + 64) * 8;
  compress(DIGEST, 0, DIGEST, 0, W);
  finish(key, out, 0);
}

/** `out[outAt..]` = HMAC(key, 32 bytes given as 8 words). */
function hmacWordsInto(key: HmacKey, words: Int32Array, out: Int32Array, outAt: number): void {
  for (let i = 0; i < 8; i++) FINAL_BLOCK[i] = words[i]!;
  compress(key, 0, DIGEST, 0, FINAL_BLOCK);
  finish(key, out, outAt);
}

/**
 * libmacaroons' `macaroon_hash2`: HMAC(k, HMAC(k, a) ‖ HMAC(k, b)), with a and b byte ranges
 * of `bytes`; the key is prepared once for the three HMACs.
 */
export function hash2Into(
  key: HmacKey,
  bytes: Uint8Array,
  aOff: number,
  aLen: number,
  bOff: number,
  bLen: number,
  out: Int32Array,
): void {
  hmacInto(key, bytes, aOff, aLen, DIGEST_A);
  hmacInto(key, bytes, bOff, bLen, DIGEST_B);
  hmacPairInto(key, DIGEST_A, 0, DIGEST_B, 0, out);
}

const ZERO_KEY = newHmacKey();
hmacKeyFromBytes(new Uint8Array(32), ZERO_KEY);

/** libmacaroons' `macaroon_bind`: hash2 under the all-zero key of two 8-word signatures. */
export function bindInto(rootSig: Int32Array, dischargeSig: Int32Array, out: Int32Array): void {
  hmacWordsInto(ZERO_KEY, rootSig, PAIR, 0);
  hmacWordsInto(ZERO_KEY, dischargeSig, PAIR, 8);
  hmacPairInto(ZERO_KEY, PAIR, 0, PAIR, 8, out);
}

/** libmacaroons' `generate_derived_key` key: "macaroons-key-generator", zero-padded to 32 bytes. */
const GENERATOR_KEY = newHmacKey();
hmacKeyFromBytes(new TextEncoder().encode('macaroons-key-generator'), GENERATOR_KEY);

/** `out` = HMAC("macaroons-key-generator", secret): how libmacaroons turns a secret into a key. */
export function deriveKeyInto(secret: Uint8Array, out: Int32Array): void {
  hmacInto(GENERATOR_KEY, secret, 0, secret.length, out);
}

/** One-shot HMAC-SHA256 over byte arrays (allocates; for building tokens and for tests). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const prepared = newHmacKey();
  hmacKeyFromBytes(key, prepared);
  const words = new Int32Array(8);
  hmacInto(prepared, message, 0, message.length, words);
  const out = new Uint8Array(32);
  wordsToBytes(words, out, 0);
  return out;
}

/** One-shot SHA-256 (allocates; for tests of the compression function). */
export function sha256(message: Uint8Array): Uint8Array {
  const digest = new Int32Array(8);
  absorbFinal(IV, 0, digest, new Int32Array(16), message, 0, message.length, 0);
  const out = new Uint8Array(32);
  wordsToBytes(digest, out, 0);
  return out;
}

export { bytesToWords, wordsToBytes };
