/**
 * The strict base64 reader and the base64url writer: the same bytes as Node's Buffer for
 * canonical input in either alphabet, padded or not, and a `MacaroonMalformedError` for
 * anything that is not canonical (so two different texts never decode to the same token).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64UrlEncode } from '../../../src/macaroon/_base64.js';
import { MacaroonMalformedError } from '../../../src/macaroon/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('base64', () => {
  it('round-trips and agrees with Buffer in both alphabets, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const url = base64UrlEncode(bytes);
        expect(url).toBe(Buffer.from(bytes).toString('base64url'));
        const std = Buffer.from(bytes).toString('base64');
        for (const text of [
          url,
          std,
          std.replace(/=+$/, ''),
          url + '='.repeat((4 - (url.length % 4)) % 4),
        ]) {
          expect(hex(base64Decode(text))).toBe(hex(bytes));
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
    try {
      base64Decode(text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MacaroonMalformedError);
      expect((err as MacaroonMalformedError).reason).toBe(reason);
      expect((err as MacaroonMalformedError).format).toBe('base64');
    }
  });

  it('never throws anything but MacaroonMalformedError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          base64Decode(text);
        } catch (err) {
          expect(err).toBeInstanceOf(MacaroonMalformedError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
