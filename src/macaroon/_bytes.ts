/**
 * Byte and text helpers shared by the macaroon codecs: a lossy decoder for ASCII and for
 * messages only (strict UTF-8, for anything signed, is the ground floor's `_utf8.ts`), argument
 * conversion, and the pooled allocator for decoded tokens.
 */
import { assertStringOrBytes } from '../_assert.js';
import { utf8Encode } from '../_utf8.js';

const lossyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Text of bytes known to be ASCII (base64 output, checked input); other bytes would come out
 * as U+FFFD. The native decoder beats building the string in JavaScript.
 */
export function asciiText(bytes: Uint8Array): string {
  return lossyDecoder.decode(bytes);
}

/** UTF-8 text for messages, with U+FFFD for invalid bytes; never used for anything signed. */
export function utf8Lossy(bytes: Uint8Array): string {
  return lossyDecoder.decode(bytes);
}

/** Shortens text for an error message. */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Converts a `string | Uint8Array` argument to bytes: UTF-8 for text (a lone surrogate is a
 * `RangeError`), a private copy for bytes so later changes by the caller cannot reach a token.
 */
export function argumentBytes(value: unknown, name: string): Uint8Array {
  assertStringOrBytes(value, name);
  if (typeof value !== 'string') return new Uint8Array(value);
  const bytes = utf8Encode(value);
  if (bytes === undefined)
    throw new RangeError(`${name} must be well-formed Unicode (it has a lone surrogate)`);
  return bytes;
}

const POOL_SIZE = 16 * 1024;
const POOLED_MAX = 2048;
let pool = new Uint8Array(POOL_SIZE);
let poolUsed = 0;

/**
 * A new zero-filled byte array of length `n`, for a decoded token's buffer. Small ones are
 * carved out of a shared 16 KiB slab, as Node's Buffer pool does, because giving each its own
 * ArrayBuffer cost more than decoding the token. Regions are never reused, and macaroons only
 * hand out copies of their bytes, so sharing a slab exposes nothing; the price is that a live
 * token keeps its slab alive.
 */
export function allocBytes(n: number): Uint8Array {
  if (n > POOLED_MAX) return new Uint8Array(n);
  if (poolUsed + n > POOL_SIZE) {
    pool = new Uint8Array(POOL_SIZE);
    poolUsed = 0;
  }
  const out = pool.subarray(poolUsed, poolUsed + n);
  poolUsed += (n + 7) & ~7;
  return out;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
