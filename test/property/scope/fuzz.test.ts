// Quick fuzzing of the parser (the long runs are in fuzz.slow.test.ts): arbitrary text gives
// an AST or a scope error (syntax, type or limit), never another exception.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkParses, mutatedCaveatArb, tokenSoupArb } from './_fuzz.js';

describe('parser fuzz (quick)', () => {
  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), checkParses), {
      numRuns: 1000,
    });
  });

  it('token soup', () => {
    fc.assert(fc.property(tokenSoupArb, checkParses), { numRuns: 2000 });
  });

  it('valid caveats with random edits', () => {
    fc.assert(fc.property(mutatedCaveatArb, checkParses), { numRuns: 2000 });
  });
});
