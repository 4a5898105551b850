/**
 * `encodeMacaroon`, `encodeMacaroonBinary` and `decodeMacaroon`: bytes and text to and from
 * `Macaroon`, in the three libmacaroons formats. Decoding detects the format itself, checks
 * the limits before doing work in proportion to the input, and fails only with
 * `MacaroonMalformedError` or `MacaroonLimitError` (or a `TypeError` for a wrong argument
 * type). Decoding says nothing about authenticity: verify before trusting.
 */
import { assertObject, assertString } from '../_assert.js';
import { base64DecodeCompat, base64urlEncode } from '../_base64url.js';
import { utf8Decode } from '../_utf8.js';
import { allocBytes, asciiText } from './_bytes.js';
import { decodeV1, encodeV1 } from './_v1.js';
import { decodeV2, encodeV2 } from './_v2.js';
import { decodeV2J, encodeV2J } from './_json.js';
import { MacaroonLimitError, MacaroonMalformedError } from './errors.js';
import { MACAROON_MAX_TOKEN_SIZE, type MacaroonLimits, macaroonLimits } from './limits.js';
import { assertMacaroon, type Macaroon } from './macaroon.js';

/**
 * The wire formats: v2 binary as base64url text (canonical), v2 JSON text, legacy v1 text.
 *
 * @example
 * ```ts
 * const format: MacaroonFormat = legacyPeer ? 'v1' : 'v2';
 * encodeMacaroon(m, { format });
 * ```
 */
export type MacaroonFormat = 'v2' | 'v2j' | 'v1';

/**
 * Options of `encodeMacaroon`.
 *
 * @example
 * ```ts
 * const options: EncodeMacaroonOptions = { format: 'v2j' };
 * ```
 */
export interface EncodeMacaroonOptions {
  /** Default `'v2'`. */
  readonly format?: MacaroonFormat;
}

/**
 * Options of `decodeMacaroon`.
 *
 * @example
 * ```ts
 * const options: DecodeMacaroonOptions = { limits: { maxTokenSize: 8192 } };
 * ```
 */
export interface DecodeMacaroonOptions {
  /** Overrides of the default limits (see `MACAROON_DEFAULT_LIMITS`). */
  readonly limits?: Partial<MacaroonLimits>;
}

/**
 * Encodes a macaroon as text: `'v2'` (default) is the v2 binary form in base64url without
 * padding; `'v2j'` is v2 JSON; `'v1'` is libmacaroons' v1 (base64url of its packets). The
 * result is never longer than `MACAROON_MAX_TOKEN_SIZE` (a `MacaroonLimitError` otherwise).
 *
 * @example
 * ```ts
 * const text = encodeMacaroon(m);                       // AgETaHR0cDov…
 * const json = encodeMacaroon(m, { format: 'v2j' });   // {"v":2,"l":…}
 * ```
 */
export function encodeMacaroon(macaroon: Macaroon, options: EncodeMacaroonOptions = {}): string {
  assertMacaroon(macaroon, 'macaroon');
  assertObject(options, 'options');
  const format = options.format ?? 'v2';
  let text: string;
  if (format === 'v2') text = base64urlEncode(encodeV2(macaroon));
  else if (format === 'v2j') text = encodeV2J(macaroon);
  else if (format === 'v1') text = base64urlEncode(encodeV1(macaroon));
  else
    throw new RangeError(
      `options.format must be 'v2', 'v2j' or 'v1', got ${JSON.stringify(format)}`,
    );
  if (text.length > MACAROON_MAX_TOKEN_SIZE) {
    throw new MacaroonLimitError('maxTokenSize', MACAROON_MAX_TOKEN_SIZE, text.length);
  }
  return text;
}

/**
 * Encodes a macaroon as v2 binary, the canonical bytes (for hashing, caching or a binary
 * transport). `decodeMacaroon` reads them back.
 *
 * @example
 * ```ts
 * const bytes = encodeMacaroonBinary(m); // Uint8Array starting with 0x02
 * ```
 */
export function encodeMacaroonBinary(macaroon: Macaroon): Uint8Array {
  assertMacaroon(macaroon, 'macaroon');
  const bytes = encodeV2(macaroon);
  if (bytes.length > MACAROON_MAX_TOKEN_SIZE) {
    throw new MacaroonLimitError('maxTokenSize', MACAROON_MAX_TOKEN_SIZE, bytes.length);
  }
  return bytes;
}

