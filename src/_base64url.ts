/**
 * Base64 (RFC 4648) for every byte field the library writes as text: macaroons in their text
 * forms, exported key secrets, delegation ids. It always writes the URL-safe alphabet without
 * padding. It reads only canonical text, so one byte string has exactly one text form (a flipped
 * bit in a token's text can never go unnoticed, and exported keyrings and ids compare as text):
 * `base64urlDecode` takes unpadded base64url and nothing else; `base64DecodeCompat`, for tokens
 * that libmacaroons and other implementations write, also takes the standard alphabet and
 * padding, but still refuses mixed alphabets, misplaced or wrong padding and non-zero bits after
 * the last byte. Both share one decoding loop.
 */

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code → 6-bit value, or -1; both alphabets share the table. */
const VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) VALUE[URL_ALPHABET.charCodeAt(i)] = i;
VALUE[0x2b] = 62; // '+'
VALUE[0x2f] = 63; // '/'
/** Character code → 1 for the URL-safe-only characters `-_`, 2 for the standard-only `+/`. */
const ALPHABET = new Uint8Array(256);
ALPHABET[0x2d] = ALPHABET[0x5f] = 1;
ALPHABET[0x2b] = ALPHABET[0x2f] = 2;

const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = URL_ALPHABET.charCodeAt(i);

const encoder = new TextEncoder();
/** ASCII bytes → text; the native decoder beats building the string in JavaScript. */
const asciiDecoder = new TextDecoder();
/** Scratch space for the text's bytes, grown as needed and reused by every call. */
let chars = new Uint8Array(4096);

/**
 * Why a text is not canonical base64, and the character offset where reading stopped (when
 * there is one).
 *
 * @example
 * ```ts
 * const out = base64DecodeCompat('AA-+');
 * if (!(out instanceof Uint8Array)) console.log(out.reason); // 'mixes the standard and URL-safe alphabets'
 * ```
 */
export interface Base64Failure {
  readonly reason: string;
  readonly offset: number | undefined;
}

/**
 * Encodes bytes as base64url without padding.
 *
 * @example
 * ```ts
 * base64urlEncode(new Uint8Array([0xfb, 0xff])); // '-_8'
 * ```
 */
export function base64urlEncode(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil((n * 4) / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[v >>> 18]!;
    out[o++] = ENCODE[(v >>> 12) & 63]!;
    out[o++] = ENCODE[(v >>> 6) & 63]!;
    out[o++] = ENCODE[v & 63]!;
  }
  if (n - i === 1) {
    const v = bytes[i]!;
    out[o++] = ENCODE[v >>> 2]!;
    out[o++] = ENCODE[(v & 3) << 4]!;
  } else if (n - i === 2) {
    const v = (bytes[i]! << 8) | bytes[i + 1]!;
    out[o++] = ENCODE[v >>> 10]!;
    out[o++] = ENCODE[(v >>> 4) & 63]!;
    out[o++] = ENCODE[(v & 15) << 2]!;
  }
  return asciiDecoder.decode(out.subarray(0, o));
}

/**
 * Decodes canonical base64url without padding (RFC 4648 §5); `undefined` for anything else:
 * padding, a character of the standard alphabet or outside both, a length that is not a whole
 * number of bytes, or non-zero bits after the last byte.
 *
 * @example
 * ```ts
 * base64urlDecode('-_8'); // Uint8Array [0xfb, 0xff]
 * base64urlDecode('-_8='); // undefined (padding)
 * base64urlDecode('+/8'); // undefined (standard alphabet)
 * ```
 */
export function base64urlDecode(text: string): Uint8Array | undefined {
  const out = decode(text, false, newBytes);
  return out instanceof Uint8Array ? out : undefined;
}

