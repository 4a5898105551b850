/**
 * The one way to build condition ASTs in code: the way the parser does (frozen, `and`/`or`
 * flattened with at least two operands), so that a built AST prints and re-parses to itself and
 * DSL text is never joined by hand. Also the negation normal form. In Kleene logic every negation can be pushed down to
 * the comparisons without changing any of the three truth values: De Morgan holds, and each
 * comparison has an exact opposite — `not (p == v)` is `p != v`, `not (p < n)` is `p >= n`,
 * `not (p ~ g)` is `p !~ g`, `not (p in L)` is `p not in L` (each undefined exactly where the
 * other is), and `not (all p op v)` is `any p op' v`. So simplified scopes never contain `not`.
 */
import type { Comparison, Condition, Literal, Membership, Path, ScalarOperator } from './ast.js';

/**
 * The constant condition `true` (allows everything).
 *
 * @example
 * ```ts
 * printCaveat(TRUE); // 'true'
 * ```
 */
export const TRUE: Condition = Object.freeze({ kind: 'constant', value: true });
/**
 * The constant condition `false` (allows nothing).
 *
 * @example
 * ```ts
 * printCaveat(FALSE); // 'false'
 * ```
 */
export const FALSE: Condition = Object.freeze({ kind: 'constant', value: false });

const OPPOSITE: Readonly<Record<ScalarOperator, ScalarOperator>> = {
  '==': '!=',
  '!=': '==',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
  '~': '!~',
  '!~': '~',
};

/**
 * `path op value` (or `all`/`any path op value` with a quantifier).
 *
 * @example
 * ```ts
 * printCaveat(compare({ root: 'args', keys: ['amount'] }, '<=', { type: 'number', value: 100 }));
 * // 'args.amount <= 100'
 * ```
 */
export function compare(
  path: Path,
  op: ScalarOperator,
  value: Literal,
  quantifier: Comparison['quantifier'] = null,
): Condition {
  return Object.freeze({ kind: 'compare', quantifier, path, op, value: Object.freeze(value) });
}

/**
 * `path in [...]`, or `path not in [...]` when `negated`.
 *
 * @example
 * ```ts
 * printCaveat(member({ root: 'tool' }, false, [{ type: 'string', value: 'fs.read' }]));
 * // 'tool in ["fs.read"]'
 * ```
 */
export function member(
  path: Path,
  negated: boolean,
  values: readonly Literal[],
  quantifier: Membership['quantifier'] = null,
): Condition {
  return Object.freeze({
    kind: 'member',
    quantifier,
    path,
    negated,
    values: Object.freeze(values.map((v) => Object.freeze(v))),
  });
}

/**
 * `and` of the operands, flattened; `true` when empty, the operand itself when alone.
 *
 * @example
 * ```ts
 * printCaveat(and([parseCondition('args.a == 1'), parseCondition('args.b == 2 and args.c == 3')]));
 * // 'args.a == 1 and args.b == 2 and args.c == 3'
 * ```
 */
export function and(operands: readonly Condition[]): Condition {
  return junction('and', operands);
}

/**
 * `or` of the operands, flattened; `false` when empty, the operand itself when alone.
 *
 * @example
 * ```ts
 * printCaveat(or([parseCondition('tool == "a"'), parseCondition('tool == "b"')]));
 * // 'tool == "a" or tool == "b"'
 * ```
 */
export function or(operands: readonly Condition[]): Condition {
  return junction('or', operands);
}

/**
 * `not operand`.
 *
 * @example
 * ```ts
 * printCaveat(not(parseCondition('tool ~ "shell.*"'))); // 'not tool ~ "shell.*"'
 * ```
 */
export function not(operand: Condition): Condition {
  return Object.freeze({ kind: 'not', operand });
}

/**
 * `time < at` (`at` in ms since the epoch): an expiry or a time box.
 *
 * @example
 * ```ts
 * printCaveat(timeBefore(Date.UTC(2026, 0, 1))); // 'time < 2026-01-01T00:00:00Z'
 * ```
 */
export function timeBefore(at: number): Condition {
  return compare(TIME, '<', { type: 'instant', ms: at });
}

/**
 * `time == at` (`at` in ms): the algebra's way of asking "at this moment".
 *
 * @example
 * ```ts
 * contains(grantorScope, [...requested, timeAt(Date.now())]);
 * ```
 */
export function timeAt(at: number): Condition {
  return compare(TIME, '==', { type: 'instant', ms: at });
}

const TIME: Path = Object.freeze({ root: 'time' });

function junction(kind: 'and' | 'or', operands: readonly Condition[]): Condition {
  const flat = operands.some((o) => o.kind === kind)
    ? operands.flatMap((o) => (o.kind === kind ? o.operands : [o]))
    : operands;
  if (flat.length === 0) return kind === 'and' ? TRUE : FALSE;
  if (flat.length === 1) return flat[0] as Condition;
  return Object.freeze({ kind, operands: Object.freeze([...flat]) });
}

/**
 * The same condition (in all three truth values) without `not`; `negate` builds its negation.
 *
 * @example
 * ```ts
 * printCaveat(nnf(parseCondition('not (args.n < 3)'))); // 'args.n >= 3'
 * ```
 */
export function nnf(c: Condition, negate = false): Condition {
  switch (c.kind) {
    case 'constant':
      return c.value !== negate ? TRUE : FALSE;
    case 'not':
      return nnf(c.operand, !negate);
    case 'and':
    case 'or': {
      const operands = c.operands.map((o) => nnf(o, negate));
      return (c.kind === 'and') !== negate ? and(operands) : or(operands);
    }
    case 'compare':
      if (!negate) return c;
      return compare(c.path, OPPOSITE[c.op], c.value, flip(c.quantifier));
    case 'member':
      if (!negate) return c;
      return member(c.path, !c.negated, c.values, flip(c.quantifier));
  }
}

function flip(q: Comparison['quantifier']): Comparison['quantifier'] {
  return q === 'all' ? 'any' : q === 'any' ? 'all' : null;
}

/**
 * Number of comparisons (leaves) in a condition: the size the simplifier minimizes.
 *
 * @example
 * ```ts
 * size(parseCondition('args.a == 1 or args.b == 2')); // 2
 * ```
 */
export function size(c: Condition): number {
  switch (c.kind) {
    case 'constant':
    case 'compare':
    case 'member':
      return 1;
    case 'not':
      return size(c.operand);
    case 'and':
    case 'or':
      return c.operands.reduce((n, o) => n + size(o), 0);
  }
}
