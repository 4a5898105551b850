/**
 * Sets of request values, closed under intersection, union and complement: what one comparison
 * makes true (or false) at one path. A value at a path is missing, null, a boolean, a number, a
 * string, an array or an object; sets keep a flag per finite kind, an interval set for numbers,
 * a string formula for strings, and an array formula for arrays. Array formulas speak of the
 * elements through quantifiers: `all(E)` (every element in E, so the empty array too) and
 * `some(E)` (at least one), which is what `all`/`any` comparisons produce; `¬all(E) = some(¬E)`.
 * Elements are compared like values, except that an element is never missing and an array or
 * object element is just "other" (every comparison on it is undefined). The time path uses the
 * same structure with integer milliseconds in `num` and nothing else.
 */
import { IntervalSet } from './_interval.js';
import type { Domain } from './_interval.js';
import { S_FALSE, S_TRUE, sAnd, sNot, sOr } from './_strings.js';
import type { StrF } from './_strings.js';
import { stringWitness } from './_string-search.js';
import type { Budget } from './limits.js';

/** The scalar part of a set: null, booleans, numbers and strings. */
export interface ScalarSet {
  readonly nul: boolean;
  readonly tru: boolean;
  readonly fal: boolean;
  readonly num: IntervalSet;
  readonly str: StrF;
}

/** A set of array elements. `other` stands for every array or object element. */
export interface ElemSet extends ScalarSet {
  readonly other: boolean;
}

/** A set of values at a path. */
export interface ValueSet extends ScalarSet {
  readonly missing: boolean;
  readonly obj: boolean;
  readonly arr: ArrF;
}

export type ArrF =
  | { readonly k: 'true'; readonly key: 'T' }
  | { readonly k: 'false'; readonly key: 'F' }
  | { readonly k: 'all' | 'some'; readonly key: string; readonly e: ElemSet }
  | { readonly k: 'and' | 'or'; readonly key: string; readonly fs: readonly ArrF[] };

export const A_TRUE: ArrF = Object.freeze({ k: 'true', key: 'T' });
export const A_FALSE: ArrF = Object.freeze({ k: 'false', key: 'F' });

// ---------------------------------------------------------------- scalar parts
// Every set is built by one of the three constructors below, so that all have the same shape
// (object spreads of differently built objects make V8's property access megamorphic and slow).

export function scalar(
  nul: boolean,
  tru: boolean,
  fal: boolean,
  num: IntervalSet,
  str: StrF,
): ScalarSet {
  return { nul, tru, fal, num, str };
}

export function scalarNone(domain: Domain): ScalarSet {
  return scalar(false, false, false, IntervalSet.empty(domain), S_FALSE);
}

export function scalarAll(domain: Domain): ScalarSet {
  return scalar(true, true, true, IntervalSet.all(domain), S_TRUE);
}

function scalarAnd(a: ScalarSet, b: ScalarSet): ScalarSet {
  return scalar(
    a.nul && b.nul,
    a.tru && b.tru,
    a.fal && b.fal,
    a.num.intersect(b.num),
    sAnd([a.str, b.str]),
  );
}

function scalarOr(a: ScalarSet, b: ScalarSet): ScalarSet {
  return scalar(
    a.nul || b.nul,
    a.tru || b.tru,
    a.fal || b.fal,
    a.num.union(b.num),
    sOr([a.str, b.str]),
  );
}

function scalarNot(a: ScalarSet): ScalarSet {
  return scalar(!a.nul, !a.tru, !a.fal, a.num.complement(), sNot(a.str));
}

function scalarEmpty(a: ScalarSet): boolean {
  return !a.nul && !a.tru && !a.fal && a.num.isEmpty() && a.str.k === 'false';
}

function scalarFull(a: ScalarSet): boolean {
  return a.nul && a.tru && a.fal && a.num.isAll() && a.str.k === 'true';
}

function scalarKey(a: ScalarSet): string {
  return `${a.nul ? 'n' : ''}${a.tru ? 't' : ''}${a.fal ? 'f' : ''}|${a.num.key()}|${a.str.key}`;
}

// ---------------------------------------------------------------- element sets

export function elem(s: ScalarSet, other = false): ElemSet {
  return { nul: s.nul, tru: s.tru, fal: s.fal, num: s.num, str: s.str, other };
}

export function esAnd(a: ElemSet, b: ElemSet): ElemSet {
  return elem(scalarAnd(a, b), a.other && b.other);
}

export function esOr(a: ElemSet, b: ElemSet): ElemSet {
  return elem(scalarOr(a, b), a.other || b.other);
}

export function esNot(a: ElemSet): ElemSet {
  return elem(scalarNot(a), !a.other);
}

