/**
 * Tamper detection: flipping any bit of an encoded token (any format, text or binary) or
 * truncating it makes decoding or verification fail; the one exception is a bit inside a
 * location, which libmacaroons leaves unsigned (it is a hint), and then nothing else changes.
 * Removing, reordering or changing a caveat, or the identifier, fails verification.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  type Macaroon,
  MacaroonError,
  MacaroonSignatureError,
  verifyMacaroon,
} from '../../../src/macaroon/index.js';
import {
  build,
  discharges,
  locations,
  macaroonSpec,
  type MacaroonSpec,
  signedParts,
} from './_arbitrary.js';

const check = (): boolean => true;

/** Decodes and verifies a tampered token; returns the macaroon if both succeed. */
function accepted(
  input: string | Uint8Array,
  spec: MacaroonSpec,
  ds: readonly Macaroon[],
): Macaroon | undefined {
  try {
    const m = decodeMacaroon(input);
    verifyMacaroon(m, spec.rootKey, { check, discharges: ds });
    return m;
  } catch (err) {
    expect(err).toBeInstanceOf(MacaroonError);
    return undefined;
  }
}

/** A flip that survives must have changed only an (unsigned) location. */
function onlyLocationChanged(tampered: Macaroon, original: Macaroon): void {
  expect(signedParts(tampered)).toEqual(signedParts(original));
  expect(locations(tampered)).not.toEqual(locations(original));
}

const specs = macaroonSpec({ thirdParty: 1, maxCaveats: 4 });

describe('tamper detection', () => {
  it('flipping any bit of the binary form fails, unless it only changed a location', () => {
    fc.assert(
      fc.property(specs, fc.nat(), fc.integer({ min: 0, max: 7 }), (spec, at, bit) => {
        const m = build(spec);
        const ds = discharges(spec, m);
        const bytes = encodeMacaroonBinary(m);
        const flipped = bytes.slice();
        flipped[at % bytes.length]! ^= 1 << bit;
        const got = accepted(flipped, spec, ds);
        if (got !== undefined) onlyLocationChanged(got, m);
      }),
      { numRuns: 400 },
    );
  });

  it('flipping any bit of a text form (v2, v2j, v1) fails, unless it only changed a location', () => {
    fc.assert(
      fc.property(
        specs,
        fc.constantFrom('v2' as const, 'v2j' as const, 'v1' as const),
        fc.nat(),
        fc.integer({ min: 0, max: 15 }),
        (spec, format, at, bit) => {
          const m = build(spec);
          const ds = discharges(spec, m);
          const text = encodeMacaroon(m, { format });
          const i = at % text.length;
          const flipped =
            text.slice(0, i) +
            String.fromCharCode(text.charCodeAt(i) ^ (1 << bit)) +
            text.slice(i + 1);
          const got = accepted(flipped, spec, ds);
          if (got !== undefined) onlyLocationChanged(got, m);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('every truncation of every form fails', () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const m = build(spec);
        const ds = discharges(spec, m);
        const bytes = encodeMacaroonBinary(m);
        for (let n = 0; n < bytes.length; n++)
          expect(accepted(bytes.subarray(0, n), spec, ds)).toBeUndefined();
        for (const format of ['v2', 'v2j', 'v1'] as const) {
          const text = encodeMacaroon(m, { format });
          for (let n = 0; n < text.length; n++)
            expect(accepted(text.slice(0, n), spec, ds)).toBeUndefined();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('removing, reordering or changing a caveat, or changing the identifier, fails with a signature error', () => {
    fc.assert(
      fc.property(
        macaroonSpec({ thirdParty: 1, maxCaveats: 5 }).filter((s) => s.caveats.length > 0),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('remove', 'swap', 'change', 'identifier'),
        (spec, a, b, edit) => {
          const m = build(spec);
          const ds = discharges(spec, m);
          const json = JSON.parse(encodeMacaroon(m, { format: 'v2j' })) as {
            c: Record<string, string>[];
            [k: string]: unknown;
          };
          const c = json.c;
          const i = a % c.length;
          const j = b % c.length;
          if (edit === 'remove') c.splice(i, 1);
          else if (edit === 'swap') {
            fc.pre(JSON.stringify(c[i]) !== JSON.stringify(c[j]));
            [c[i], c[j]] = [c[j]!, c[i]!];
          } else if (edit === 'change') {
            const cav = c[i]!;
            if ('i' in cav) cav.i = `${cav.i}!`;
            else cav.i64 = `${cav.i64}A`.length % 4 === 1 ? `${cav.i64}AA` : `${cav.i64}A`;
          } else if ('i' in json) json.i = `${String(json.i)}!`;
          else json.i64 = 'AAAA';
          const forged = decodeMacaroon(JSON.stringify(json));
          expect(() => verifyMacaroon(forged, spec.rootKey, { check, discharges: ds })).toThrow(
            MacaroonSignatureError,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
