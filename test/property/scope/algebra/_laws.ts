/**
 * The laws of the scope algebra, each checked against the DSL's evaluator (`evaluateCaveat`) on
 * requests drawn from the scopes under test. Shared by the default suite (fewer runs) and the
 * slow suite (many more). Every law asserts that no answer is `'unknown'`: the generated scopes
 * are small, and the time limit is raised so that a loaded machine cannot cause one.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  contains,
  equivalent,
  intersect,
  neededScope,
  residual,
  satisfiable,
  simplify,
  union,
} from '../../../../src/scope/algebra/index.js';
import type { AlgebraOptions } from '../../../../src/scope/algebra/index.js';
import type { Condition, ScopeRequest } from '../../../../src/scope/ast.js';
import { evaluateCaveat, printCaveat } from '../../../../src/scope/index.js';
import {
  INSTANTS,
  TOOLS,
  relatedPairArb,
  requestFor,
  samePathPairArb,
  scopeArb,
  universeFor,
} from './_generators.js';

/** Generous limits: the laws are about answers, not speed. */
export const OPTIONS: AlgebraOptions = { limits: { timeLimitMs: 30_000 } };
const REQUESTS = 25;

export function allows(scope: readonly Condition[], request: ScopeRequest): boolean {
  return scope.every((c) => evaluateCaveat(c, request).holds);
}

const show = (scope: readonly Condition[]) => scope.map((c) => printCaveat(c)).join(' ;; ');

/** `contains` is sound both ways: contained ⇒ no request separates; not contained ⇒ the witness does. */
export function containsIsSound(numRuns: number): void {
  fc.assert(
    fc.property(relatedPairArb(2), fc.integer(), ([outer, inner], seed) => {
      const r = contains(outer, inner, OPTIONS);
      expect(r.contained, `${show(outer)} ⊇ ${show(inner)}`).not.toBe('unknown');
      if (r.contained === false) {
        expect(allows(inner, r.witness)).toBe(true);
        expect(allows(outer, r.witness)).toBe(false);
        return;
      }
      for (const request of fc.sample(requestFor([...outer, ...inner]), {
        numRuns: REQUESTS,
        seed,
      })) {
        if (allows(inner, request))
          expect(
            allows(outer, request),
            `${show(outer)} ⊇ ${show(inner)} on ${JSON.stringify(request)}`,
          ).toBe(true);
      }
    }),
    { numRuns },
  );
}

