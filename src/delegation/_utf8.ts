/**
 * Strict UTF-8 decoding for the bytes of a token (its identifier and caveats): a fatal
 * `TextDecoder`, so invalid UTF-8 is reported, never replaced. (Measured on caveat-sized input,
 * it is also faster than assembling ASCII with `String.fromCharCode`.)
 */

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, or `undefined` when they are not valid UTF-8. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
