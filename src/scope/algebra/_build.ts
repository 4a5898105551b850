/**
 * Building condition ASTs the way the parser does (frozen, `and`/`or` flattened with at least two
 * operands), and the negation normal form. In Kleene logic every negation can be pushed down to
 * the comparisons without changing any of the three truth values: De Morgan holds, and each
 * comparison has an exact opposite — `not (p == v)` is `p != v`, `not (p < n)` is `p >= n`,
 * `not (p ~ g)` is `p !~ g`, `not (p in L)` is `p not in L` (each undefined exactly where the
 * other is), and `not (all p op v)` is `any p op' v`. So simplified scopes never contain `not`.
 */
import type { Comparison, Condition, Literal, Membership, Path, ScalarOperator } from '../ast.js';

export const TRUE: Condition = Object.freeze({ kind: 'constant', value: true });
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

export function compare(
  path: Path,
  op: ScalarOperator,
  value: Literal,
  quantifier: Comparison['quantifier'] = null,
): Condition {
  return Object.freeze({ kind: 'compare', quantifier, path, op, value: Object.freeze(value) });
}

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

/** `and` of the operands, flattened; `true` when empty, the operand itself when alone. */
export function and(operands: readonly Condition[]): Condition {
  return junction('and', operands);
}

/** `or` of the operands, flattened; `false` when empty, the operand itself when alone. */
export function or(operands: readonly Condition[]): Condition {
  return junction('or', operands);
}

function junction(kind: 'and' | 'or', operands: readonly Condition[]): Condition {
  const flat = operands.some((o) => o.kind === kind)
    ? operands.flatMap((o) => (o.kind === kind ? o.operands : [o]))
    : operands;
  if (flat.length === 0) return kind === 'and' ? TRUE : FALSE;
  if (flat.length === 1) return flat[0] as Condition;
  return Object.freeze({ kind, operands: Object.freeze([...flat]) });
}

/** The same condition (in all three truth values) without `not`; `negate` builds its negation. */
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

/** Number of comparisons (leaves) in a condition: the size the simplifier minimizes. */
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
