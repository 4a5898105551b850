/**
 * Partial evaluation: what a scope still asks of `args` once the tool (and, optionally, the
 * time) is fixed. Tool discovery runs this for every registered tool, so the common case is
 * cheap: comparisons on `tool` and `time` are decided on the spot, the condition is folded, and
 * only when something on `args` remains does the simplifier (and its solver) run. Without a
 * `time`, comparisons on `time` stay in the residual condition.
 */
import { assertObject, assertString, isValidDate } from '../../_assert.js';
import type { Condition } from '../ast.js';
import { printCondition } from '../print.js';
import { FALSE, TRUE, and, nnf, or } from '../build.js';
import { readScope } from './_input.js';
import type { ScopeInput } from './_input.js';
import { budgetFor } from './_run.js';
import { Simplifier } from './_simplifier.js';
import { evalStr } from './_strings.js';
import { comparisonSets } from './_translate.js';
import type { AlgebraOptions } from './limits.js';

/** What is fixed: the tool, and optionally the verifier's clock. */
export interface ResidualContext {
  readonly tool: string;
  readonly time?: Date;
}

/** The answer of `residual`. */
export interface Residual {
  /**
   * `allowed`: every `args` is allowed (at every time, when no time was given); `denied`: none
   * is; `conditional`: exactly the `args` meeting `condition`.
   */
  readonly status: 'allowed' | 'denied' | 'conditional';
  /** For `conditional`: the simplified condition on `args` (and `time`, when not fixed), as text. */
  readonly condition?: string;
}

/**
 * The condition a scope leaves on `args` once `context.tool` (and `context.time`) are fixed.
 * If a limit stops the simplification, the status is `conditional` with an exact but less
 * simplified condition (it may then be one that every or no `args` meets).
 *
 * @example
 * ```ts
 * const scope = ['tool ~ "fs.*"', 'args.path ~ "/repo/**" or tool == "fs.list"'];
 * residual(scope, { tool: 'fs.read' });  // { status: 'conditional', condition: 'args.path ~ "/repo/**"' }
 * residual(scope, { tool: 'fs.list' });  // { status: 'allowed' }
 * residual(scope, { tool: 'shell.run' }); // { status: 'denied' }
 * ```
 */
export function residual(
  scope: ScopeInput,
  context: ResidualContext,
  options?: AlgebraOptions,
): Residual {
  const conditions = readScope(scope, 'scope');
  assertObject(context, 'context');
  assertString(context.tool, 'context.tool');
  let time: number | undefined;
  if (context.time !== undefined) {
    if (!isValidDate(context.time)) throw new TypeError('context.time must be a valid Date');
    time = context.time.getTime();
  }
  const fixed = fix(nnf(and(conditions)), context.tool, time);
  if (fixed.kind === 'constant') return { status: fixed.value ? 'allowed' : 'denied' };
  const simplifier = new Simplifier(budgetFor(options));
  const rest = simplifier.run(fixed);
  if (rest.kind === 'constant') return { status: rest.value ? 'allowed' : 'denied' };
  return { status: 'conditional', condition: printCondition(rest) };
}

/**
 * One condition with `tool` fixed, simplified: `TRUE` when every request for that tool meets
 * it, `FALSE` when none does, else what it still asks of `args` and `time`. The AST form of
 * `residual` for one condition, without a clock.
 *
 * @example
 * ```ts
 * printCaveat(withTool(parseCondition('tool != "bank.transfer" or args.amount <= 100'), 'bank.transfer'));
 * // 'args.amount <= 100'
 * ```
 */
export function withTool(condition: Condition, tool: string, options?: AlgebraOptions): Condition {
  const fixed = fix(nnf(condition), tool, undefined);
  if (fixed.kind === 'constant') return fixed;
  return new Simplifier(budgetFor(options)).run(fixed);
}

/**
 * Decides the comparisons on `tool` (and `time`) in a negation-normal condition and folds the
 * constants. In negation normal form every comparison is in a monotone position, so a
 * comparison that is false or undefined there can be replaced by `false`.
 */
function fix(c: Condition, tool: string, time: number | undefined): Condition {
  switch (c.kind) {
    case 'compare':
    case 'member':
      if (c.path.root === 'tool') return evalStr(comparisonSets(c).t.str, tool) ? TRUE : FALSE;
      if (c.path.root === 'time' && time !== undefined)
        return comparisonSets(c).t.num.has(time) ? TRUE : FALSE;
      return c;
    case 'and':
    case 'or': {
      const isAnd = c.kind === 'and';
      const out: Condition[] = [];
      for (const o of c.operands) {
        const f = fix(o, tool, time);
        if (f.kind === 'constant') {
          if (f.value !== isAnd) return f;
          continue;
        }
        out.push(f);
      }
      return isAnd ? and(out) : or(out);
    }
    default:
      return c;
  }
}
