/**
 * The one strict UTF-8 codec: invalid bytes and lone surrogates are refused (`undefined`), never
 * replaced, and a byte-order mark stays part of the text, so text and bytes map one to one.
 */
import { describe, expect, it } from 'vitest';
import { isUtf8, utf8Decode, utf8Encode } from '../../src/_utf8.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('utf8Decode', () => {
  it('decodes ASCII, multi-byte and long input', () => {
    const enc = new TextEncoder();
    expect(utf8Decode(enc.encode('tool == "a"'))).toBe('tool == "a"');
    expect(utf8Decode(enc.encode('args.name == "Zoë 🙂"'))).toBe('args.name == "Zoë 🙂"');
    const long = 'x'.repeat(5000);
    expect(utf8Decode(enc.encode(long))).toBe(long);
    expect(utf8Decode(bytes())).toBe('');
  });

  it('decodes a slice', () => {
    expect(utf8Decode(bytes(0xff, 0x61, 0x62, 0xff), 1, 2)).toBe('ab');
  });

  it.each([
    ['a truncated sequence', bytes(0x61, 0xc3)],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80)],
    ['an overlong encoding', bytes(0xc0, 0xaf)],
    ['a lone continuation byte', bytes(0x80)],
  ])('refuses %s', (_, input) => {
    expect(utf8Decode(input)).toBeUndefined();
  });

  it('keeps a leading byte-order mark, so two byte strings never read as one text', () => {
    expect(utf8Decode(bytes(0xef, 0xbb, 0xbf, 0x61))).toBe('\uFEFFa');
  });
});

describe('utf8Encode', () => {
  it('encodes well-formed text', () => {
    expect(utf8Encode('Zoë 🙂')).toEqual(new TextEncoder().encode('Zoë 🙂'));
  });

  it.each([['\uD800'], ['a\uDC00'], ['\uDBFF\uDBFF\uDC00x\uD800']])('refuses %j', (text) => {
    expect(utf8Encode(text)).toBeUndefined();
  });
});

describe('isUtf8', () => {
  it('checks only the slice', () => {
    expect(isUtf8(bytes(0x61, 0xff), 0, 1)).toBe(true);
    expect(isUtf8(bytes(0x61, 0xff), 0, 2)).toBe(false);
    expect(isUtf8(bytes(0x61, 0xc3, 0xab), 0, 3)).toBe(true);
  });
});
