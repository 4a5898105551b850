/**
 * Minting and attenuation: libmacaroons' signatures, immutability of every value, third-party
 * caveats sealed with a fresh nonce, discharge binding, the `Macaroon` accessors, and a table
 * of bad arguments for each function.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
  Macaroon,
  MACAROON_MAX_CAVEATS,
  MACAROON_MAX_FIELD_SIZE,
  MACAROON_MAX_TOKEN_SIZE,
  MacaroonLimitError,
  MacaroonMalformedError,
  verifyMacaroon,
} from '../../../src/macaroon/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const KEY = 'this is the key';
const base = (): Macaroon =>
  createMacaroon({ rootKey: KEY, identifier: 'keyid', location: 'http://example.org/' });

describe('createMacaroon and addFirstPartyCaveat', () => {
  it('give libmacaroons signatures for text and byte arguments alike', () => {
    const m = base();
    expect(hex(m.signature)).toBe(
      '7cdee792511c5bc6f528485805dfe9b24e785e28e2a99301f9d711c609e38ef7',
    );
    const bytes = createMacaroon({
      rootKey: new TextEncoder().encode(KEY),
      identifier: new TextEncoder().encode('keyid'),
      location: 'http://example.org/',
    });
    expect(hex(bytes.signature)).toBe(hex(m.signature));
    const m1 = addFirstPartyCaveat(m, new TextEncoder().encode('account = 3735928559'));
    expect(hex(m1.signature)).toBe(
      'f54807f6dc6edf88bf0f7306b3822562a362533dbf7339ba61765da4bd259d87',
    );
  });

  it('expose identifier, location, caveats (with text) and signature', () => {
    const m = addFirstPartyCaveat(addFirstPartyCaveat(base(), 'a = 1'), 'b ≤ ☃');
    expect(new TextDecoder().decode(m.identifier)).toBe('keyid');
    expect(m.location).toBe('http://example.org/');
    expect(m.caveats.map((c) => [c.kind, c.text])).toEqual([
      ['first-party', 'a = 1'],
      ['first-party', 'b ≤ ☃'],
    ]);
    expect(m.signature).toHaveLength(32);
    expect(createMacaroon({ rootKey: KEY, identifier: 'x' }).location).toBe('');
  });

  it('return new values and leave their arguments unchanged', () => {
    const m = base();
    const before = encodeMacaroon(m);
    const m1 = addFirstPartyCaveat(m, 'a = 1');
    expect(m1).not.toBe(m);
    expect(encodeMacaroon(m)).toBe(before);
    expect(m.caveats).toHaveLength(0);
  });

  it('are frozen, and changing the exposed bytes changes nothing that is signed or encoded', () => {
    const id = new TextEncoder().encode('keyid');
    const m = addFirstPartyCaveat(createMacaroon({ rootKey: KEY, identifier: id }), 'a = 1');
    id[0] = 0x4b; // the caller's array is copied, not kept
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.caveats)).toBe(true);
    expect(Object.isFrozen(m.caveats[0])).toBe(true);
    const text = encodeMacaroon(m);
    m.identifier[0] = 0;
    m.signature.fill(0);
    m.caveats[0]!.identifier[0] = 0;
    expect(encodeMacaroon(m)).toBe(text);
    expect(() => verifyMacaroon(m, KEY, { check: () => true })).not.toThrow();
    expect(() => {
      (m as unknown as { location: string }).location = 'x';
    }).toThrow(TypeError);
  });

  it('cannot be constructed directly', () => {
    const Ctor = Macaroon as unknown as new (...args: unknown[]) => Macaroon;
    expect(() => new Ctor(Symbol('x'), new Uint8Array(0), [])).toThrow(TypeError);
  });

  it('hide the signature from console.log / util.inspect', () => {
    const m = addThirdPartyCaveat(addFirstPartyCaveat(base(), 'a = 1'), {
      rootKey: 'k',
      identifier: 'tp',
      location: 'https://tp',
    });
    const shown = inspect(m, { depth: 5 });
    expect(shown).toContain('a = 1');
    expect(shown).toContain('https://tp');
    expect(shown).toContain('(hidden)');
    expect(shown).not.toContain(hex(m.signature).slice(0, 8));
    expect(shown).not.toContain(Buffer.from(m.signature).toString('base64url').slice(0, 8));
  });

  it('say when a caveat identifier is not UTF-8 text', () => {
    const m = addFirstPartyCaveat(base(), new Uint8Array([0xff, 0xfe]));
    expect(() => m.caveats[0]!.text).toThrow(MacaroonMalformedError);
  });

  it.each([
    ['options not an object', () => createMacaroon(null as never), TypeError],
    ['rootKey missing', () => createMacaroon({ identifier: 'x' } as never), TypeError],
    ['rootKey a number', () => createMacaroon({ rootKey: 1, identifier: 'x' } as never), TypeError],
    ['rootKey empty', () => createMacaroon({ rootKey: '', identifier: 'x' }), RangeError],
    [
      'rootKey with a lone surrogate',
      () => createMacaroon({ rootKey: '\ud800', identifier: 'x' }),
      RangeError,
    ],
    ['identifier missing', () => createMacaroon({ rootKey: 'k' } as never), TypeError],
    [
      'identifier too long',
      () => createMacaroon({ rootKey: 'k', identifier: 'x'.repeat(MACAROON_MAX_FIELD_SIZE + 1) }),
      MacaroonLimitError,
    ],
    [
      'location not a string',
      () => createMacaroon({ rootKey: 'k', identifier: 'x', location: 1 } as never),
      TypeError,
    ],
    [
      'location with a lone surrogate',
      () => createMacaroon({ rootKey: 'k', identifier: 'x', location: '\udc00' }),
      RangeError,
    ],
  ])('createMacaroon refuses %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });

  it.each([
    ['a non-macaroon', () => addFirstPartyCaveat({} as never, 'a'), TypeError],
    ['an empty caveat', () => addFirstPartyCaveat(base(), ''), RangeError],
    ['an empty byte caveat', () => addFirstPartyCaveat(base(), new Uint8Array(0)), RangeError],
    ['a number', () => addFirstPartyCaveat(base(), 5 as never), TypeError],
    [
      'a caveat over the field limit',
      () => addFirstPartyCaveat(base(), 'x'.repeat(MACAROON_MAX_FIELD_SIZE + 1)),
      MacaroonLimitError,
    ],
  ])('addFirstPartyCaveat refuses %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });

  it(`stops at ${MACAROON_MAX_CAVEATS} caveats and at the token size limit`, () => {
    let m = base();
    for (let i = 0; i < MACAROON_MAX_CAVEATS; i++) m = addFirstPartyCaveat(m, `c${i}`);
    expect(() => addFirstPartyCaveat(m, 'one more')).toThrow(MacaroonLimitError);
    let big = base();
    const caveat = 'x'.repeat(MACAROON_MAX_FIELD_SIZE);
    const grow = (): void => {
      for (;;) big = addFirstPartyCaveat(big, caveat);
    };
    expect(grow).toThrow(
      expect.objectContaining({ limit: 'maxTokenSize', max: MACAROON_MAX_TOKEN_SIZE }),
    );
    expect(encodeMacaroon(big).length).toBeLessThanOrEqual(MACAROON_MAX_TOKEN_SIZE);
  });
});

describe('addThirdPartyCaveat and bindDischarge', () => {
  const tp = {
    rootKey: 'shared with approver',
    identifier: 'approve:1',
    location: 'https://approver',
  };

  it('add a third-party caveat with a fresh 72-byte verification id each time', () => {
    const a = addThirdPartyCaveat(base(), tp);
    const b = addThirdPartyCaveat(base(), tp);
    const [ca] = a.caveats;
    const [cb] = b.caveats;
    expect(ca?.kind).toBe('third-party');
    if (ca?.kind !== 'third-party' || cb?.kind !== 'third-party') throw new Error('unreachable');
    expect(ca.text).toBe('approve:1');
    expect(ca.location).toBe('https://approver');
    expect(ca.verificationId).toHaveLength(72);
    expect(hex(ca.verificationId.subarray(0, 24))).not.toBe(hex(cb.verificationId.subarray(0, 24)));
    expect(hex(ca.verificationId.subarray(0, 24))).not.toBe('0'.repeat(48));
    expect(hex(a.signature)).not.toBe(hex(b.signature));
  });

  it('bind a discharge to exactly one root signature', () => {
    const m = addThirdPartyCaveat(base(), tp);
    const d = createMacaroon({ rootKey: tp.rootKey, identifier: tp.identifier });
    const bound = bindDischarge(m, d);
    expect(hex(bound.signature)).not.toBe(hex(d.signature));
    expect(hex(bindDischarge(m, d).signature)).toBe(hex(bound.signature));
    expect(hex(bindDischarge(addFirstPartyCaveat(m, 'x'), d).signature)).not.toBe(
      hex(bound.signature),
    );
    expect(bound.identifier).toEqual(d.identifier);
    expect(decodeMacaroon(encodeMacaroon(bound)).caveats).toHaveLength(0);
  });

  it.each([
    ['a non-macaroon', () => addThirdPartyCaveat('m' as never, tp), TypeError],
    ['options missing', () => addThirdPartyCaveat(base(), undefined as never), TypeError],
    ['an empty key', () => addThirdPartyCaveat(base(), { ...tp, rootKey: '' }), RangeError],
    [
      'an empty identifier',
      () => addThirdPartyCaveat(base(), { ...tp, identifier: '' }),
      RangeError,
    ],
    [
      'a missing location',
      () => addThirdPartyCaveat(base(), { rootKey: 'k', identifier: 'i' } as never),
      TypeError,
    ],
    ['bindDischarge without a root', () => bindDischarge(null as never, base()), TypeError],
    ['bindDischarge without a discharge', () => bindDischarge(base(), 'd' as never), TypeError],
  ])('refuse %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });
});
