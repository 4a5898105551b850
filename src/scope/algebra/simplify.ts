/**
 * Rewriting scopes: `simplify` (same meaning, canonical and smaller where possible),
 * `intersect` (the requests both scopes allow) and `union` (the requests either allows). Each
 * returns the result as a condition AST and as its canonical text. "Same meaning" is the set of
 * requests the scope allows: a contradiction becomes `false`, a scope every request meets
 * becomes `true`, but where a scope is refused the result may say "false" where the input said
 * "undefined" — so a result is for allowing and comparing, not for wrapping in `not`.
 */
import type { Condition } from '../ast.js';
import { printCondition } from '../print.js';
import { and, or } from '../build.js';
import { readScope } from './_input.js';
import type { ScopeInput } from './_input.js';
import { budgetFor } from './_run.js';
import { Simplifier } from './_simplifier.js';
import type { AlgebraOptions } from './limits.js';

/** A scope computed by the algebra. */
export interface ScopeResult {
  /** One condition (a normalized, frozen AST; `true`/`false` constants for the extremes). */
  readonly condition: Condition;
  /** Its canonical text (parses back to `condition`). */
  readonly text: string;
  /**
   * `false` when a limit stopped some simplification: the result still has the same meaning,
   * it may only be larger than it could be.
   */
  readonly complete: boolean;
}

function simplified(c: Condition, options: AlgebraOptions | undefined): ScopeResult {
  const simplifier = new Simplifier(budgetFor(options));
  const condition = simplifier.run(c);
  return { condition, text: printCondition(condition), complete: simplifier.complete };
}

/**
 * The same scope (it allows exactly the same requests), without `not`, with comparisons on one
 * path merged, redundant conditions dropped, operands in canonical order; `false` when nothing
 * is allowed and `true` when everything is.
 *
 * @example
 * ```ts
 * simplify('args.n > 1 and args.n > 5 and not (tool != "a")').text; // 'tool == "a" and args.n > 5'
 * simplify(['args.n > 5', 'args.n < 3']).text;                       // 'false'
 * ```
 */
export function simplify(scope: ScopeInput, options?: AlgebraOptions): ScopeResult {
  return simplified(and(readScope(scope, 'scope')), options);
}

/**
 * The scope allowing exactly the requests that both `a` and `b` allow, simplified.
 *
 * @example
 * ```ts
 * intersect('tool in ["a", "b"]', 'tool in ["b", "c"]').text; // 'tool == "b"'
 * ```
 */
export function intersect(a: ScopeInput, b: ScopeInput, options?: AlgebraOptions): ScopeResult {
  return simplified(and([...readScope(a, 'a'), ...readScope(b, 'b')]), options);
}

/**
 * The scope allowing exactly the requests that `a` or `b` allows, simplified.
 *
 * @example
 * ```ts
 * union('args.n <= 5', 'args.n > 5').text;       // 'args.n >= 0 or args.n < 0' (every number)
 * union('tool == "a"', 'tool == "b"').text;      // 'tool in ["a", "b"]'
 * ```
 */
export function union(a: ScopeInput, b: ScopeInput, options?: AlgebraOptions): ScopeResult {
  return simplified(or([and(readScope(a, 'a')), and(readScope(b, 'b'))]), options);
}