export function esEmpty(a: ElemSet): boolean {
  return !a.other && scalarEmpty(a);
}

export function esFull(a: ElemSet): boolean {
  return a.other && scalarFull(a);
}

export function esKey(a: ElemSet): string {
  return `${a.other ? 'o' : ''}${scalarKey(a)}`;
}

// ---------------------------------------------------------------- array formulas

/** Every element in `e` (true for the empty array). */
export function aAll(e: ElemSet): ArrF {
  return esFull(e) ? A_TRUE : { k: 'all', key: `all(${esKey(e)})`, e };
}

/** Some element in `e`. */
export function aSome(e: ElemSet): ArrF {
  return esEmpty(e) ? A_FALSE : { k: 'some', key: `some(${esKey(e)})`, e };
}

export function aNot(a: ArrF): ArrF {
  switch (a.k) {
    case 'true':
      return A_FALSE;
    case 'false':
      return A_TRUE;
    case 'all':
      return aSome(esNot(a.e));
    case 'some':
      return aAll(esNot(a.e));
    case 'and':
      return aOr(a.fs.map(aNot));
    case 'or':
      return aAnd(a.fs.map(aNot));
  }
}

function flattenA(kind: 'and' | 'or', fs: readonly ArrF[]): ArrF[] {
  return fs.flatMap((f) => (f.k === kind ? f.fs : [f]));
}

function naryA(kind: 'and' | 'or', fs: ArrF[]): ArrF {
  const byKey = new Map(fs.map((f) => [f.key, f]));
  const kept = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (kept.length === 0) return kind === 'and' ? A_TRUE : A_FALSE;
  if (kept.length === 1) return kept[0] as ArrF;
  return { k: kind, key: `${kind}(${kept.map((f) => f.key).join(',')})`, fs: kept };
}

export function aAnd(operands: readonly ArrF[]): ArrF {
  const flat = flattenA('and', operands);
  if (flat.some((f) => f.k === 'false')) return A_FALSE;
  let every: ElemSet | null = null;
  for (const f of flat) if (f.k === 'all') every = every === null ? f.e : esAnd(every, f.e);
  const rest: ArrF[] = [];
  for (const f of flat) {
    if (f.k === 'true' || f.k === 'all') continue;
    if (f.k === 'some' && every !== null) {
      // ∀A ∧ ∃B = ∀A ∧ ∃(A ∩ B): the witness element must lie in both.
      const narrowed = aSome(esAnd(every, f.e));
      if (narrowed.k === 'false') return A_FALSE;
      rest.push(narrowed);
    } else rest.push(f);
  }
  if (every !== null) rest.push(aAll(every));
  return naryA('and', rest);
}

export function aOr(operands: readonly ArrF[]): ArrF {
  const flat = flattenA('or', operands);
  if (flat.some((f) => f.k === 'true')) return A_TRUE;
  let some: ElemSet | null = null;
  for (const f of flat) if (f.k === 'some') some = some === null ? f.e : esOr(some, f.e);
  const rest: ArrF[] = [];
  for (const f of flat) {
    if (f.k === 'false' || f.k === 'some') continue;
    // ∀A ∨ ∃B covers every array when B ⊇ ¬A.
    if (f.k === 'all' && some !== null && esEmpty(esAnd(esNot(f.e), esNot(some)))) return A_TRUE;
    rest.push(f);
  }
  if (some !== null) rest.push(aSome(some));
  return naryA('or', rest);
}

// ---------------------------------------------------------------- value sets

/** A value set from its scalar part and the rest. */
export function value(s: ScalarSet, missing: boolean, obj: boolean, arr: ArrF): ValueSet {
  return { nul: s.nul, tru: s.tru, fal: s.fal, num: s.num, str: s.str, missing, obj, arr };
}

/** A set of scalars only. */
export function scalars(s: ScalarSet): ValueSet {
  return value(s, false, false, A_FALSE);
}

/** A set of arrays only. */
export function arrays(a: ArrF, domain: Domain): ValueSet {
  return value(scalarNone(domain), false, false, a);
}

export function vAnd(a: ValueSet, b: ValueSet): ValueSet {
  return value(scalarAnd(a, b), a.missing && b.missing, a.obj && b.obj, aAnd([a.arr, b.arr]));
}

export function vOr(a: ValueSet, b: ValueSet): ValueSet {
  return value(scalarOr(a, b), a.missing || b.missing, a.obj || b.obj, aOr([a.arr, b.arr]));
}

export function vNot(a: ValueSet): ValueSet {
  return value(scalarNot(a), !a.missing, !a.obj, aNot(a.arr));
}