/**
 * Decodes canonical base64 in either alphabet, padded or not, as other macaroon implementations
 * write it; a `Base64Failure` for anything else (mixed alphabets, misplaced or wrong padding,
 * non-zero bits after the last byte, a stray character). `alloc` makes the output array (the
 * macaroon codec passes its pooled allocator).
 *
 * @example
 * ```ts
 * base64DecodeCompat('+/8='); // Uint8Array [0xfb, 0xff]
 * base64DecodeCompat('-_8');  // Uint8Array [0xfb, 0xff]
 * base64DecodeCompat('AB');   // { reason: 'non-zero bits after the last byte', offset: 1 }
 * ```
 */
export function base64DecodeCompat(
  text: string,
  alloc: (length: number) => Uint8Array = newBytes,
): Uint8Array | Base64Failure {
  return decode(text, true, alloc);
}

function newBytes(length: number): Uint8Array {
  return new Uint8Array(length);
}

function failure(reason: string, offset?: number): Base64Failure {
  return { reason, offset };
}

/** The failure for the first character of `text[from, to)` outside both alphabets. */
function badCharacter(text: string, from: number, to: number): Base64Failure {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || VALUE[c]! < 0)
      return failure(`unexpected character ${JSON.stringify(text.charAt(i))}`, i);
  }
  return failure('unexpected character', from);
}

/**
 * The one decoding loop. `compat` admits padding and the standard alphabet. The text is first
 * copied out as bytes with `encodeInto` (native, and typed-array reads beat `charCodeAt` in the
 * loop); a non-ASCII character makes the copy longer than the text and is reported as such.
 */
function decode(
  text: string,
  compat: boolean,
  alloc: (length: number) => Uint8Array,
): Uint8Array | Base64Failure {
  let len = text.length;
  if (compat && len > 0 && text.charCodeAt(len - 1) === 0x3d) {
    len--;
    if (len > 0 && text.charCodeAt(len - 1) === 0x3d) len--;
    if (text.length % 4 !== 0) return failure('padding does not complete a 4-character group', len);
  }
  const tail = len % 4;
  if (tail === 1) return failure('length is not a whole number of bytes', len);
  if (chars.length < text.length) chars = new Uint8Array(Math.max(text.length, chars.length * 2));
  const c = chars;
  const copied = encoder.encodeInto(text, c);
  if (copied.read !== text.length || copied.written !== text.length)
    return badCharacter(text, 0, text.length);
  const out = alloc((len >> 2) * 3 + (tail === 0 ? 0 : tail - 1));
  let bad = 0;
  let alphabets = 0;
  let o = 0;
  let i = 0;
  const full = len - tail;
  for (; i < full; i += 4) {
    const v0 = VALUE[c[i]!]!;
    const v1 = VALUE[c[i + 1]!]!;
    const v2 = VALUE[c[i + 2]!]!;
    const v3 = VALUE[c[i + 3]!]!;
    bad |= v0 | v1 | v2 | v3;
    alphabets |=
      ALPHABET[c[i]!]! | ALPHABET[c[i + 1]!]! | ALPHABET[c[i + 2]!]! | ALPHABET[c[i + 3]!]!;
    const n = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (bad < 0) return badCharacter(text, 0, full);
  if (tail > 0) {
    let n = 0;
    for (let j = i; j < len; j++) {
      const v = VALUE[c[j]!]!;
      if (v < 0) return badCharacter(text, j, j + 1);
      alphabets |= ALPHABET[c[j]!]!;
      n = (n << 6) | v;
    }
    if (tail === 2) {
      if ((n & 0x0f) !== 0) return failure('non-zero bits after the last byte', i + 1);
      out[o] = n >>> 4;
    } else {
      if ((n & 0x03) !== 0) return failure('non-zero bits after the last byte', i + 2);
      out[o++] = n >>> 10;
      out[o] = (n >>> 2) & 0xff;
    }
  }
  if (alphabets === 3) return failure('mixes the standard and URL-safe alphabets');
  if (!compat && alphabets === 2) return failure('uses the standard alphabet');
  return out;
}
