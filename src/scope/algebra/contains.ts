/**
 * Containment, equivalence and satisfiability of scopes, with example requests. Scope `outer`
 * contains scope `inner` when every request that `inner` allows, `outer` allows too, under the
 * three-valued, fail-closed semantics of ../ast.ts. That holds exactly when no request makes
 * `inner` true and `outer` not true, so each question is one satisfiability question for the
 * solver, and a satisfying request is the witness — checked with `evaluateCaveat` before it is
 * returned. The answer is `'unknown'` only when a limit of `AlgebraLimits` is reached; callers
 * must then act as if the answer were "not contained" (or "not known to be satisfiable").
 */
import type { Condition, ScopeRequest } from '../ast.js';
import { printCondition } from '../print.js';
import { size } from '../build.js';
import { fAnd } from './_formula.js';
import { readScope } from './_input.js';
import type { ScopeInput } from './_input.js';
import { budgetFor, confirm } from './_run.js';
import { solve } from './_solve.js';
import { scopeNotTrue, scopeTrue } from './_translate.js';
import { LimitExceeded } from './limits.js';
import type { AlgebraOptions, Budget } from './limits.js';

/** The answer of `contains`. */
export type Containment =
  | { readonly contained: true }
  /** `witness` is allowed by `inner` and refused by `outer`. */
  | { readonly contained: false; readonly witness: ScopeRequest }
  /** A limit was reached: treat as not contained. */
  | { readonly contained: 'unknown'; readonly reason: string };

/** The answer of `equivalent`. */
export type Equivalence =
  | { readonly equivalent: true }
  /** `witness` is allowed by the scope named in `allowedBy` and refused by the other. */
  | { readonly equivalent: false; readonly witness: ScopeRequest; readonly allowedBy: 'a' | 'b' }
  | { readonly equivalent: 'unknown'; readonly reason: string };

/** The answer of `satisfiable`. */
export type Satisfiability =
  /** `example` is a request the scope allows. */
  | { readonly satisfiable: true; readonly example: ScopeRequest }
  | { readonly satisfiable: false }
  | { readonly satisfiable: 'unknown'; readonly reason: string };

/**
 * Whether `outer` allows every request that `inner` allows. When not, `witness` is a request
 * `inner` allows and `outer` refuses (confirmed by `evaluateCaveat`). Scopes are caveat texts,
 * condition ASTs or arrays of them (conjunctions). Throws the parser's errors for bad text and
 * `TypeError` for a marker or a malformed AST; never throws for a limit (answers `'unknown'`).
 *
 * @example
 * ```ts
 * contains('args.path ~ "/repo/**"', 'args.path ~ "/repo/src/*.ts"'); // { contained: true }
 * contains('args.amount <= 100', 'args.amount <= 500');
 * // { contained: false, witness: { tool: 'example', args: { amount: 101 }, time: … } }
 * ```
 */
export function contains(
  outer: ScopeInput,
  inner: ScopeInput,
  options?: AlgebraOptions,
): Containment {
  const budget = budgetFor(options);
  return containment(readScope(outer, 'outer'), readScope(inner, 'inner'), budget);
}

/** `contains` on conditions already read, within `budget`. */
export function containment(
  outer: readonly Condition[],
  inner: readonly Condition[],
  budget: Budget,
): Containment {
  if (syntacticallyContained(outer, inner)) return { contained: true };
  try {
    budget.admit(comparisons(outer) + comparisons(inner));
    const witness = solve(fAnd([scopeTrue(inner), scopeNotTrue(outer)]), budget);
    if (witness === null) return { contained: true };
    confirm(inner, witness, true, 'the witness');
    confirm(outer, witness, false, 'the witness');
    return { contained: false, witness };
  } catch (err) {
    if (err instanceof LimitExceeded) return { contained: 'unknown', reason: err.reason };
    throw err;
  }
}

/** Attenuation only appends conditions: when every outer condition is among the inner ones, no search is needed. */
function comparisons(conditions: readonly Condition[]): number {
  return conditions.reduce((n, c) => n + size(c), 0);
}

function syntacticallyContained(outer: readonly Condition[], inner: readonly Condition[]): boolean {
  if (outer.every((o) => inner.includes(o))) return true;
  if (outer.length > inner.length + 8) return false;
  const texts = new Set(inner.map((c) => printCondition(c)));
  return outer.every((o) => texts.has(printCondition(o)));
}

/**
 * Whether `a` and `b` allow exactly the same requests. When not, `witness` is allowed by the
 * scope named in `allowedBy` and refused by the other.
 *
 * @example
 * ```ts
 * equivalent('args.n in [1, 2]', 'args.n == 1 or args.n == 2'); // { equivalent: true }
 * equivalent('not (args.n > 5)', 'args.n <= 5');                // { equivalent: true }
 * ```
 */
export function equivalent(a: ScopeInput, b: ScopeInput, options?: AlgebraOptions): Equivalence {
  const budget = budgetFor(options);
  const ca = readScope(a, 'a');
  const cb = readScope(b, 'b');
  const ab = containment(ca, cb, budget);
  if (ab.contained === 'unknown') return { equivalent: 'unknown', reason: ab.reason };
  if (ab.contained === false) return { equivalent: false, witness: ab.witness, allowedBy: 'b' };
  const ba = containment(cb, ca, budget);
  if (ba.contained === 'unknown') return { equivalent: 'unknown', reason: ba.reason };
  if (ba.contained === false) return { equivalent: false, witness: ba.witness, allowedBy: 'a' };
  return { equivalent: true };
}

/**
 * Whether some request is allowed by `scope`, with an example request (confirmed by
 * `evaluateCaveat`) when one is.
 *
 * @example
 * ```ts
 * satisfiable('args.n > 5 and args.n < 3');     // { satisfiable: false }
 * satisfiable('tool ~ "fs.*" and args.x == 1'); // { satisfiable: true, example: { tool: 'fs.', args: { x: 1 }, … } }
 * ```
 */
export function satisfiable(scope: ScopeInput, options?: AlgebraOptions): Satisfiability {
  const budget = budgetFor(options);
  return satisfiability(readScope(scope, 'scope'), budget);
}

/** `satisfiable` on conditions already read, within `budget`. */
export function satisfiability(conditions: readonly Condition[], budget: Budget): Satisfiability {
  try {
    budget.admit(comparisons(conditions));
    const example = solve(scopeTrue(conditions), budget);
    if (example === null) return { satisfiable: false };
    confirm(conditions, example, true, 'the example');
    return { satisfiable: true, example };
  } catch (err) {
    if (err instanceof LimitExceeded) return { satisfiable: 'unknown', reason: err.reason };
    throw err;
  }
}
