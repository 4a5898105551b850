/**
 * Bad input never escapes as anything but the library's own errors: the fuzz properties of
 * `_fuzz.ts` at a quick setting, and a table of hostile inputs (deep nesting, huge declared
 * lengths, inputs at and over the size limit). The long run is fuzz.slow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeMacaroon,
  MACAROON_MAX_TOKEN_SIZE,
  MacaroonLimitError,
  MacaroonMalformedError,
} from '../../../src/macaroon/index.js';
import { fuzzProperties, probe } from './_fuzz.js';

describe('decodeMacaroon on hostile input', () => {
  it('throws only its own errors on random bytes, strings, JSON and edited tokens', () => {
    fuzzProperties(300);
  });

  it.each<[string, string | Uint8Array]>([
    ['deeply nested arrays', '['.repeat(60_000)],
    ['deeply nested objects', '{"c":['.repeat(10_000)],
    ['a nested caveat list', `{"i":"a","c":[${'['.repeat(50_000)}`],
    ['a huge declared v2 field length', Uint8Array.of(2, 2, 0xff, 0xff, 0xff, 0x7f, 0)],
    ['an overlong varint', Uint8Array.of(2, 2, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)],
    ['a huge declared v1 packet', Buffer.from('ffff').toString('base64url')],
    ['64 KiB of base64 zeros', 'A'.repeat(MACAROON_MAX_TOKEN_SIZE)],
    ['64 KiB of opening braces', '{'.repeat(MACAROON_MAX_TOKEN_SIZE)],
    ['a string of lone surrogates', '\ud800'.repeat(1000)],
    ['a NUL', '\u0000'],
    [
      'caveats at the count limit',
      Uint8Array.of(
        2,
        2,
        1,
        0x69,
        0,
        ...Array.from({ length: 600 }, () => [2, 1, 0x63, 0]).flat(),
        0,
      ),
    ],
  ])('%s', (_name, input) => {
    let thrown: unknown;
    try {
      decodeMacaroon(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown instanceof MacaroonMalformedError || thrown instanceof MacaroonLimitError).toBe(
      true,
    );
    probe(input);
  });
});
