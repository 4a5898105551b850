/**
 * Discharge laws: with every third-party caveat's discharge bound to the root, verification
 * succeeds; a discharge bound to another root, a discharge missing, an extra one, or one
 * discharge made to serve two caveats always fails, with the matching error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  createMacaroon,
  MacaroonDischargeError,
  MacaroonSignatureError,
  verifyMacaroon,
} from '../../../src/macaroon/index.js';
import { build, discharges, macaroonSpec } from './_arbitrary.js';

const check = (): boolean => true;
const idKey = (id: string | Uint8Array): string =>
  Buffer.from(typeof id === 'string' ? new TextEncoder().encode(id) : id).toString('hex');
/** Specs with at least one third-party caveat, all with distinct identifiers. */
const withThirdParty = macaroonSpec({ thirdParty: 3, maxCaveats: 5 }).filter((s) => {
  const ids = s.caveats.flatMap((c) => ('third' in c ? [idKey(c.third.identifier)] : []));
  return ids.length > 0 && new Set(ids).size === ids.length;
});

describe('discharges', () => {
  it('bound to another root: fail', () => {
    fc.assert(
      fc.property(
        withThirdParty,
        fc.string({ minLength: 1, maxLength: 10 }),
        fc.nat(),
        (spec, extra, pick) => {
          const m = build(spec);
          const other = addFirstPartyCaveat(m, extra); // same chain, one more caveat: a different root signature
          const ds = discharges(spec, m);
          const i = pick % ds.length;
          const wrong = ds.map((d, k) => (k === i ? bindDischarge(other, d) : d));
          expect(() => verifyMacaroon(m, spec.rootKey, { check, discharges: ds })).not.toThrow();
          expect(() => verifyMacaroon(m, spec.rootKey, { check, discharges: wrong })).toThrow(
            MacaroonSignatureError,
          );
          // Discharges bound to m do not carry over to its attenuation.
          expect(() => verifyMacaroon(other, spec.rootKey, { check, discharges: ds })).toThrow(
            MacaroonSignatureError,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('missing, or one too many: fail', () => {
    fc.assert(
      fc.property(withThirdParty, fc.nat(), (spec, pick) => {
        const m = build(spec);
        const ds = discharges(spec, m);
        const missing = ds.filter((_, k) => k !== pick % ds.length);
        expect(() => verifyMacaroon(m, spec.rootKey, { check, discharges: missing })).toThrow(
          expect.objectContaining({ code: 'ERR_MACAROON_DISCHARGE', problem: 'missing' }),
        );
        const extra = [...ds, ds[pick % ds.length]!];
        expect(() => verifyMacaroon(m, spec.rootKey, { check, discharges: extra })).toThrow(
          expect.objectContaining({ code: 'ERR_MACAROON_DISCHARGE', problem: 'unused' }),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('one discharge for two caveats with the same identifier: fails; one each: verifies', () => {
    fc.assert(
      fc.property(
        macaroonSpec({ thirdParty: 0, maxCaveats: 3 }),
        fc.string({ minLength: 1 }),
        (spec, key) => {
          const third = { rootKey: key, identifier: 'same', location: 'https://tp' };
          const m = addThirdPartyCaveat(addThirdPartyCaveat(build(spec), third), third);
          const d = bindDischarge(m, createMacaroon({ rootKey: key, identifier: 'same' }));
          expect(() => verifyMacaroon(m, spec.rootKey, { check, discharges: [d] })).toThrow(
            MacaroonDischargeError,
          );
          expect(() => verifyMacaroon(m, spec.rootKey, { check, discharges: [d] })).toThrow(
            expect.objectContaining({ problem: 'reused' }),
          );
          expect(() =>
            verifyMacaroon(m, spec.rootKey, { check, discharges: [d, d] }),
          ).not.toThrow();
        },
      ),
      { numRuns: 40 },
    );
  });
});
