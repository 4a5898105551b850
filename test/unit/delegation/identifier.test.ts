// The identifier layout `md1.<keyId>.<delegationId>`, and the strict base64url and UTF-8 it relies on.
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../../../src/delegation/_base64url.js';
import { newIdentifier, parseIdentifier } from '../../../src/delegation/_identifier.js';
import { utf8 } from '../../../src/delegation/_utf8.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('identifier', () => {
  it('round-trips a fresh identifier', () => {
    const { bytes, delegationId } = newIdentifier('key-1');
    expect(new TextDecoder().decode(bytes)).toBe(`md1.key-1.${delegationId}`);
    expect(parseIdentifier(bytes)).toEqual({ keyId: 'key-1', delegationId });
    expect(fromBase64url(delegationId)).toHaveLength(16);
  });

  it('gives every mint its own delegation id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newIdentifier('k').delegationId));
    expect(ids.size).toBe(100);
  });

  it.each([
    'md2.k.AAAAAAAAAAAAAAAAAAAAAA',
    'md1..AAAAAAAAAAAAAAAAAAAAAA',
    'md1.k.AAAAAAAAAAAAAAAAAAAAA',
    'md1.k.AAAAAAAAAAAAAAAAAAAAAB',
    'md1.k.AAAAAAAAAAAAAAAAAAAAAA.x',
    'md1.k k.AAAAAAAAAAAAAAAAAAAAAA',
    'key-1',
    '',
  ])('refuses %j', (text) => {
    expect(parseIdentifier(enc(text))).toBeUndefined();
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(parseIdentifier(new Uint8Array([0x6d, 0x64, 0x31, 0xff]))).toBeUndefined();
  });
});

describe('base64url', () => {
  it('round-trips every length up to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(fromBase64url(toBase64url(bytes))).toEqual(bytes);
    }
  });

  it('matches the standard encoding', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toBase64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
  });

  it.each(['A', 'AB=', 'A+B/', 'AR', 'AAB'])('refuses non-canonical %j', (text) => {
    expect(fromBase64url(text)).toBeUndefined();
  });
});

describe('utf8', () => {
  it('decodes ASCII, multi-byte and long input, and refuses invalid UTF-8', () => {
    const enc = new TextEncoder();
    expect(utf8(enc.encode('tool == "a"'))).toBe('tool == "a"');
    expect(utf8(enc.encode('args.name == "Zoë 🙂"'))).toBe('args.name == "Zoë 🙂"');
    const long = 'x'.repeat(5000);
    expect(utf8(enc.encode(long))).toBe(long);
    expect(utf8(new Uint8Array([0x61, 0xc3]))).toBeUndefined();
    expect(utf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBeUndefined();
    expect(utf8(new Uint8Array(0))).toBe('');
  });
});
