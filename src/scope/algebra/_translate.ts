/**
 * The three-valued DSL as two-valued formulas. For every condition c this computes four
 * formulas over requests: T(c) (c is true), F(c) (c is false), and their complements NT(c)
 * ("c does not hold": false or undefined) and NF(c). Undefined is what is neither true nor false,
 * so the fail-closed semantics of ast.ts is kept exactly: a comparison is true on the values its
 * operator accepts, false on the values of the right type that it rejects, and undefined on the
 * rest (missing paths, wrong types, path aliases for globs, non-instant strings
 * for instant literals, non-arrays for quantifiers). Kleene logic is then
 * T(not c) = F(c), T(c and d) = T(c) ∧ T(d), F(c and d) = F(c) ∨ F(d), and dually for `or`.
 */
import type { Comparison, Condition, Literal, Membership, ScalarOperator } from '../ast.js';
import { F_FALSE, F_TRUE, atom, fAnd, fOr, pathRef } from './_formula.js';
import type { Formula } from './_formula.js';
import { IntervalSet } from './_interval.js';
import type { Interval } from './_interval.js';
import { S_FALSE, S_NO_ALIAS, sAnd, sGlob, sIn, sInst, sNot, sOr } from './_strings.js';
import type { StrF } from './_strings.js';
import { aAll, aSome, arrays, elem, scalar, scalars, vNot } from './_values.js';
import type { ScalarSet, ValueSet } from './_values.js';

/** The four formulas of a condition. */
export interface Meaning {
  /** The condition is true. */
  readonly T: Formula;
  /** The condition is false. */
  readonly F: Formula;
  /** The condition is not true (false or undefined). */
  readonly NT: Formula;
  /** The condition is not false (true or undefined). */
  readonly NF: Formula;
}

const memo = new WeakMap<Condition, Meaning>();

export function meaning(c: Condition): Meaning {
  const hit = memo.get(c);
  if (hit !== undefined) return hit;
  let m: Meaning;
  switch (c.kind) {
    case 'constant':
      m = c.value
        ? { T: F_TRUE, F: F_FALSE, NT: F_FALSE, NF: F_TRUE }
        : { T: F_FALSE, F: F_TRUE, NT: F_TRUE, NF: F_FALSE };
      break;
    case 'not': {
      const x = meaning(c.operand);
      m = { T: x.F, F: x.T, NT: x.NF, NF: x.NT };
      break;
    }
    case 'and':
    case 'or': {
      const xs = c.operands.map(meaning);
      const all = c.kind === 'and' ? fAnd : fOr;
      const any = c.kind === 'and' ? fOr : fAnd;
      m = {
        T: all(xs.map((x) => x.T)),
        F: any(xs.map((x) => x.F)),
        NT: any(xs.map((x) => x.NT)),
        NF: all(xs.map((x) => x.NF)),
      };
      break;
    }
    default: {
      const { t, f } = comparisonSets(c);
      const path = pathRef(c.path);
      m = { T: atom(path, t), F: atom(path, f), NT: atom(path, vNot(t)), NF: atom(path, vNot(f)) };
    }
  }
  memo.set(c, m);
  return m;
}

/** The values at the comparison's path on which it is true (`t`) and false (`f`). */
export function comparisonSets(c: Comparison | Membership): { t: ValueSet; f: ValueSet } {
  const time = c.path.root === 'time';
  const { t, f } =
    c.kind === 'member' ? memberSets(c.values, c.negated) : opSets(c.op, c.value, time);
  if (c.quantifier === null) return { t: scalars(t), f: scalars(f) };
  const domain = time ? 'int' : 'real';
  if (c.quantifier === 'all')
    return { t: arrays(aAll(elem(t)), domain), f: arrays(aSome(elem(f)), domain) };
  return { t: arrays(aSome(elem(t)), domain), f: arrays(aAll(elem(f)), domain) };
}

