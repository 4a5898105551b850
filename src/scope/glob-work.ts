/**
 * The work budget of the glob operators. Matching is linear in the value's length, but an agent
 * chooses its arguments: one caveat that ORs 29 long patterns, against a 1 MB argument, cost a
 * second of matching per call. So the evaluator prices a caveat's globs for a request before it
 * matches any (`globWork`), and above `maxGlobWork` every glob comparison of the caveat is
 * undefined for that request: the caveat fails closed, with a reason naming the limit.
 *
 * The price is what the request could make the caveat read, not what one evaluation order
 * happens to read (`or` stops at the first true operand), so the compiled predicate and the
 * explaining evaluator always agree on which requests are over budget. A value costs its length
 * plus one (a non-string value costs 1, and `all`/`any` pay for every element), times the
 * pattern's weight, 1 + ⌊pattern length / 32⌋: the matcher runs one 32-bit word per 32 pattern
 * positions.
 */
import type { Condition, ScopeRequest } from './ast.js';
import { MISSING, pathReader } from './semantics.js';

/** One glob comparison of a caveat, as the budget sees it. */
interface GlobRead {
  readonly read: (request: ScopeRequest) => unknown;
  readonly weight: number;
  readonly quantified: boolean;
}

const plans = new WeakMap<Condition, readonly GlobRead[]>();

/**
 * The weight of a glob pattern: what matching it costs per character of value.
 *
 * @example
 * ```ts
 * globWeight('/repo/**');       // 1
 * globWeight('*a'.repeat(128)); // 9
 * ```
 */
export function globWeight(pattern: string): number {
  return 1 + Math.floor(pattern.length / 32);
}

/**
 * The glob work a request costs a condition: the sum, over the condition's `~` and `!~`
 * comparisons, of each value's length plus one (1 for a value that is not a string; every
 * element for `all`/`any`; nothing for a missing value) times `globWeight` of the pattern.
 * Counting stops once the sum passes `cap`. The evaluator compares it with `maxGlobWork`.
 *
 * @example
 * ```ts
 * const condition = parseCondition('args.path ~ "/repo/**" or args.path ~ "/tmp/**"');
 * globWork(condition, { tool: 'fs.read', args: { path: '/repo/a.ts' }, time: new Date() }); // 22
 * ```
 */
export function globWork(condition: Condition, request: ScopeRequest, cap = Infinity): number {
  let work = 0;
  for (const glob of planOf(condition)) {
    const value = glob.read(request);
    if (value === MISSING) continue;
    work += valueWork(value, glob.weight, glob.quantified, cap - work);
    if (work > cap) return work;
  }
  return work;
}

/**
 * How many glob comparisons (`~`, `!~`) a condition holds.
 *
 * @example
 * ```ts
 * globCount(parseCondition('args.a ~ "x" or args.b !~ "y"')); // 2
 * ```
 */
export function globCount(condition: Condition): number {
  return planOf(condition).length;
}

/**
 * The work of one glob comparison on the value it reads: `weight` times the value's cost (its
 * length + 1 for a string, 1 otherwise), summed over the elements under a quantifier; stops
 * counting once past `cap`.
 *
 * @example
 * ```ts
 * valueWork('/repo/a.ts', globWeight('/repo/**'), false); // 11
 * ```
 */
export function valueWork(
  value: unknown,
  weight: number,
  quantified: boolean,
  cap = Infinity,
): number {
  if (!quantified || !Array.isArray(value)) return weight * cost(value);
  let work = 0;
  for (const element of value as unknown[]) {
    work += weight * cost(element);
    if (work > cap) return work;
  }
  return work;
}

function cost(value: unknown): number {
  return typeof value === 'string' ? value.length + 1 : 1;
}

/** The glob comparisons of a condition (kept per AST node: parsed ASTs are frozen). */
function planOf(condition: Condition): readonly GlobRead[] {
  const hit = plans.get(condition);
  if (hit !== undefined) return hit;
  const plan: GlobRead[] = [];
  const walk = (node: Condition): void => {
    switch (node.kind) {
      case 'not':
        walk(node.operand);
        break;
      case 'and':
      case 'or':
        node.operands.forEach(walk);
        break;
      case 'compare':
        if (node.op === '~' || node.op === '!~') {
          plan.push({
            read: pathReader(node.path),
            weight: globWeight((node.value as { value: string }).value),
            quantified: node.quantifier !== null,
          });
        }
        break;
      default:
        break;
    }
  };
  walk(condition);
  plans.set(condition, plan);
  return plan;
}
