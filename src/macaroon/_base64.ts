/**
 * Base64 (RFC 4648) for macaroon text forms: emits the URL-safe alphabet without padding and
 * reads either alphabet, padded or not, but only canonical text. Mixed alphabets, misplaced or
 * wrong padding, and non-zero bits after the last byte are errors, so no two different strings
 * decode to the same token (a flipped bit can never go unnoticed in the text form).
 */
import { allocBytes, asciiText } from './_bytes.js';
import { MacaroonMalformedError } from './errors.js';

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

function fail(reason: string, offset?: number): never {
  throw new MacaroonMalformedError(reason, {
    format: 'base64',
    ...(offset === undefined ? {} : { offset }),
  });
}

/** Throws for the first character of `text[from, to)` outside both alphabets. */
function failAtBadCharacter(text: string, from: number, to: number): never {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || VALUE[c]! < 0) fail(`unexpected character ${JSON.stringify(text.charAt(i))}`, i);
  }
  return fail('unexpected character', from);
}

const encoder = new TextEncoder();
let chars = new Uint8Array(4096);

/**
 * Decodes canonical base64 (either alphabet, optional padding) or throws
 * `MacaroonMalformedError`. The text is first copied out as bytes with `encodeInto` (native,
 * and typed-array reads beat `charCodeAt` in the loop).
 */
export function base64Decode(text: string): Uint8Array {
  let len = text.length;
  if (len > 0 && text.charCodeAt(len - 1) === 0x3d) {
    len--;
    if (len > 0 && text.charCodeAt(len - 1) === 0x3d) len--;
    if (text.length % 4 !== 0) fail('padding does not complete a 4-character group', len);
  }
  const tail = len % 4;
  if (tail === 1) fail('length is not a whole number of bytes', len);
  if (chars.length < text.length) chars = new Uint8Array(Math.max(text.length, chars.length * 2));
  const c = chars;
  const copied = encoder.encodeInto(text, c);
  if (copied.read !== text.length || copied.written !== text.length)
    failAtBadCharacter(text, 0, text.length);
  const out = allocBytes((len >> 2) * 3 + (tail === 0 ? 0 : tail - 1));
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
  if (bad < 0) failAtBadCharacter(text, 0, full);
  if (tail > 0) {
    let n = 0;
    for (let j = i; j < len; j++) {
      const v = VALUE[c[j]!]!;
      if (v < 0) failAtBadCharacter(text, j, j + 1);
      alphabets |= ALPHABET[c[j]!]!;
      n = (n << 6) | v;
    }
    if (tail === 2) {
      if ((n & 0x0f) !== 0) fail('non-zero bits after the last byte', i + 1);
      out[o] = n >>> 4;
    } else {
      if ((n & 0x03) !== 0) fail('non-zero bits after the last byte', i + 2);
      out[o++] = n >>> 10;
      out[o] = (n >>> 2) & 0xff;
    }
  }
  if (alphabets === 3) fail('mixes the standard and URL-safe alphabets');
  return out;
}

/** Encodes bytes as base64url without padding. */
export function base64UrlEncode(bytes: Uint8Array): string {
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
  return asciiText(out.subarray(0, o));
}
