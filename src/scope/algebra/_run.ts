/**
 * Shared plumbing of the algebra's public functions: the budget of one call, the question
 * "which requests does this scope allow" as a formula, and the rule that every example request
 * the algebra returns is first checked with the DSL's own evaluator (`evaluateCaveat`). A failed
 * check is a bug in the algebra, never a reason to return a wrong answer: it throws.
 */
import type { Condition, ScopeRequest } from '../ast.js';
import { evaluateCaveat } from '../evaluate.js';
import { printCondition } from '../print.js';
import { sourceOf } from './_input.js';
import { Budget, resolveAlgebraLimits } from './limits.js';
import type { AlgebraOptions } from './limits.js';

/** The budget of one call: the caller's shared one, or a fresh one within `options.limits`. */
export function budgetFor(options: AlgebraOptions | undefined): Budget {
  const shared = options?.budget;
  if (shared === undefined) return new Budget(resolveAlgebraLimits(options));
  if (!(shared instanceof Budget))
    throw new TypeError('options.budget must be a budget made by algebraBudget');
  if (options?.limits !== undefined)
    throw new TypeError('options.limits and options.budget cannot both be given');
  return shared;
}

/** Whether every condition holds for `request`, by the DSL's evaluator. */
export function allows(conditions: readonly Condition[], request: ScopeRequest): boolean {
  return conditions.every((c) => evaluateCaveat(sourceOf(c) ?? c, request).holds);
}

/** Throws unless the evaluator agrees that the scope allows (or refuses) `request`. */
export function confirm(
  conditions: readonly Condition[],
  request: ScopeRequest,
  expected: boolean,
  what: string,
): void {
  if (allows(conditions, request) !== expected) {
    const scope = conditions.map((c) => printCondition(c)).join(' and ') || 'true';
    throw new Error(
      `scope algebra: ${what} ${JSON.stringify(request)} should be ${expected ? 'allowed' : 'refused'} by ${scope}, ` +
        'but the evaluator disagrees (this is a bug in the algebra; please report it)',
    );
  }
}
