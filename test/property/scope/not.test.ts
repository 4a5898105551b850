// `not` never turns a missing field into a pass: a negation holds only when its operand is
// definitely false, and a condition built only from comparisons on missing fields never holds,
// however many `not`s, `and`s and `or`s surround them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/scope/ast.js';
import { compileCaveat, evaluateCaveat } from '../../../src/scope/index.js';
import { ROOMY, conditionArb, requestArb } from './_arbitraries.js';

function hasToolOrTime(c: Condition): boolean {
  switch (c.kind) {
    case 'not':
      return hasToolOrTime(c.operand);
    case 'and':
    case 'or':
      return c.operands.some(hasToolOrTime);
    case 'constant':
      return false;
    default:
      return c.path.root !== 'args';
  }
}

describe('not and missing fields', () => {
  it('not c holds only when c is false', () => {
    fc.assert(
      fc.property(conditionArb({ maxDepth: 3 }), requestArb(), (c, request) => {
        const negated = compileCaveat({ kind: 'not', operand: c }, ROOMY);
        if (negated(request)) expect(compileCaveat(c, ROOMY).truth(request)).toBe(false);
        else expect(compileCaveat(c, ROOMY).truth(request)).not.toBe(false);
      }),
      { numRuns: 1500 },
    );
  });

  it('a condition over args only never holds when args is empty, negated or not', () => {
    fc.assert(
      fc.property(conditionArb({ maxDepth: 4, constants: false }), requestArb(), (c, request) => {
        fc.pre(!hasToolOrTime(c));
        const empty = { ...request, args: {} };
        for (const candidate of [c, { kind: 'not', operand: c } as Condition]) {
          const evaluation = evaluateCaveat(candidate, empty, ROOMY);
          expect(evaluation.holds).toBe(false);
          expect(evaluation.value).toBeUndefined();
          expect(evaluation.reason).toMatch(/is missing$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('removing a field never turns a refusal into a pass for a negated comparison', () => {
    fc.assert(
      fc.property(conditionArb({ maxDepth: 0, constants: false }), requestArb(), (c, request) => {
        fc.pre(
          c.kind !== 'constant' &&
            c.kind !== 'not' &&
            c.kind !== 'and' &&
            c.kind !== 'or' &&
            c.path.root === 'args',
        );
        const key = (c as unknown as { path: { keys: string[] } }).path.keys[0] as string;
        const rest = { ...request.args };
        delete rest[key];
        const without = { ...request, args: rest };
        expect(compileCaveat({ kind: 'not', operand: c }, ROOMY)(without)).toBe(false);
        expect(compileCaveat(c, ROOMY)(without)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
