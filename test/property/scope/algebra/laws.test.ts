// The algebra's laws against the evaluator, at default-suite sizes (the slow suite runs the same
// laws many more times: laws.slow.test.ts).
import { describe, it } from 'vitest';
import {
  containmentIsAPartialOrder,
  containsAgreesWithEnumeration,
  containsIsSound,
  intersectAndUnion,
  neededScopeAllowsTheRequest,
  residualAgrees,
  satisfiableAgrees,
  simplifyKeepsMeaning,
} from './_laws.js';

describe('scope algebra laws', () => {
  it('contains is sound: contained ⇒ no request separates; not contained ⇒ the witness separates', () =>
    containsIsSound(1000));
  it('contains of two comparisons on one path agrees with enumerating a finite universe', () =>
    containsAgreesWithEnumeration(1000));
  it('containment is a partial order (reflexive, transitive, antisymmetric up to equivalence)', () =>
    containmentIsAPartialOrder(500));
  it('intersect is conjunction and union is disjunction', () => intersectAndUnion(500));
  it('simplify keeps the meaning and is idempotent', () => simplifyKeepsMeaning(500));
  it('residual agrees with evaluation for every args', () => residualAgrees(400));
  it('satisfiable agrees with evaluation', () => satisfiableAgrees(1000));
  it('neededScope allows the request', () => neededScopeAllowsTheRequest(300));
});
