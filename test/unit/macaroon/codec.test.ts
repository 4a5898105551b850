/**
 * Encoding and decoding: every format round-trips, `decodeMacaroon` detects the format of raw
 * bytes, base64 text (either alphabet, padded or not) and JSON, re-encodes byte for byte,
 * enforces each documented limit, and refuses a table of malformed inputs with
 * `MacaroonMalformedError` and a reason.
 */
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  type Macaroon,
  MACAROON_DEFAULT_LIMITS,
  MacaroonLimitError,
  MacaroonMalformedError,
  verifyMacaroon,
} from '../../../src/macaroon/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const KEY = 'root';

function sample(): Macaroon {
  let m = createMacaroon({
    rootKey: KEY,
    identifier: 'md1.k1.abc',
    location: 'https://mandate.example',
  });
  m = addFirstPartyCaveat(m, 'tool == "bank.get_balance"');
  m = addThirdPartyCaveat(m, {
    rootKey: 'tp',
    identifier: new Uint8Array([0, 1, 0xff]),
    location: 'https://tp',
  });
  return addFirstPartyCaveat(m, new Uint8Array([0xc3, 0x28]));
}

const same = (a: Macaroon, b: Macaroon): void => {
  expect(hex(encodeMacaroonBinary(a))).toBe(hex(encodeMacaroonBinary(b)));
};

