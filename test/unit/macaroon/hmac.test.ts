/**
 * The allocation-free SHA-256/HMAC engine against @noble/hashes (and RFC 4231): equal outputs
 * on random keys and messages of every length around the block boundaries, and the chain
 * primitives (derivation, hash2, binding, secretbox of caveat keys) against the same
 * constructions written with noble.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bind,
  bytesToWords,
  chainFirstParty,
  chainStart,
  chainThirdParty,
  deriveKey,
  newHmacKey,
  openCaveatKey,
  prepareDerivedKey,
  sealCaveatKey,
  signatureEquals,
  VID_BYTES,
  wordsToBytes,
} from '../../../src/macaroon/_chain.js';
import { hmacSha256, sha256 } from '../../../src/macaroon/_hmac.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const nobleHmac = (key: Uint8Array, msg: Uint8Array): Uint8Array => hmac(nobleSha256, key, msg);
const words = (bytes: Uint8Array): Int32Array => {
  const w = new Int32Array(8);
  bytesToWords(bytes, 0, w);
  return w;
};
const bytes = (w: Int32Array): Uint8Array => {
  const b = new Uint8Array(32);
  wordsToBytes(w, b, 0);
  return b;
};

describe('sha256 and hmacSha256', () => {
  it('equal @noble/hashes for every message length from 0 to 200 bytes', () => {
    for (let len = 0; len <= 200; len++) {
      const msg = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 0xff);
      expect(hex(sha256(msg))).toBe(hex(nobleSha256(msg)));
      expect(hex(hmacSha256(msg.subarray(0, len % 70), msg))).toBe(
        hex(nobleHmac(msg.subarray(0, len % 70), msg)),
      );
    }
  });

  it('equal @noble/hashes on random keys and messages', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 160 }),
        fc.uint8Array({ maxLength: 400 }),
        (key, msg) => {
          expect(hex(hmacSha256(key, msg))).toBe(hex(nobleHmac(key, msg)));
          expect(hex(sha256(msg))).toBe(hex(nobleSha256(msg)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('match RFC 4231 test cases 1, 2 and 6 (a 131-byte key, hashed first)', () => {
    expect(hex(hmacSha256(new Uint8Array(20).fill(0x0b), utf8('Hi There')))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
    expect(hex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(
      hex(
        hmacSha256(
          new Uint8Array(131).fill(0xaa),
          utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
        ),
      ),
    ).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });
});

describe('chain primitives', () => {
  const generator = utf8('macaroons-key-generator');

  it('derive keys as libmacaroons does: HMAC("macaroons-key-generator", secret)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (secret) => {
        const out = new Int32Array(8);
        deriveKey(secret, out);
        expect(hex(bytes(out))).toBe(hex(nobleHmac(generator, secret)));
      }),
      { numRuns: 100 },
    );
  });

  it('compute start, first-party, third-party (hash2) and bind steps like the HMAC definitions', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 90 }),
        fc.uint8Array({ minLength: 1, maxLength: 90 }),
        fc.uint8Array({ minLength: 72, maxLength: 72 }),
        (secret, id, caveat, vid) => {
          const key = newHmacKey();
          prepareDerivedKey(secret, key);
          const sig = new Int32Array(8);
          chainStart(key, id, 0, id.length, sig);
          let expected = nobleHmac(nobleHmac(generator, secret), id);
          expect(hex(bytes(sig))).toBe(hex(expected));

          chainFirstParty(sig, caveat, 0, caveat.length);
          expected = nobleHmac(expected, caveat);
          expect(hex(bytes(sig))).toBe(hex(expected));

          const both = new Uint8Array([...vid, ...caveat]);
          chainThirdParty(sig, both, 0, vid.length, vid.length, caveat.length);
          expected = nobleHmac(
            expected,
            new Uint8Array([...nobleHmac(expected, vid), ...nobleHmac(expected, caveat)]),
          );
          expect(hex(bytes(sig))).toBe(hex(expected));

          const root = words(nobleSha256(secret));
          bind(root, sig, sig);
          const zero = new Uint8Array(32);
          const bound = nobleHmac(
            zero,
            new Uint8Array([...nobleHmac(zero, bytes(root)), ...nobleHmac(zero, expected)]),
          );
          expect(hex(bytes(sig))).toBe(hex(bound));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('seal caveat keys with XSalsa20-Poly1305 under the signature, with a fresh nonce each time', () => {
    const sig = words(nobleSha256(utf8('sig')));
    const caveatKey = words(nobleSha256(utf8('caveat key')));
    const a = sealCaveatKey(sig, caveatKey);
    const b = sealCaveatKey(sig, caveatKey);
    expect(a.length).toBe(VID_BYTES);
    expect(hex(a.subarray(0, 24))).not.toBe(hex(b.subarray(0, 24)));
    const opened = xsalsa20poly1305(bytes(sig), a.subarray(0, 24)).decrypt(a.subarray(24));
    expect(hex(opened)).toBe(hex(bytes(caveatKey)));
    expect(hex(bytes(openCaveatKey(sig, a, 0, a.length)!))).toBe(hex(bytes(caveatKey)));
  });

  it('refuse to open a verification id under the wrong signature, tampered, or of the wrong length', () => {
    const sig = words(nobleSha256(utf8('sig')));
    const vid = sealCaveatKey(sig, words(nobleSha256(utf8('k'))));
    expect(openCaveatKey(words(nobleSha256(utf8('other'))), vid, 0, vid.length)).toBeUndefined();
    const tampered = vid.slice();
    tampered[40]! ^= 1;
    expect(openCaveatKey(sig, tampered, 0, tampered.length)).toBeUndefined();
    expect(openCaveatKey(sig, vid, 0, vid.length - 1)).toBeUndefined();
  });

  it('compare signatures exactly', () => {
    const sig = nobleSha256(utf8('x'));
    expect(signatureEquals(words(sig), sig, 0)).toBe(true);
    for (let i = 0; i < 32; i++) {
      const other = sig.slice();
      other[i]! ^= 0x80;
      expect(signatureEquals(words(sig), other, 0)).toBe(false);
    }
  });
});
