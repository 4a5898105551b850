/**
 * fast-check generators for the macaroon property tests: a macaroon is described by a spec
 * (root key, identifier, location, first- and third-party caveats) and built with the public
 * functions, together with a bound discharge for each third-party caveat, so that the whole
 * set verifies. Also a structural equality check for two macaroons.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  createMacaroon,
  type Macaroon,
} from '../../../src/macaroon/index.js';

/** Text or bytes, as the API accepts them. */
const field = (min: number, max: number): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    fc
      .string({ unit: 'grapheme', minLength: min, maxLength: max })
      .filter((s) => new TextEncoder().encode(s).length >= min),
    fc.uint8Array({ minLength: min, maxLength: max }),
  );

export interface ThirdPartySpec {
  readonly rootKey: string | Uint8Array;
  readonly identifier: string | Uint8Array;
  readonly location: string;
  /** First-party caveats the third party puts on its discharge. */
  readonly dischargeCaveats: readonly (string | Uint8Array)[];
}

export type CaveatSpec =
  { readonly first: string | Uint8Array } | { readonly third: ThirdPartySpec };

export interface MacaroonSpec {
  readonly rootKey: string | Uint8Array;
  readonly identifier: string | Uint8Array;
  readonly location: string;
  readonly caveats: readonly CaveatSpec[];
}

const thirdParty: fc.Arbitrary<ThirdPartySpec> = fc.record({
  rootKey: field(1, 24),
  identifier: field(1, 24),
  location: fc.string({ unit: 'grapheme', maxLength: 16 }),
  dischargeCaveats: fc.array(field(1, 16), { maxLength: 2 }),
});

/** A macaroon spec; `thirdParty` sets the weight of third-party caveats (0 for none). */
export function macaroonSpec(
  options: { thirdParty?: number; maxCaveats?: number } = {},
): fc.Arbitrary<MacaroonSpec> {
  const caveat: fc.Arbitrary<CaveatSpec> =
    options.thirdParty === 0
      ? field(1, 40).map((first) => ({ first }))
      : fc.oneof(
          { weight: 4, arbitrary: field(1, 40).map((first) => ({ first })) },
          { weight: options.thirdParty ?? 1, arbitrary: thirdParty.map((third) => ({ third })) },
        );
  return fc.record({
    rootKey: field(1, 40),
    identifier: field(0, 40),
    location: fc.string({ unit: 'grapheme', maxLength: 24 }),
    caveats: fc.array(caveat, { maxLength: options.maxCaveats ?? 6 }),
  });
}

/** Builds the macaroon a spec describes. */
export function build(spec: MacaroonSpec): Macaroon {
  let m = createMacaroon({
    rootKey: spec.rootKey,
    identifier: spec.identifier,
    location: spec.location,
  });
  for (const c of spec.caveats) {
    m = 'first' in c ? addFirstPartyCaveat(m, c.first) : addThirdPartyCaveat(m, c.third);
  }
  return m;
}

/** The discharges a spec's third-party caveats need, bound to `root`. */
export function discharges(spec: MacaroonSpec, root: Macaroon): Macaroon[] {
  return spec.caveats.flatMap((c) => {
    if (!('third' in c)) return [];
    let d = createMacaroon({
      rootKey: c.third.rootKey,
      identifier: c.third.identifier,
      location: c.third.location,
    });
    for (const dc of c.third.dischargeCaveats) d = addFirstPartyCaveat(d, dc);
    return [bindDischarge(root, d)];
  });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Everything a macaroon carries, as plain data (locations kept apart: they are not signed). */
export function signedParts(m: Macaroon): unknown {
  return {
    identifier: hex(m.identifier),
    caveats: m.caveats.map((c) =>
      c.kind === 'first-party' ? hex(c.identifier) : [hex(c.identifier), hex(c.verificationId)],
    ),
    signature: hex(m.signature),
  };
}

export function locations(m: Macaroon): unknown {
  return [m.location, ...m.caveats.map((c) => (c.kind === 'third-party' ? c.location : null))];
}

/** Asserts two macaroons are the same value. */
export function expectSame(a: Macaroon, b: Macaroon): void {
  expect(signedParts(a)).toEqual(signedParts(b));
  expect(locations(a)).toEqual(locations(b));
}