describe('encodeMacaroon / decodeMacaroon', () => {
  it('round-trip every format, binary and text caveats, first and third party', () => {
    const m = sample();
    for (const format of ['v2', 'v2j', 'v1'] as const) {
      const text = encodeMacaroon(m, { format });
      const back = decodeMacaroon(text);
      same(back, m);
      expect(encodeMacaroon(back, { format })).toBe(text);
    }
    same(decodeMacaroon(encodeMacaroonBinary(m)), m);
    expect(encodeMacaroon(m)).toBe(encodeMacaroon(m, { format: 'v2' }));
  });

  it('write v2 as unpadded base64url, v1 as base64url of packets, JSON with i64 only for non-UTF-8 bytes', () => {
    const m = sample();
    expect(encodeMacaroon(m)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(
      Buffer.from(encodeMacaroon(m, { format: 'v1' }), 'base64url').toString('latin1'),
    ).toMatch(/^0[0-9a-f]{3}location https/);
    const json = JSON.parse(encodeMacaroon(m, { format: 'v2j' })) as {
      c: Record<string, string>[];
    };
    expect(Object.keys(json)).toEqual(['v', 'l', 'i', 'c', 's64']);
    const vid = json.c[1]?.v64 ?? '';
    expect(vid).toMatch(/^[A-Za-z0-9_-]{96}$/);
    expect(json.c).toEqual([
      { i: 'tool == "bank.get_balance"' },
      { i64: 'AAH_', l: 'https://tp', v64: vid },
      { i64: 'wyg' },
    ]);
  });

  it('accept raw bytes, base64 in either alphabet padded or not, JSON text or bytes, and surrounding whitespace', () => {
    const m = sample();
    const binary = encodeMacaroonBinary(m);
    const std = Buffer.from(binary).toString('base64');
    const json = encodeMacaroon(m, { format: 'v2j' });
    const inputs: (string | Uint8Array)[] = [
      binary,
      std,
      std.replace(/=+$/, ''),
      Buffer.from(binary).toString('base64url'),
      `${Buffer.from(binary).toString('base64url')}==`.slice(0, std.length),
      json,
      new TextEncoder().encode(json),
      ` \n${json}\n`,
      `\t${encodeMacaroon(m)}\r\n`,
      new TextEncoder().encode(encodeMacaroon(m, { format: 'v1' })),
      Buffer.from(json).toString('base64'),
    ];
    for (const input of inputs) same(decodeMacaroon(input), m);
  });

  it('read v2 JSON from other encoders: no "v", no "c", "v" as a string, i64/s64 in the standard alphabet, escapes', () => {
    const m = createMacaroon({ rootKey: KEY, identifier: 'id"\\/\u00e9\u{1f600}' });
    const s64 = Buffer.from(m.signature).toString('base64');
    same(decodeMacaroon(`{"i":"id\\"\\\\\\/\\u00e9\\ud83d\\ude00","s64":"${s64}"}`), m);
    same(
      decodeMacaroon(
        `{"v":"2","i64":"${Buffer.from(m.identifier).toString('base64')}","c":[],"s64":"${s64}"}`,
      ),
      m,
    );
    // "s" as text: its UTF-8 bytes are the signature.
    const ascii = decodeMacaroon(` { "v" : 2 , "s" : "${'s'.repeat(32)}" , "i":"x" } `);
    expect(new TextDecoder().decode(ascii.signature)).toBe('s'.repeat(32));
  });

  it('hold decoded tokens to the default limits, or to the ones given', () => {
    const m = sample();
    const text = encodeMacaroon(m);
    expect(() => decodeMacaroon(text, { limits: { maxTokenSize: text.length - 1 } })).toThrow(
      expect.objectContaining({
        code: 'ERR_MACAROON_LIMIT',
        limit: 'maxTokenSize',
        actual: text.length,
      }),
    );
    for (const format of ['v2', 'v2j', 'v1'] as const) {
      const t = encodeMacaroon(m, { format });
      expect(() => decodeMacaroon(t, { limits: { maxCaveats: 2 } })).toThrow(
        expect.objectContaining({ limit: 'maxCaveats', max: 2, actual: 3 }),
      );
      expect(() => decodeMacaroon(t, { limits: { maxFieldSize: 20 } })).toThrow(
        expect.objectContaining({ limit: 'maxFieldSize', max: 20 }),
      );
      expect(() =>
        decodeMacaroon(t, { limits: { maxCaveats: 3, maxFieldSize: 72 } }),
      ).not.toThrow();
    }
    expect(() => decodeMacaroon('A'.repeat(MACAROON_DEFAULT_LIMITS.maxTokenSize + 1))).toThrow(
      MacaroonLimitError,
    );
    expect(() => decodeMacaroon(new Uint8Array(MACAROON_DEFAULT_LIMITS.maxTokenSize + 1))).toThrow(
      MacaroonLimitError,
    );
  });

  it.each([
    ['options not an object', () => decodeMacaroon('x', 3 as never), TypeError],
    [
      'an unknown limit',
      () => decodeMacaroon('x', { limits: { maxCaveat: 3 } as never }),
      TypeError,
    ],
    ['a zero limit', () => decodeMacaroon('x', { limits: { maxCaveats: 0 } }), RangeError],
    [
      'a fractional limit',
      () => decodeMacaroon('x', { limits: { maxTokenSize: 1.5 } }),
      RangeError,
    ],
    ['a number as input', () => decodeMacaroon(42 as never), TypeError],
    ['null as input', () => decodeMacaroon(null as never), TypeError],
    ['an unknown format', () => encodeMacaroon(sample(), { format: 'v3' as never }), RangeError],
    ['encoding a non-macaroon', () => encodeMacaroon({} as never), TypeError],
    ['encoding binary of a non-macaroon', () => encodeMacaroonBinary('x' as never), TypeError],
  ])('refuse caller mistakes: %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });
});

const SIG = 'A'.repeat(43);
const sig32 = `\u0006\u0020${'\u0000'.repeat(32)}`;
const raw = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const v1 = (...packets: string[]): string =>
  Buffer.from(
    packets.map((p) => (p.length + 5).toString(16).padStart(4, '0') + p + '\n').join(''),
    'latin1',
  ).toString('base64url');
const v1Sig = `signature ${'\u0000'.repeat(32)}`;

describe('decodeMacaroon refuses malformed tokens', () => {
  it.each<[string, string | Uint8Array, string]>([
    ['empty text', '', 'empty input'],
    ['only whitespace', ' \n', 'empty input'],
    [
      'an unknown first byte',
      Buffer.from([9, 9, 9]).toString('base64'),
      'not a macaroon (unrecognized format)',
    ],
    [
      'non-ASCII bytes',
      new Uint8Array([0x41, 0xc3, 0xa9]),
      'not a macaroon (neither v2 binary nor text)',
    ],
    // v2 binary
    ['v2 without identifier', raw('\u0002\u0000\u0000' + sig32), 'missing identifier'],
    [
      'v2 with an empty location',
      raw('\u0002\u0001\u0000\u0002\u0001i\u0000\u0000' + sig32),
      'empty optional field',
    ],
    [
      'v2 with an overlong varint',
      raw('\u0002\u0002\u0081\u0000i\u0000\u0000' + sig32),
      'non-minimal varint',
    ],
    ['v2 with a truncated field', raw('\u0002\u0002\u0009ab'), 'truncated field'],
    [
      'v2 with an empty caveat',
      raw('\u0002\u0002\u0001i\u0000\u0002\u0000\u0000\u0000' + sig32),
      'empty caveat identifier',
    ],
    [
      'v2 with a caveat location but no vid',
      raw('\u0002\u0002\u0001i\u0000\u0001\u0001l\u0002\u0001c\u0000\u0000' + sig32),
      'caveat location without verification id',
    ],
    [
      'v2 with an unknown field',
      raw('\u0002\u0002\u0001i\u0000\u0003\u0001c\u0000\u0000' + sig32),
      'missing caveat identifier',
    ],
    [
      'v2 with a short signature',
      raw('\u0002\u0002\u0001i\u0000\u0000\u0006\u001f' + '\u0000'.repeat(31)),
      'signature is not 32 bytes',
    ],
    [
      'v2 with a truncated signature',
      raw('\u0002\u0002\u0001i\u0000\u0000\u0006\u0020\u0000'),
      'truncated signature',
    ],
    [
      'v2 with trailing bytes',
      raw('\u0002\u0002\u0001i\u0000\u0000' + sig32 + '\u0000'),
      'trailing bytes after signature',
    ],
    [
      'v2 with a non-UTF-8 location',
      raw('\u0002\u0001\u0001\u00ff\u0002\u0001i\u0000\u0000' + sig32),
      'location is not UTF-8',
    ],
    // v1
    [
      'v1 with uppercase hex',
      Buffer.from('000Elocation x\n').toString('base64url'),
      'packet header is not lowercase hex',
    ],
    [
      'v1 with a wrong packet length',
      Buffer.from('0010location x\n').toString('base64url'),
      'truncated packet',
    ],
    [
      'v1 without newline',
      Buffer.from('000elocation xx').toString('base64url'),
      'packet does not end with a newline',
    ],
    ['v1 without location', v1('identifier i', v1Sig), 'first packet is not the location'],
    [
      'v1 with an unknown key',
      v1('location ', 'identifier i', 'bogus x', v1Sig),
      'unknown packet key "bogus"',
    ],
    [
      'v1 with vid before cid',
      v1('location ', 'identifier i', 'vid x', v1Sig),
      'unexpected vid packet',
    ],
    [
      'v1 with cl without vid',
      v1('location ', 'identifier i', 'cid c', 'cl l', v1Sig),
      'caveat location without verification id',
    ],
    [
      'v1 with an empty cid',
      v1('location ', 'identifier i', 'cid ', v1Sig),
      'empty caveat identifier',
    ],
    [
      'v1 with a short signature',
      v1('location ', 'identifier i', 'signature x'),
      'signature is not 32 bytes',
    ],
    [
      'v1 with trailing packets',
      v1('location ', 'identifier i', v1Sig, 'cid c'),
      'trailing bytes after signature',
    ],
    // v2 JSON
    ['JSON with a duplicate key', `{"i":"a","i":"b","s64":"${SIG}"}`, 'duplicate key "i"'],
    ['JSON with i and i64', `{"i":"a","i64":"YQ","s64":"${SIG}"}`, 'both i and i64 given'],
    ['JSON with an unknown key', `{"i":"a","x":"b","s64":"${SIG}"}`, 'unknown key "x"'],
    [
      'JSON with version 3',
      `{"v":3,"i":"a","s64":"${SIG}"}`,
      'expected a string or the version number 2',
    ],
    [
      'JSON with version "1"',
      `{"v":"1","i":"a","s64":"${SIG}"}`,
      'unsupported version (must be 2)',
    ],
    ['JSON without identifier', `{"s64":"${SIG}"}`, 'missing identifier'],
    ['JSON without signature', `{"i":"a"}`, 'missing signature'],
    ['JSON with a short signature', `{"i":"a","s64":"AAAA"}`, 'signature is not 32 bytes'],
    [
      'JSON with bad base64',
      `{"i64":"a*","s64":"${SIG}"}`,
      'i64 is not base64: unexpected character "*"',
    ],
    [
      'JSON with a lone surrogate escape',
      `{"i":"\\ud800","s64":"${SIG}"}`,
      'i has a lone surrogate',
    ],
    [
      'JSON with a raw control character',
      `{"i":"a\u0001","s64":"${SIG}"}`,
      'control character in string',
    ],
    ['JSON with a bad escape', `{"i":"\\x41","s64":"${SIG}"}`, 'bad escape'],
    [
      'JSON with trailing text',
      `{"i":"a","s64":"${SIG}"} x`,
      'trailing characters after the object',
    ],
    [
      'JSON with an empty caveat',
      `{"i":"a","c":[{"i":""}],"s64":"${SIG}"}`,
      'empty caveat identifier',
    ],
    [
      'JSON with a caveat location only',
      `{"i":"a","c":[{"i":"c","l":"x"}],"s64":"${SIG}"}`,
      'caveat location without verification id',
    ],
    ['JSON with a number identifier', `{"i":2,"s64":"${SIG}"}`, 'i must be a string'],
    ['JSON with an object as caveats', `{"i":"a","c":{},"s64":"${SIG}"}`, 'expected "["'],
    ['JSON truncated', `{"i":"a","s64":"${SIG}"`, 'expected "," or "}"'],
  ])('%s', (_name, input, reason) => {
    try {
      decodeMacaroon(input);
      expect.unreachable('decoded');
    } catch (err) {
      expect(err).toBeInstanceOf(MacaroonMalformedError);
      expect((err as MacaroonMalformedError).reason).toBe(reason);
      expect((err as MacaroonMalformedError).code).toBe('ERR_MACAROON_MALFORMED');
    }
  });

  it('reports where reading stopped, and prints as JSON without the token', () => {
    const err = (() => {
      try {
        decodeMacaroon(`{"i":"a","x":"secret-ish","s64":"${SIG}"}`);
      } catch (e) {
        return e as MacaroonMalformedError;
      }
      throw new Error('decoded');
    })();
    expect(err.toJSON()).toEqual({
      code: 'ERR_MACAROON_MALFORMED',
      message: 'malformed macaroon (v2j): unknown key "x" at offset 9',
      reason: 'unknown key "x"',
      format: 'v2j',
      offset: 9,
    });
    expect(JSON.stringify(err)).not.toContain(SIG);
  });

  it('decodes then verifies: decoding alone proves nothing', () => {
    const forged = encodeMacaroon(sample(), { format: 'v2j' }).replace(
      'bank.get_balance',
      'bank.transfer',
    );
    const m = decodeMacaroon(forged);
    expect(m.caveats[0]?.text).toBe('tool == "bank.transfer"');
    expect(() => verifyMacaroon(m, KEY, { check: () => true })).toThrow(
      expect.objectContaining({ code: 'ERR_MACAROON_SIGNATURE' }),
    );
  });
});
