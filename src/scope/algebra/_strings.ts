/**
 * Sets of strings, as boolean formulas over four kinds of atom: a finite set (`in`), a glob's
 * language (`glob`, without the path-alias rule), "is a path alias" (`alias`, path-alias.ts),
 * and "reads as an instant whose milliseconds lie in a set" (`inst`). Every string constraint
 * of the DSL is such a formula: `p ~ g` is true on `glob(g) ∧ ¬alias`, false on
 * `¬glob(g) ∧ ¬alias`; `p == "s"` is
 * `in{s}`; `p < 2026-…Z` is `inst((-∞, t))`. The constructors normalize as they build (negation
 * pushed to atoms, nested operators flattened, finite sets filtered through the other conjuncts,
 * instant atoms merged, complementary literals resolved), so most contradictions are found
 * without any automaton; what remains is decided by the product search in _string-search.ts.
 */
import { matchGlob } from '../glob.js';
import { hasPathAlias } from '../path-alias.js';
import { readInstant } from '../instant.js';
import { IntervalSet } from './_interval.js';

export type StrAtom =
  | {
      readonly k: 'in';
      readonly key: string;
      readonly set: readonly string[];
      readonly has: ReadonlySet<string>;
    }
  | { readonly k: 'glob'; readonly key: string; readonly pattern: string }
  | { readonly k: 'alias'; readonly key: string }
  | { readonly k: 'inst'; readonly key: string; readonly iv: IntervalSet };

export type StrF =
  | { readonly k: 'true'; readonly key: 'T' }
  | { readonly k: 'false'; readonly key: 'F' }
  | StrAtom
  | { readonly k: 'not'; readonly key: string; readonly f: StrAtom }
  | { readonly k: 'and'; readonly key: string; readonly fs: readonly StrF[] }
  | { readonly k: 'or'; readonly key: string; readonly fs: readonly StrF[] };

export const S_TRUE: StrF = Object.freeze({ k: 'true', key: 'T' });
export const S_FALSE: StrF = Object.freeze({ k: 'false', key: 'F' });
export const S_ALIAS: StrAtom = Object.freeze({ k: 'alias', key: 'alias' });
/** Strings that are not path aliases: where `~` and `!~` are defined. */
export const S_NO_ALIAS: StrF = Object.freeze({ k: 'not', key: '!alias', f: S_ALIAS });

/** The finite set `values` (empty: no string). */
export function sIn(values: Iterable<string>): StrF {
  const set = [...new Set(values)].sort();
  if (set.length === 0) return S_FALSE;
  return { k: 'in', key: `in${JSON.stringify(set)}`, set, has: new Set(set) };
}

export function sGlob(pattern: string): StrF {
  return { k: 'glob', key: `g${JSON.stringify(pattern)}`, pattern };
}

/** Strings that read as an instant with milliseconds in `iv` (an integer-domain set). */
export function sInst(iv: IntervalSet): StrF {
  if (iv.isEmpty()) return S_FALSE;
  return { k: 'inst', key: `i${iv.key()}`, iv };
}

export function sNot(f: StrF): StrF {
  switch (f.k) {
    case 'true':
      return S_FALSE;
    case 'false':
      return S_TRUE;
    case 'not':
      return f.f;
    case 'and':
      return sOr(f.fs.map(sNot));
    case 'or':
      return sAnd(f.fs.map(sNot));
    default:
      return { k: 'not', key: `!${f.key}`, f };
  }
}

/** Whether string `s` is in the set `f`. */
export function evalStr(f: StrF, s: string): boolean {
  switch (f.k) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'in':
      return f.has.has(s);
    case 'glob':
      return matchGlob(f.pattern, s);
    case 'alias':
      return hasPathAlias(s);
    case 'inst': {
      const ms = readInstant(s);
      return ms !== undefined && f.iv.has(ms);
    }
    case 'not':
      return !evalStr(f.f, s);
    case 'and':
      return f.fs.every((g) => evalStr(g, s));
    case 'or':
      return f.fs.some((g) => evalStr(g, s));
  }
}