/**
 * Decodes a macaroon from any supported form, detected from its first bytes: v2 binary (raw
 * bytes, or base64 in either alphabet, padded or not), v2 JSON (text or bytes), or v1
 * (base64). ASCII whitespace around the text is ignored, and inside base64 too (wrapped lines,
 * as `base64` and mail write them; see `normalizeMacaroonText`); `maxTokenSize` counts the input
 * as given, whitespace included. Throws `MacaroonMalformedError` or `MacaroonLimitError` for
 * anything else.
 *
 * @example
 * ```ts
 * const m = decodeMacaroon(request.headers['x-mandate-token']);
 * verifyMacaroon(m, rootKey, { check });
 * ```
 */
export function decodeMacaroon(
  input: string | Uint8Array,
  options: DecodeMacaroonOptions = {},
): Macaroon {
  assertObject(options, 'options');
  const limits = macaroonLimits(options.limits, 'options.limits');
  if (typeof input === 'string') {
    if (input.length > limits.maxTokenSize)
      throw new MacaroonLimitError('maxTokenSize', limits.maxTokenSize, input.length);
    return decodeText(input, limits);
  }
  if (!(input instanceof Uint8Array)) {
    throw new TypeError(
      `input must be a string or Uint8Array, got ${input === null ? 'null' : typeof input}`,
    );
  }
  if (input.length > limits.maxTokenSize)
    throw new MacaroonLimitError('maxTokenSize', limits.maxTokenSize, input.length);
  if (input[0] === 2) {
    const copy = allocBytes(input.length);
    copy.set(input);
    return decodeV2(copy, limits);
  }
  let start = 0;
  while (start < input.length && isSpace(input[start]!)) start++;
  if (input[start] === 0x7b) {
    const text = utf8Decode(input);
    if (text === undefined)
      throw new MacaroonMalformedError('JSON is not valid UTF-8', { format: 'v2j' });
    return decodeV2J(text, limits);
  }
  for (let i = 0; i < input.length; i++) {
    if (input[i]! > 0x7f)
      throw new MacaroonMalformedError('not a macaroon (neither v2 binary nor text)', {
        offset: i,
      });
  }
  return decodeText(asciiText(input), limits);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** ASCII whitespace (space, tab, CR, LF), as libmacaroons and pymacaroons skip it in base64. */
const SPACES = /[ \t\r\n]+/g;

/** Whether `text` holds ASCII whitespace: four native scans beat one regex pass tenfold. */
function hasSpace(text: string): boolean {
  return text.includes(' ') || text.includes('\n') || text.includes('\r') || text.includes('\t');
}

/**
 * A token's text as one line: surrounding ASCII whitespace (space, tab, CR, LF) removed and,
 * unless the text is JSON (where a space inside a string is content), the whitespace inside it
 * too, so that a token wrapped by `base64 -w 76` or a mail client reads as the token itself.
 * Two texts of one token that differ only in such whitespace give the same result: this is the
 * text `decodeMacaroon` reads, and a key under which a decoded token can be cached. Anything
 * else is left as it is (the decoder judges it).
 *
 * @example
 * ```ts
 * normalizeMacaroonText('AgEF\r\nbG9j\n'); // 'AgEFbG9j'
 * normalizeMacaroonText(' {"i": "a b"} ');  // '{"i": "a b"}'
 * ```
 */
export function normalizeMacaroonText(text: string): string {
  assertString(text, 'text');
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  const trimmed = start === 0 && end === text.length ? text : text.slice(start, end);
  if (trimmed.charCodeAt(0) === 0x7b || !hasSpace(trimmed)) return trimmed;
  return trimmed.replace(SPACES, '');
}

function decodeText(input: string, limits: MacaroonLimits): Macaroon {
  const text = normalizeMacaroonText(input);
  if (text === '') throw new MacaroonMalformedError('empty input');
  if (text.charCodeAt(0) === 0x7b) return decodeV2J(text, limits);
  const bytes = base64DecodeCompat(text, allocBytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new MacaroonMalformedError(bytes.reason, {
      format: 'base64',
      ...(bytes.offset === undefined ? {} : { offset: bytes.offset }),
    });
  }
  const first = bytes[0];
  if (first === 2) return decodeV2(bytes, limits);
  if (first === 0x7b) {
    const json = utf8Decode(bytes);
    if (json === undefined)
      throw new MacaroonMalformedError('JSON is not valid UTF-8', { format: 'v2j' });
    return decodeV2J(json, limits);
  }
  if (
    first !== undefined &&
    ((first >= 0x30 && first <= 0x39) || (first >= 0x61 && first <= 0x66))
  ) {
    return decodeV1(bytes, limits);
  }
  throw new MacaroonMalformedError('not a macaroon (unrecognized format)', { format: 'base64' });
}
