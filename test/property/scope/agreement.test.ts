// The compiled predicate, the explaining evaluator and a plain reference interpreter (written
// from ast.ts with no shared code) agree on every random condition and request, including
// requests with non-JSON values and path aliases, and under a glob work budget small enough to
// be hit; and the predicate says yes exactly when the value is true.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCaveat, evaluateCaveat, printCaveat } from '../../../src/scope/index.js';
import { ROOMY, conditionArb, requestArb } from './_arbitraries.js';
import { referenceGlobWork, referenceTruth } from './_reference.js';

describe('evaluators agree', () => {
  it('compiled truth = reference truth = evaluateCaveat value', () => {
    fc.assert(
      fc.property(
        conditionArb({ maxDepth: 3 }),
        fc.array(requestArb(), { minLength: 1, maxLength: 4 }),
        (condition, requests) => {
          const compiled = compileCaveat(condition, ROOMY);
          for (const request of requests) {
            const expected = referenceTruth(condition, request);
            expect(compiled.truth(request)).toBe(expected);
            expect(compiled(request)).toBe(expected === true);
            const evaluation = evaluateCaveat(condition, request, ROOMY);
            expect(evaluation.value).toBe(expected);
            expect(evaluation.holds).toBe(expected === true);
          }
        },
      ),
      { numRuns: 2500 },
    );
  });

  it('a failing evaluation always names a sub-term of the caveat and a reason', () => {
    fc.assert(
      fc.property(conditionArb({ maxDepth: 3 }), requestArb(), (condition, request) => {
        const evaluation = evaluateCaveat(condition, request, ROOMY);
        if (evaluation.holds) {
          expect(evaluation.reason).toBeUndefined();
          return;
        }
        expect(evaluation.reason).toMatch(/\S/);
        expect(printCaveat(condition, ROOMY)).toContain(evaluation.term);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on comparisons alone, with many requests each (denser coverage of operators)', () => {
    fc.assert(
      fc.property(
        conditionArb({ maxDepth: 0, constants: false }),
        fc.array(requestArb(), { minLength: 5, maxLength: 10 }),
        (condition, requests) => {
          const compiled = compileCaveat(condition, ROOMY);
          for (const request of requests)
            expect(compiled.truth(request)).toBe(referenceTruth(condition, request));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees under a small glob work budget (every glob undefined above it)', () => {
    fc.assert(
      fc.property(
        conditionArb({ maxDepth: 3 }),
        fc.array(requestArb(), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40 }),
        (condition, requests, maxGlobWork) => {
          const options = { limits: { ...ROOMY.limits, maxGlobWork } };
          const compiled = compileCaveat(condition, options);
          for (const request of requests) {
            const expected = referenceTruth(condition, request, maxGlobWork);
            expect(compiled.truth(request)).toBe(expected);
            const evaluation = evaluateCaveat(condition, request, options);
            expect(evaluation.value).toBe(expected);
            if (expected !== true && referenceGlobWork(condition, request) > maxGlobWork)
              expect(evaluation.reason).toMatch(/\S/);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