/** Requests that put every value of a finite universe at one path. */
function everyValueAt(c: Condition, d: Condition): ScopeRequest[] {
  const path = c.kind === 'compare' || c.kind === 'member' ? c.path : null;
  const at = new Date(INSTANTS[0]);
  if (path === null || path.root === 'time') {
    return INSTANTS.flatMap((ms) => [ms - 1, ms, ms + 1]).map((ms) => ({
      tool: 't',
      args: {},
      time: new Date(ms),
    }));
  }
  const values = universeFor([c, d]);
  if (path.root === 'tool') {
    return [...TOOLS, ...values.filter((v): v is string => typeof v === 'string')].map((tool) => ({
      tool,
      args: {},
      time: at,
    }));
  }
  const put = (v: unknown): Record<string, unknown> => {
    const args: Record<string, unknown> = {};
    let o = args;
    path.keys.forEach((k, i) => {
      const next = i === path.keys.length - 1 ? v : {};
      Object.defineProperty(o, k, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      o = next as Record<string, unknown>;
    });
    return args;
  };
  return [
    { tool: 't', args: {}, time: at },
    ...values.map((v) => ({ tool: 't', args: put(v), time: at })),
  ];
}

/**
 * For two comparisons on one path, "contained" is checked against *every* value of a finite
 * universe (all strings up to length 4 over the glob alphabet, the literals and their
 * neighbours, small arrays, an object, the missing value).
 */
export function containsAgreesWithEnumeration(numRuns: number): void {
  fc.assert(
    fc.property(samePathPairArb, ([c, d]) => {
      const r = contains([c], [d], OPTIONS);
      expect(r.contained).not.toBe('unknown');
      if (r.contained !== true) return;
      for (const request of everyValueAt(c, d)) {
        if (evaluateCaveat(d, request).holds)
          expect(
            evaluateCaveat(c, request).holds,
            `${printCaveat(c)} ⊇ ${printCaveat(d)} on ${JSON.stringify(request)}`,
          ).toBe(true);
      }
    }),
    { numRuns },
  );
}

/** Containment is reflexive, transitive, and antisymmetric up to equivalence. */
export function containmentIsAPartialOrder(numRuns: number): void {
  const chain = fc
    .tuple(relatedPairArb(2), scopeArb(1), fc.boolean())
    .map(([[a, b], extra, attenuate]) => [a, b, attenuate ? [...b, ...extra] : extra] as const);
  fc.assert(
    fc.property(chain, fc.integer(), ([a, b, c], seed) => {
      expect(contains(a, a, OPTIONS).contained).toBe(true);
      const ab = contains(a, b, OPTIONS).contained;
      const bc = contains(b, c, OPTIONS).contained;
      if (ab === true && bc === true)
        expect(contains(a, c, OPTIONS).contained, `${show(a)} ⊇ ${show(b)} ⊇ ${show(c)}`).toBe(
          true,
        );
      const ba = contains(b, a, OPTIONS).contained;
      if (ab === true && ba === true) {
        expect(equivalent(a, b, OPTIONS)).toEqual({ equivalent: true });
        for (const request of fc.sample(requestFor([...a, ...b]), { numRuns: REQUESTS, seed }))
          expect(allows(a, request)).toBe(allows(b, request));
      }
    }),
    { numRuns },
  );
}

/** `intersect` is the conjunction and `union` the disjunction, request by request. */
export function intersectAndUnion(numRuns: number): void {
  fc.assert(
    fc.property(relatedPairArb(2), fc.integer(), ([a, b], seed) => {
      const both = intersect(a, b, OPTIONS);
      const either = union(a, b, OPTIONS);
      for (const request of fc.sample(requestFor([...a, ...b]), { numRuns: REQUESTS, seed })) {
        const inA = allows(a, request);
        const inB = allows(b, request);
        expect(
          evaluateCaveat(both.text, request).holds,
          `${show(a)} ∩ ${show(b)} = ${both.text}`,
        ).toBe(inA && inB);
        expect(
          evaluateCaveat(either.text, request).holds,
          `${show(a)} ∪ ${show(b)} = ${either.text}`,
        ).toBe(inA || inB);
      }
    }),
    { numRuns },
  );
}

/** `simplify` keeps the meaning (request by request, and by the algebra's own equivalence), and is idempotent. */
export function simplifyKeepsMeaning(numRuns: number): void {
  fc.assert(
    fc.property(scopeArb(3), fc.integer(), (scope, seed) => {
      const s = simplify(scope, OPTIONS);
      expect(s.complete).toBe(true);
      for (const request of fc.sample(requestFor(scope), { numRuns: REQUESTS, seed })) {
        expect(
          evaluateCaveat(s.text, request).holds,
          `${show(scope)} => ${s.text} on ${JSON.stringify(request)}`,
        ).toBe(allows(scope, request));
      }
      expect(equivalent(scope, s.condition, OPTIONS)).toEqual({ equivalent: true });
      expect(simplify(s.condition, OPTIONS).text).toBe(s.text);
    }),
    { numRuns },
  );
}

/** `residual` agrees with evaluation for every request with that tool (and time, or any time). */
export function residualAgrees(numRuns: number): void {
  fc.assert(
    fc.property(scopeArb(2), fc.integer(), (scope, seed) => {
      for (const request of fc.sample(requestFor(scope), { numRuns: REQUESTS, seed })) {
        const expected = allows(scope, request);
        for (const context of [
          { tool: request.tool, time: request.time },
          { tool: request.tool },
        ]) {
          const r = residual(scope, context, OPTIONS);
          const got =
            r.status === 'allowed'
              ? true
              : r.status === 'denied'
                ? false
                : evaluateCaveat(r.condition as string, request).holds;
          expect(
            got,
            `${show(scope)} with ${JSON.stringify(context)}: ${JSON.stringify(r)} on ${JSON.stringify(request)}`,
          ).toBe(expected);
        }
      }
    }),
    { numRuns },
  );
}

/** `satisfiable`: an example is allowed; "unsatisfiable" means no request is. */
export function satisfiableAgrees(numRuns: number): void {
  fc.assert(
    fc.property(scopeArb(2), fc.integer(), (scope, seed) => {
      const r = satisfiable(scope, OPTIONS);
      expect(r.satisfiable).not.toBe('unknown');
      if (r.satisfiable === true) expect(allows(scope, r.example)).toBe(true);
      else
        for (const request of fc.sample(requestFor(scope), { numRuns: REQUESTS, seed }))
          expect(allows(scope, request)).toBe(false);
    }),
    { numRuns },
  );
}

/** `neededScope`: the minimal scope and every suggestion allow the request. */
export function neededScopeAllowsTheRequest(numRuns: number): void {
  fc.assert(
    fc.property(scopeArb(2), fc.integer(), (scope, seed) => {
      for (const request of fc.sample(requestFor(scope), { numRuns: 5, seed })) {
        const n = neededScope(scope, request, OPTIONS);
        expect(n.allowed).toBe(allows(scope, request));
        expect(n.failing.length === 0).toBe(n.allowed);
        expect(evaluateCaveat(n.scope, request).holds).toBe(true);
        for (const s of n.suggestions) {
          expect(evaluateCaveat(s.scope, request).holds).toBe(true);
          expect(s.contained).not.toBe('unknown');
        }
      }
    }),
    { numRuns },
  );
}
