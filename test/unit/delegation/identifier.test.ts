// The identifier layout `md1.<keyId>.<delegationId>`.
import { describe, expect, it } from 'vitest';
import { base64urlDecode } from '../../../src/_base64url.js';
import { newIdentifier, parseIdentifier } from '../../../src/delegation/_identifier.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('identifier', () => {
  it('round-trips a fresh identifier', () => {
    const { bytes, delegationId } = newIdentifier('key-1');
    expect(new TextDecoder().decode(bytes)).toBe(`md1.key-1.${delegationId}`);
    expect(parseIdentifier(bytes)).toEqual({ keyId: 'key-1', delegationId });
    expect(base64urlDecode(delegationId)).toHaveLength(16);
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
