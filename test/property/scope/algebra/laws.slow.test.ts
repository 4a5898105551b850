// The algebra's laws against the evaluator, long runs (`npm run test:slow`).
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

describe('scope algebra laws (long runs)', () => {
  it('contains is sound', () => containsIsSound(15_000));
  it('contains on one path agrees with enumeration', () => containsAgreesWithEnumeration(10_000));
  it('containment is a partial order', () => containmentIsAPartialOrder(5_000));
  it('intersect is conjunction and union is disjunction', () => intersectAndUnion(5_000));
  it('simplify keeps the meaning and is idempotent', () => simplifyKeepsMeaning(5_000));
  it('residual agrees with evaluation', () => residualAgrees(4_000));
  it('satisfiable agrees with evaluation', () => satisfiableAgrees(8_000));
  it('neededScope allows the request', () => neededScopeAllowsTheRequest(3_000));
});
