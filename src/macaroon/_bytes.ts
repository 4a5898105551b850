/**
 * Byte and text helpers shared by the macaroon codecs: strict UTF-8 in both directions (a
 * lone surrogate or an invalid byte sequence is an error, never a silent U+FFFD that would
 * change what gets signed), a lossy decoder for messages only, and argument conversion.
 */
import { assertStringOrBytes } from '../_assert.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` has no lone surrogate, so its UTF-8 encoding is exact. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** UTF-8 bytes of well-formed text; `undefined` when the text has a lone surrogate. */
export function utf8Encode(text: string): Uint8Array | undefined {
  return isWellFormed(text) ? encoder.encode(text) : undefined;
}

/**
 * Decodes `bytes[off, off + len)` as UTF-8, or returns `undefined` if it is not valid UTF-8.
 * ASCII, the common case for caveats, skips the native decoder.
 */
export function utf8Decode(
  bytes: Uint8Array,
  off = 0,
  len = bytes.length - off,
): string | undefined {
  if (len <= 64) {
    let ascii = true;
    for (let i = off; i < off + len; i++) {
      if (bytes[i]! > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...bytes.subarray(off, off + len));
  }
  try {
    return strictDecoder.decode(bytes.subarray(off, off + len));
  } catch {
    return undefined;
  }
}

/** True when `bytes[off, off + len)` is valid UTF-8 (checked without building a string for ASCII). */
export function isUtf8(bytes: Uint8Array, off: number, len: number): boolean {
  const end = off + len;
  let i = off;
  while (i < end && bytes[i]! < 0x80) i++;
  return i === end || utf8Decode(bytes, i, end - i) !== undefined;
}

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
