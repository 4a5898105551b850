/**
 * The fuzz-style properties of `decodeMacaroon`, shared by the quick suite (fuzz.test.ts) and
 * the long one (fuzz.slow.test.ts): on random bytes, random strings, and valid tokens with
 * random edits, it returns a macaroon or throws one of the library's own errors (malformed or
 * limit), never a RangeError, TypeError or stack overflow; and whatever it returns re-encodes
 * and verifies (or fails verification) without throwing anything else.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  MacaroonLimitError,
  MacaroonMalformedError,
  verifyMacaroonSignature,
} from '../../../src/macaroon/index.js';
import { build, macaroonSpec } from './_arbitrary.js';

/** Decodes, and if that works, encodes and verifies too: only the library's errors may come out. */
export function probe(input: string | Uint8Array): void {
  let m;
  try {
    m = decodeMacaroon(input);
  } catch (err) {
    if (!(err instanceof MacaroonMalformedError || err instanceof MacaroonLimitError)) throw err;
    return;
  }
  for (const format of ['v2', 'v2j', 'v1'] as const) {
    try {
      encodeMacaroon(m, { format });
    } catch (err) {
      if (!(err instanceof MacaroonLimitError)) throw err;
    }
  }
  try {
    verifyMacaroonSignature(m, 'some key');
  } catch (err) {
    expect(err).toHaveProperty(
      'code',
      expect.stringMatching(/^ERR_MACAROON_(SIGNATURE|DISCHARGE)$/),
    );
  }
}

/** Random edits of a byte array: flips, insertions, deletions, overwrites with boundary values. */
const edits = fc.array(
  fc.record({
    kind: fc.constantFrom('flip', 'insert', 'delete', 'set'),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 2, 4, 6, 0x20, 0x7f, 0x80, 0xff, 0x7b, 0x22),
  }),
  { minLength: 1, maxLength: 4 },
);

interface Edit {
  readonly kind: string;
  readonly at: number;
  readonly value: number;
}

function edit(bytes: Uint8Array, changes: readonly Edit[]): Uint8Array {
  const out = [...bytes];
  for (const c of changes) {
    const at = out.length === 0 ? 0 : c.at % out.length;
    if (c.kind === 'flip' && out.length > 0) out[at] = out[at]! ^ (1 << (c.value & 7));
    else if (c.kind === 'insert') out.splice(at, 0, c.value);
    else if (c.kind === 'delete') out.splice(at, 1);
    else if (out.length > 0) out[at] = c.value;
  }
  return Uint8Array.from(out);
}

export function fuzzProperties(numRuns: number): void {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => probe(bytes)),
    { numRuns },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      probe(Uint8Array.of(2, ...bytes)); // as v2 binary
      probe(Buffer.from(Uint8Array.of(2, ...bytes)).toString('base64url'));
    }),
    { numRuns },
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => probe(text)),
    { numRuns },
  );
  fc.assert(
    fc.property(fc.json({ maxDepth: 4 }), (json) => probe(json)),
    { numRuns },
  );
  fc.assert(
    fc.property(
      macaroonSpec({ maxCaveats: 4 }),
      edits,
      fc.constantFrom('binary', 'v2', 'v2j', 'v1'),
      (spec, changes, form) => {
        const m = build(spec);
        if (form === 'binary') probe(edit(encodeMacaroonBinary(m), changes));
        else
          probe(
            Buffer.from(
              edit(new TextEncoder().encode(encodeMacaroon(m, { format: form })), changes),
            ).toString('latin1'),
          );
      },
    ),
    { numRuns },
  );
}