/** Sorted, de-duplicated operands; `null` when two are complementary. */
function tidy(fs: readonly StrF[]): StrF[] | null {
  const byKey = new Map<string, StrF>();
  for (const f of fs) byKey.set(f.key, f);
  for (const key of byKey.keys()) if (byKey.has(`!${key}`)) return null;
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function flatten(kind: 'and' | 'or', fs: readonly StrF[]): StrF[] {
  const out: StrF[] = [];
  for (const f of fs) {
    if (f.k === kind) out.push(...f.fs);
    else out.push(f);
  }
  return out;
}

/** Drops from each nested `or` (`and`) the operands that contradict a sibling literal. */
function resolve(kind: 'and' | 'or', fs: StrF[], rebuild: (inner: StrF[]) => StrF): StrF[] {
  const inner = kind === 'and' ? 'or' : 'and';
  const literalKeys = new Set(fs.filter((f) => f.k !== inner).map((f) => f.key));
  return fs.map((f) => {
    if (f.k !== inner) return f;
    const kept = f.fs.filter((g) => !literalKeys.has(g.k === 'not' ? g.f.key : `!${g.key}`));
    return kept.length === f.fs.length ? f : rebuild(kept);
  });
}

export function sAnd(operands: readonly StrF[]): StrF {
  const flat = flatten('and', operands);
  if (flat.some((f) => f.k === 'false')) return S_FALSE;
  let posIn: string[] | null = null;
  let posInst: IntervalSet | null = null;
  let negInst: IntervalSet | null = null;
  const negIn = new Set<string>();
  let rest: StrF[] = [];
  for (const f of flat) {
    if (f.k === 'true') continue;
    if (f.k === 'in') posIn = posIn === null ? [...f.set] : posIn.filter((s) => f.has.has(s));
    else if (f.k === 'inst') posInst = posInst === null ? f.iv : posInst.intersect(f.iv);
    else if (f.k === 'not' && f.f.k === 'in') for (const s of f.f.set) negIn.add(s);
    else if (f.k === 'not' && f.f.k === 'inst')
      negInst = negInst === null ? f.f.iv : negInst.union(f.f.iv);
    else rest.push(f);
  }
  if (posInst !== null) {
    if (negInst !== null) posInst = posInst.intersect(negInst.complement());
    negInst = null;
    if (posInst.isEmpty()) return S_FALSE;
    // An instant string is never a path alias: no `/`, no `\`, not empty, not a dot segment.
    if (rest.some((f) => f.key === 'alias')) return S_FALSE;
    rest = rest.filter((f) => f.key !== '!alias');
    rest.push(sInst(posInst));
  }
  if (negInst !== null) rest.push(sNot(sInst(negInst)));
  if (negIn.size > 0) rest.push(sNot(sIn(negIn)));
  rest = flatten('and', resolve('and', rest, sOr));
  if (rest.some((f) => f.k === 'false')) return S_FALSE;
  rest = rest.filter((f) => f.k !== 'true');
  if (posIn !== null) {
    const others = rest;
    return sIn(posIn.filter((s) => others.every((f) => evalStr(f, s))));
  }
  const kept = tidy(rest);
  if (kept === null) return S_FALSE;
  if (kept.length === 0) return S_TRUE;
  if (kept.length === 1) return kept[0] as StrF;
  return { k: 'and', key: `&(${kept.map((f) => f.key).join(',')})`, fs: kept };
}

export function sOr(operands: readonly StrF[]): StrF {
  const flat = flatten('or', operands);
  if (flat.some((f) => f.k === 'true')) return S_TRUE;
  const posIn = new Set<string>();
  let posInst: IntervalSet | null = null;
  let negInst: IntervalSet | null = null;
  let negIn: string[] | null = null;
  let rest: StrF[] = [];
  for (const f of flat) {
    if (f.k === 'false') continue;
    if (f.k === 'in') for (const s of f.set) posIn.add(s);
    else if (f.k === 'inst') posInst = posInst === null ? f.iv : posInst.union(f.iv);
    else if (f.k === 'not' && f.f.k === 'in') {
      const g = f.f;
      negIn = negIn === null ? [...g.set] : negIn.filter((s) => g.has.has(s));
    } else if (f.k === 'not' && f.f.k === 'inst')
      negInst = negInst === null ? f.f.iv : negInst.intersect(f.f.iv);
    else rest.push(f);
  }
  if (negInst !== null) {
    if (posInst !== null) negInst = negInst.intersect(posInst.complement());
    posInst = null;
    if (negInst.isEmpty()) return S_TRUE;
    rest.push(sNot(sInst(negInst)));
  }
  if (posInst !== null) rest.push(sInst(posInst));
  rest = flatten('or', resolve('or', rest, sAnd));
  if (rest.some((f) => f.k === 'true')) return S_TRUE;
  rest = rest.filter((f) => f.k !== 'false');
  if (negIn !== null) {
    // ¬in(S) ∨ φ = ¬in(S') ∨ φ, where S' keeps the members of S that φ does not already cover.
    const others = [...rest, sIn(posIn)];
    const left = negIn.filter((s) => !others.some((f) => evalStr(f, s)));
    if (left.length === 0) return S_TRUE;
    rest.push(sNot(sIn(left)));
  } else if (posIn.size > 0) rest.push(sIn(posIn));
  const kept = tidy(rest);
  if (kept === null) return S_TRUE;
  if (kept.length === 0) return S_FALSE;
  if (kept.length === 1) return kept[0] as StrF;
  return { k: 'or', key: `|(${kept.map((f) => f.key).join(',')})`, fs: kept };
}

/** The atoms of a formula, by key. */
export function strAtoms(f: StrF, out = new Map<string, StrAtom>()): Map<string, StrAtom> {
  switch (f.k) {
    case 'true':
    case 'false':
      break;
    case 'not':
      out.set(f.f.key, f.f);
      break;
    case 'and':
    case 'or':
      for (const g of f.fs) strAtoms(g, out);
      break;
    default:
      out.set(f.key, f);
  }
  return out;
}

/**
 * A finite superset of the strings in `f`, when one is evident from its shape (a positive `in`
 * among the conjuncts, or every disjunct finite), else `null`.
 */
export function finiteSupport(f: StrF): string[] | null {
  switch (f.k) {
    case 'false':
      return [];
    case 'in':
      return [...f.set];
    case 'and': {
      let best: string[] | null = null;
      for (const g of f.fs) {
        const s = finiteSupport(g);
        if (s !== null && (best === null || s.length < best.length)) best = s;
      }
      return best;
    }
    case 'or': {
      const all: string[] = [];
      for (const g of f.fs) {
        const s = finiteSupport(g);
        if (s === null) return null;
        all.push(...s);
      }
      return all;
    }
    default:
      return null;
  }
}
