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
import { contains } from './contains.js';
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

/** A scope read as its alternatives: the requests it allows are those any one of them allows. */
export interface Alternatives {
  /** Canonical texts, one alternative each (a conjunction at most); `[]` when nothing is allowed. */
  readonly alternatives: readonly string[];
  /** As in `ScopeResult`: `false` when a limit stopped some simplification. */
  readonly complete: boolean;
}

/** Most alternatives `alternatives` lists; past it the scope is shown simplified, whole. */
const MAX_ALTERNATIVES = 32;

/**
 * The scope as a person reads it, one alternative per line: simplified, expanded into a
 * disjunction of conjunctions, each alternative simplified, empty ones dropped, and those that
 * another alternative already covers left out. `['true']` when everything is allowed, `[]` when
 * nothing is. Past 32 alternatives (or an algebra limit) it gives the simplified scope whole,
 * with `complete: false`.
 *
 * @example
 * ```ts
 * alternatives(['tool in ["a", "b"]', 'tool == "a" or args.n > 1']).alternatives;
 * // ['tool == "a"', 'tool == "b" and args.n > 1']
 * ```
 */
export function alternatives(scope: ScopeInput, options?: AlgebraOptions): Alternatives {
  const whole = simplify(scope, options);
  const { condition } = whole;
  if (condition.kind === 'constant') {
    return { alternatives: condition.value ? ['true'] : [], complete: whole.complete };
  }
  const expanded = disjuncts(condition);
  if (expanded === undefined) return { alternatives: [whole.text], complete: false };
  let complete = whole.complete;
  const parts: Condition[] = [];
  for (const conjunction of expanded) {
    const part = simplified(and(conjunction), options);
    complete &&= part.complete;
    if (part.condition.kind === 'constant' && !part.condition.value) continue;
    parts.push(part.condition);
  }
  const kept = parts.filter(
    (p, i) =>
      !parts.some(
        (q, j) =>
          j !== i &&
          contains([q], [p], options).contained === true &&
          (contains([p], [q], options).contained !== true || j < i),
      ),
  );
  const texts = [...new Set(kept.map((c) => printCondition(c)))];
  return { alternatives: texts, complete };
}

/** The condition (without `not`) as a disjunction of conjunctions, or `undefined` past the cap. */
function disjuncts(c: Condition): Condition[][] | undefined {
  switch (c.kind) {
    case 'or': {
      const out: Condition[][] = [];
      for (const o of c.operands) {
        const d = disjuncts(o);
        if (d === undefined || out.length + d.length > MAX_ALTERNATIVES) return undefined;
        out.push(...d);
      }
      return out;
    }
    case 'and': {
      let out: Condition[][] = [[]];
      for (const o of c.operands) {
        const d = disjuncts(o);
        if (d === undefined || out.length * d.length > MAX_ALTERNATIVES) return undefined;
        out = out.flatMap((left) => d.map((right) => [...left, ...right]));
      }
      return out;
    }
    default:
      return [[c]];
  }
}
