/**
 * The one base64 codec: the same bytes as Node's Buffer for canonical input, the URL-safe
 * alphabet without padding on output, and a refusal (never a second text for the same bytes)
 * for anything that is not canonical — strictly base64url for key secrets and delegation ids,
 * either alphabet and optional padding for macaroons from other implementations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64DecodeCompat, base64urlDecode, base64urlEncode } from '../../src/_base64url.js';
import { decodeMacaroon, MacaroonMalformedError } from '../../src/macaroon/index.js';

const hex = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : Buffer.from(b).toString('hex');

describe('base64urlEncode', () => {
  it('agrees with Buffer, every length up to 300', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base64urlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('base64urlDecode (strict)', () => {
  it('round-trips every length up to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(hex(base64urlDecode(base64urlEncode(bytes)))).toBe(hex(bytes));
    }
  });

  it.each([
    ['A', 'a length that is not whole bytes'],
    ['AB=', 'padding'],
    ['AA==', 'padding'],
    ['A+B/', 'the standard alphabet'],
    ['+w', 'the standard alphabet'],
    ['AR', 'stray bits'],
    ['AAB', 'stray bits'],
    ['AA A', 'a space'],
    ['AAé', 'a non-ASCII character'],
  ])('refuses %j (%s)', (text) => {
    expect(base64urlDecode(text)).toBeUndefined();
  });

  it('refuses every text Buffer would not write back the same way', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const bytes = base64urlDecode(text);
        if (bytes !== undefined) expect(Buffer.from(bytes).toString('base64url')).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('base64DecodeCompat (macaroons)', () => {
  it('agrees with Buffer in both alphabets, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const url = base64urlEncode(bytes);
        const std = Buffer.from(bytes).toString('base64');
        for (const text of [
          url,
          std,
          std.replace(/=+$/, ''),
          url + '='.repeat((4 - (url.length % 4)) % 4),
        ]) {
          const out = base64DecodeCompat(text);
          expect(out).toBeInstanceOf(Uint8Array);
          expect(hex(out as Uint8Array)).toBe(hex(bytes));
        }
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['A', 'length is not a whole number of bytes'],
    ['AAAAA', 'length is not a whole number of bytes'],
    ['AB', 'non-zero bits after the last byte'],
    ['AAB', 'non-zero bits after the last byte'],
    ['AA=', 'padding does not complete a 4-character group'],
    ['AA===', 'padding does not complete a 4-character group'],
    ['A===', 'unexpected character "="'],
    ['AA=A', 'unexpected character "="'],
    ['AA A', 'unexpected character " "'],
    ['AA\nA', 'unexpected character "\\n"'],
    ['AAé=', 'unexpected character "é"'],
    ['AA-+', 'mixes the standard and URL-safe alphabets'],
    ['_/AA', 'mixes the standard and URL-safe alphabets'],
  ])('refuses %j (%s)', (text, reason) => {
    expect(base64DecodeCompat(text)).toMatchObject({ reason });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(() => base64DecodeCompat(text)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['AgAA-+AA', 'mixes the standard and URL-safe alphabets', undefined],
    ['AB', 'non-zero bits after the last byte', 1],
  ])('becomes a MacaroonMalformedError of format base64 in a token: %j', (text, reason, offset) => {
    try {
      decodeMacaroon(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MacaroonMalformedError);
      expect(err).toMatchObject({ format: 'base64', reason, offset });
    }
  });
});
