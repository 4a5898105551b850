/**
 * Two-valued formulas over requests: `and`/`or` of atoms "the value at path p lies in set S".
 * The three-valued DSL is translated into these (see _translate.ts), so deciding containment,
 * equivalence or satisfiability is deciding satisfiability of one such formula. The constructors
 * merge atoms on the same path (`args.x > 1 and args.x < 5` becomes one atom with an interval),
 * which removes most case splits before the solver sees them, and restrict every atom to what its
 * path can hold: `tool` is always a string, `time` always an instant.
 */
import type { Path } from '../ast.js';
import type { ValueSet } from './_values.js';
import { IntervalSet } from './_interval.js';
import { S_FALSE } from './_strings.js';
import { scalar, scalars, vAnd, vFull, vOr, vTriviallyEmpty } from './_values.js';

const NO_NUMBERS = IntervalSet.empty('real');

/** A path, with a key that identifies it (equal paths share one object). */
export interface PathRef {
  readonly key: string;
  readonly root: 'tool' | 'time' | 'args';
  /** The `args` keys; empty for `tool` and `time`. */
  readonly keys: readonly string[];
}

export type Formula =
  | { readonly k: 'true' }
  | { readonly k: 'false' }
  | { readonly k: 'atom'; readonly path: PathRef; readonly vs: ValueSet }
  | { readonly k: 'and' | 'or'; readonly fs: readonly Formula[] };

export const F_TRUE: Formula = Object.freeze({ k: 'true' });
export const F_FALSE: Formula = Object.freeze({ k: 'false' });

const TOOL: PathRef = Object.freeze({ key: 'tool', root: 'tool', keys: [] });
const TIME: PathRef = Object.freeze({ key: 'time', root: 'time', keys: [] });
const interned = new Map<string, PathRef>();

export function pathRef(path: Path): PathRef {
  if (path.root === 'tool') return TOOL;
  if (path.root === 'time') return TIME;
  return argsPath(path.keys);
}

function argsPath(keys: readonly string[]): PathRef {
  const key = `args${JSON.stringify(keys)}`;
  let ref = interned.get(key);
  if (ref === undefined) {
    ref = Object.freeze({ key, root: 'args', keys: Object.freeze([...keys]) });
    // Paths come from bounded caveats, but a long-lived process sees many: keep the table small.
    if (interned.size > 10_000) interned.clear();
    interned.set(key, ref);
  }
  return ref;
}

/** Restricts `vs` to the values the path can hold. */
function mask(path: PathRef, vs: ValueSet): ValueSet {
  if (path.root === 'tool') return scalars(scalar(false, false, false, NO_NUMBERS, vs.str));
  if (path.root === 'time') return scalars(scalar(false, false, false, vs.num, S_FALSE));
  return vs;
}

function isUniverse(path: PathRef, vs: ValueSet): boolean {
  if (path.root === 'tool') return vs.str.k === 'true';
  if (path.root === 'time') return vs.num.isAll();
  return vFull(vs);
}

export function atom(path: PathRef, vs: ValueSet): Formula {
  const masked = mask(path, vs);
  if (vTriviallyEmpty(masked)) return F_FALSE;
  if (isUniverse(path, masked)) return F_TRUE;
  return { k: 'atom', path, vs: masked };
}

function nary(kind: 'and' | 'or', operands: readonly Formula[]): Formula {
  const unit = kind === 'and' ? 'true' : 'false';
  const zero = kind === 'and' ? 'false' : 'true';
  const merge = kind === 'and' ? vAnd : vOr;
  const atoms = new Map<string, { path: PathRef; vs: ValueSet }>();
  const rest: Formula[] = [];
  const visit = (f: Formula): boolean => {
    if (f.k === zero) return false;
    if (f.k === unit) return true;
    if (f.k === kind) return f.fs.every(visit);
    if (f.k === 'atom') {
      const seen = atoms.get(f.path.key);
      atoms.set(f.path.key, { path: f.path, vs: seen === undefined ? f.vs : merge(seen.vs, f.vs) });
    } else rest.push(f);
    return true;
  };
  if (!operands.every(visit)) return kind === 'and' ? F_FALSE : F_TRUE;
  const out: Formula[] = [];
  for (const { path, vs } of atoms.values()) {
    const a = atom(path, vs);
    if (a.k === zero) return a;
    if (a.k !== unit) out.push(a);
  }
  out.push(...rest);
  if (out.length === 0) return kind === 'and' ? F_TRUE : F_FALSE;
  if (out.length === 1) return out[0] as Formula;
  return { k: kind, fs: out };
}

export function fAnd(operands: readonly Formula[]): Formula {
  return nary('and', operands);
}

export function fOr(operands: readonly Formula[]): Formula {
  return nary('or', operands);
}
