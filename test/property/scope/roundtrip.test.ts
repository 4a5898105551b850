// Printing is the inverse of parsing: for every well-typed normalized AST, parse(print(ast))
// deep-equals ast (the algebra writes caveats this way), and printing is canonical (idempotent).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaveat, printCaveat } from '../../../src/scope/index.js';
import { ROOMY, caveatArb, conditionArb } from './_arbitraries.js';

describe('printCaveat / parseCaveat round trip', () => {
  it('parse(print(a)) equals a for wide-vocabulary caveats', () => {
    fc.assert(
      fc.property(caveatArb({ vocabulary: 'wide', maxDepth: 4 }), (ast) => {
        expect(parseCaveat(printCaveat(ast, ROOMY), ROOMY)).toEqual(ast);
      }),
      { numRuns: 1500 },
    );
  });

  it('parse(print(a)) equals a for small-vocabulary conditions, and the printed text is a fixed point', () => {
    fc.assert(
      fc.property(conditionArb({ maxDepth: 4 }), (ast) => {
        const text = printCaveat(ast, ROOMY);
        const back = parseCaveat(text, ROOMY);
        expect(back).toEqual(ast);
        expect(printCaveat(back, ROOMY)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps -0 apart from 0 and every double exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const ast = parseCaveat(
          printCaveat({
            kind: 'compare',
            quantifier: null,
            path: { root: 'args', keys: ['n'] },
            op: '==',
            value: { type: 'number', value: n },
          }),
        );
        expect(
          ast.kind === 'compare' && Object.is(ast.value.type === 'number' && ast.value.value, n),
        ).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
