/**
 * Round-trip laws: for any macaroon, decode(encode(m, f)) = m in every format (and from the
 * binary form), encoding is canonical (re-encoding a decoded token gives the same text), and a
 * built token with its bound discharges verifies, also after the trip through any format.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  type MacaroonFormat,
  verifyMacaroon,
} from '../../../src/macaroon/index.js';
import { build, discharges, expectSame, macaroonSpec } from './_arbitrary.js';

const FORMATS: readonly MacaroonFormat[] = ['v2', 'v2j', 'v1'];

describe('round trip', () => {
  it('decode(encode(m, format)) = m, and encoding is canonical, for every format', () => {
    fc.assert(
      fc.property(macaroonSpec(), (spec) => {
        const m = build(spec);
        for (const format of FORMATS) {
          const text = encodeMacaroon(m, { format });
          const back = decodeMacaroon(text);
          expectSame(back, m);
          expect(encodeMacaroon(back, { format })).toBe(text);
        }
        const bytes = encodeMacaroonBinary(m);
        expectSame(decodeMacaroon(bytes), m);
        expect(
          Buffer.from(encodeMacaroonBinary(decodeMacaroon(bytes))).equals(Buffer.from(bytes)),
        ).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a built macaroon and its bound discharges verify, before and after any encoding', () => {
    fc.assert(
      fc.property(macaroonSpec({ thirdParty: 2 }), fc.constantFrom(...FORMATS), (spec, format) => {
        const m = build(spec);
        const ds = discharges(spec, m);
        const check = (): boolean => true;
        verifyMacaroon(m, spec.rootKey, { check, discharges: ds });
        const trip = (x: typeof m) => decodeMacaroon(encodeMacaroon(x, { format }));
        verifyMacaroon(trip(m), spec.rootKey, { check, discharges: ds.map(trip) });
      }),
      { numRuns: 100 },
    );
  });
});