/** The scalars (or, on `time`, instants) on which `value op literal` is true and false. */
function opSets(op: ScalarOperator, lit: Literal, time: boolean): { t: ScalarSet; f: ScalarSet } {
  switch (op) {
    case '==':
      return equalSets(lit, time);
    case '!=': {
      const { t, f } = equalSets(lit, time);
      return { t: f, f: t };
    }
    case '~':
    case '!~': {
      const g = sGlob((lit as { value: string }).value);
      const yes = stringsOnly(sAnd([g, S_NO_ALIAS]));
      const no = stringsOnly(sAnd([sNot(g), S_NO_ALIAS]));
      return op === '~' ? { t: yes, f: no } : { t: no, f: yes };
    }
    default: {
      const bound = lit.type === 'number' ? lit.value : (lit as { ms: number }).ms;
      const range = orderRange(op, bound, lit.type === 'number' ? 'real' : 'int');
      if (lit.type === 'number')
        return { t: numbersOnly(range), f: numbersOnly(range.complement()) };
      if (time) return { t: instantsOnly(range), f: instantsOnly(range.complement()) };
      return { t: stringsOnly(sInst(range)), f: stringsOnly(sInst(range.complement())) };
    }
  }
}

function orderRange(op: ScalarOperator, bound: number, domain: 'real' | 'int'): IntervalSet {
  switch (op) {
    case '<':
      return IntervalSet.below(domain, bound, false);
    case '<=':
      return IntervalSet.below(domain, bound, true);
    case '>':
      return IntervalSet.above(domain, bound, false);
    default:
      return IntervalSet.above(domain, bound, true);
  }
}

function equalSets(lit: Literal, time: boolean): { t: ScalarSet; f: ScalarSet } {
  switch (lit.type) {
    case 'instant': {
      const at = IntervalSet.point('int', lit.ms);
      if (time) return { t: instantsOnly(at), f: instantsOnly(at.complement()) };
      return { t: stringsOnly(sInst(at)), f: stringsOnly(sInst(at.complement())) };
    }
    case 'string':
      return withComplement(stringsOnly(sIn([lit.value])));
    case 'number':
      return withComplement(numbersOnly(IntervalSet.point('real', lit.value)));
    case 'boolean':
      return withComplement(scalar(false, lit.value, !lit.value, NO_NUMBERS, S_FALSE));
    case 'null':
      return withComplement(scalar(true, false, false, NO_NUMBERS, S_FALSE));
  }
}

/** For a scalar literal, `== v` is false on every other scalar. */
function withComplement(t: ScalarSet): { t: ScalarSet; f: ScalarSet } {
  return { t, f: scalar(!t.nul, !t.tru, !t.fal, t.num.complement(), sNot(t.str)) };
}

/**
 * `in` is the `or` of `==` over the list and `not in` its negation (so `in []` is false on
 * scalars). Built in one pass, since lists may hold a thousand values.
 */
function memberSets(values: readonly Literal[], negated: boolean): { t: ScalarSet; f: ScalarSet } {
  const strings: string[] = [];
  const numbers: Interval[] = [];
  const instants: Interval[] = [];
  let nul = false;
  let tru = false;
  let fal = false;
  for (const v of values) {
    if (v.type === 'string') strings.push(v.value);
    else if (v.type === 'number') numbers.push(pointInterval(v.value));
    else if (v.type === 'instant') instants.push(pointInterval(v.ms));
    else if (v.type === 'null') nul = true;
    else if (v.value) tru = true;
    else fal = true;
  }
  const num = IntervalSet.of('real', numbers);
  const at = IntervalSet.of('int', instants);
  const t = scalar(nul, tru, fal, num, sOr([sIn(strings), sInst(at)]));
  // `== instant` is false only on instant strings: with one in the list, only they can be false.
  const f: ScalarSet =
    instants.length === 0
      ? scalar(!nul, !tru, !fal, num.complement(), sNot(t.str))
      : stringsOnly(sAnd([sNot(sIn(strings)), sInst(at.complement())]));
  return negated ? { t: f, f: t } : { t, f };
}

function pointInterval(x: number): Interval {
  const v = x === 0 ? 0 : x;
  return { lo: v, loOpen: false, hi: v, hiOpen: false };
}

function stringsOnly(str: StrF): ScalarSet {
  return scalar(false, false, false, NO_NUMBERS, str);
}

function numbersOnly(num: IntervalSet): ScalarSet {
  return scalar(false, false, false, num, S_FALSE);
}

function instantsOnly(num: IntervalSet): ScalarSet {
  return scalar(false, false, false, num, S_FALSE);
}

const NO_NUMBERS = IntervalSet.empty('real');

/** T of a conjunction of conditions (a scope). */
export function scopeTrue(conditions: readonly Condition[]): Formula {
  return fAnd(conditions.map((c) => meaning(c).T));
}

/** NT of a conjunction of conditions: some condition does not hold. */
export function scopeNotTrue(conditions: readonly Condition[]): Formula {
  return fOr(conditions.map((c) => meaning(c).NT));
}