/** Empty by construction (without searching strings or arrays). */
export function vTriviallyEmpty(a: ValueSet): boolean {
  return !a.missing && !a.obj && a.arr.k === 'false' && scalarEmpty(a);
}

/** Empty, decided exactly: a string or array part is searched when nothing else is in the set. */
export function vEmpty(a: ValueSet, budget: Budget): boolean {
  if (a.missing || a.obj || a.nul || a.tru || a.fal || !a.num.isEmpty()) return false;
  if (a.str.k !== 'false' && stringWitness(a.str, budget) !== null) return false;
  return a.arr.k === 'false' || arrayWitness(a.arr, budget) === null;
}

export function vFull(a: ValueSet): boolean {
  return a.missing && a.obj && a.arr.k === 'true' && scalarFull(a);
}

// ---------------------------------------------------------------- examples

/** No member: distinct from every JSON value. */
export const NONE: unique symbol = Symbol('none');

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'other';

/**
 * A member of the scalar part (and of `arrays` / `other` when allowed), or `NONE`. Kinds the
 * constraint singles out (neither empty nor everything) come first, so that an example for
 * `not (args.n > 5)` is a number rather than a string.
 */
function pickValue(
  s: ScalarSet,
  extra: { arr: ArrF | null; other: boolean },
  budget: Budget,
): unknown {
  const partial: Kind[] = [];
  const whole: Kind[] = [];
  const sort = (kind: Kind, empty: boolean, full: boolean) => {
    if (!empty) (full ? whole : partial).push(kind);
  };
  sort('string', s.str.k === 'false', s.str.k === 'true');
  sort('number', s.num.isEmpty(), s.num.isAll());
  sort('boolean', !s.tru && !s.fal, s.tru && s.fal);
  sort('null', !s.nul, true);
  if (extra.arr !== null) sort('array', extra.arr.k === 'false', extra.arr.k === 'true');
  sort('other', !extra.other, true);
  for (const kind of [...partial, ...whole]) {
    switch (kind) {
      case 'string': {
        const w = stringWitness(s.str, budget);
        if (w !== null) return w;
        break;
      }
      case 'number':
        return s.num.pick(0);
      case 'boolean':
        return s.tru;
      case 'null':
        return null;
      case 'array': {
        const w = arrayWitness(extra.arr as ArrF, budget);
        if (w !== null) return w;
        break;
      }
      case 'other':
        return {};
    }
  }
  return NONE;
}

/** A member of an element set, or `NONE`. */
export function elemWitness(e: ElemSet, budget: Budget): unknown {
  return pickValue(e, { arr: null, other: e.other }, budget);
}

/** A present value in `v` that is not an object (a scalar or an array), or `NONE`. */
export function plainWitness(v: ValueSet, budget: Budget): unknown {
  return pickValue(v, { arr: v.arr, other: false }, budget);
}

/**
 * An array satisfying `a`, or `null`. A depth-first case split over the formula's `or`s that
 * keeps the intersection of the `all` sets and the `some` sets so far, and abandons a case as soon
 * as some `some` set has nothing in common with the `all` sets; a surviving case gives one
 * element per `some`.
 */
export function arrayWitness(a: ArrF, budget: Budget): unknown[] | null {
  return splitCases([a], null, [], budget);
}

function splitCases(
  pending: readonly ArrF[],
  every: ElemSet | null,
  somes: readonly ElemSet[],
  budget: Budget,
): unknown[] | null {
  budget.tick();
  const stack = [...pending];
  let all = every;
  const some = [...somes];
  const ors: ArrF[] = [];
  while (stack.length > 0) {
    const f = stack.pop() as ArrF;
    switch (f.k) {
      case 'true':
        break;
      case 'false':
        return null;
      case 'and':
        stack.push(...f.fs);
        break;
      case 'or':
        ors.push(f);
        break;
      case 'all':
        all = all === null ? f.e : esAnd(all, f.e);
        if (some.some((e) => esEmpty(esAnd(all as ElemSet, e)))) return null;
        break;
      case 'some':
        if (esEmpty(all === null ? f.e : esAnd(all, f.e))) return null;
        some.push(f.e);
        break;
    }
  }
  const [first, ...rest] = ors;
  if (first !== undefined && first.k === 'or') {
    for (const option of first.fs) {
      const found = splitCases([option, ...rest], all, some, budget);
      if (found !== null) return found;
    }
    return null;
  }
  const out: unknown[] = [];
  for (const e of some) {
    const w = elemWitness(all === null ? e : esAnd(all, e), budget);
    if (w === NONE) return null;
    out.push(w);
  }
  return out;
}
