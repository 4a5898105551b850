/**
 * Writing a set of values back as a condition: given the set S of values at a path on which some
 * comparisons are jointly true, find comparisons whose true-set is exactly S. This is how the
 * simplifier merges `args.n > 1 and args.n > 5` into `args.n > 5`, `args.n >= 1 and args.n <= 1`
 * into `args.n == 1`, or `tool == "a" or tool == "b"` into `tool in ["a", "b"]`. Not every set is
 * the true-set of some condition (no comparison is true on every string, since globs are
 * undefined on path aliases and `!=` is true on numbers too), and the shapes below are the ones
 * with a canonical form; for anything else `render` answers `null` and the caller keeps the
 * comparisons it had.
 */
import type { Condition, Literal, Path } from '../ast.js';
import { isInstantMs } from '../instant.js';
import type { Interval, IntervalSet } from './_interval.js';
import { evalStr } from './_strings.js';
import type { StrF } from './_strings.js';
import type { ValueSet } from './_values.js';
import { FALSE, TRUE, and, compare, member, or } from '../build.js';

/** At most this many cases when a string set is split into a disjunction. */
const MAX_CASES = 8;

/** A condition on `path` true exactly on `vs` (restricted to what the path can hold), or `null`. */
export function render(path: Path, vs: ValueSet): Condition | null {
  if (path.root === 'time') return renderIntervals(path, vs.num, (ms) => ({ type: 'instant', ms }));
  if (path.root === 'tool') return renderStrings(path, vs.str, true);
  if (vs.missing || vs.obj || vs.arr.k !== 'false') return null;
  const excluded = cofinite(vs);
  if (excluded !== null)
    return excluded.length === 1
      ? compare(path, '!=', excluded[0] as Literal)
      : member(path, true, excluded);
  const finite: Literal[] = [];
  const parts: Condition[] = [];
  if (vs.nul) finite.push({ type: 'null' });
  if (vs.fal) finite.push({ type: 'boolean', value: false });
  if (vs.tru) finite.push({ type: 'boolean', value: true });
  const points = vs.num.points();
  if (points !== null) for (const n of points) finite.push({ type: 'number', value: n });
  else {
    const numbers = renderIntervals(path, vs.num, (value) => ({ type: 'number', value }));
    if (numbers === null) return null;
    parts.push(numbers);
  }
  if (vs.str.k === 'in') for (const s of vs.str.set) finite.push({ type: 'string', value: s });
  else if (vs.str.k !== 'false') {
    const strings = renderStrings(path, vs.str, false);
    if (strings === null) return null;
    parts.push(strings);
  }
  if (finite.length > 0)
    parts.unshift(
      finite.length === 1 ? compare(path, '==', finite[0] as Literal) : member(path, false, finite),
    );
  return or(parts);
}

/** The scalars outside `vs` when they are finitely many (and `vs` holds only scalars), else `null`. */
function cofinite(vs: ValueSet): Literal[] | null {
  const out: Literal[] = [];
  if (!vs.nul) out.push({ type: 'null' });
  if (!vs.fal) out.push({ type: 'boolean', value: false });
  if (!vs.tru) out.push({ type: 'boolean', value: true });
  const numbers = vs.num.complement().points();
  if (numbers === null) return null;
  for (const n of numbers) out.push({ type: 'number', value: n });
  if (vs.str.k === 'not' && vs.str.f.k === 'in')
    for (const s of vs.str.f.set) out.push({ type: 'string', value: s });
  else if (vs.str.k !== 'true') return null;
  return out;
}

/** Comparisons true exactly on the numbers (or instants) of `set`. */
function renderIntervals(
  path: Path,
  set: IntervalSet,
  literal: (n: number) => Literal,
): Condition | null {
  const instants = set.domain === 'int';
  const cases: Condition[] = [];
  const closed = set.closed();
  for (let i = 0; i < set.items.length; i++) {
    const iv = set.items[i] as Interval;
    const [lo, hi] = closed[i] as [number, number];
    const bad = (n: number) => (instants ? !isInstantMs(n) : !Number.isFinite(n));
    if (lo === hi) {
      if (bad(lo)) return null;
      cases.push(compare(path, '==', literal(lo)));
      continue;
    }
    const bounds: Condition[] = [];
    if (iv.lo !== -Infinity) {
      if (bad(iv.lo)) return null;
      bounds.push(compare(path, iv.loOpen ? '>' : '>=', literal(iv.lo)));
    }
    if (iv.hi !== Infinity) {
      if (bad(iv.hi)) return null;
      bounds.push(compare(path, iv.hiOpen ? '<' : '<=', literal(iv.hi)));
    }
    if (bounds.length === 0) {
      // Every number: no single comparison says "is a number".
      const zero = literal(0);
      if (bad(0)) return null;
      cases.push(compare(path, '<', zero), compare(path, '>=', zero));
    } else cases.push(and(bounds));
  }
  return or(cases);
}

/**
 * Comparisons true exactly on the strings of `str` (and on nothing else). `tool` is always a
 * string, so there `!=` and `not in` say exactly "another string".
 */
function renderStrings(path: Path, str: StrF, isTool: boolean): Condition | null {
  const cases = dnf(str);
  if (cases === null) return null;
  const out: Condition[] = [];
  for (const literals of cases) {
    const c = renderCase(path, literals, isTool);
    if (c === null) return null;
    if (c !== FALSE) out.push(c);
  }
  return or(out);
}

function renderCase(path: Path, literals: readonly StrF[], isTool: boolean): Condition | null {
  const finite = literals.find((l) => l.k === 'in');
  if (finite !== undefined && finite.k === 'in') {
    // A finite case is its members that meet the other literals.
    const members = finite.set.filter((s) => literals.every((l) => evalStr(l, s)));
    if (members.length === 0) return FALSE;
    return members.length === 1
      ? compare(path, '==', str(members[0] as string))
      : member(path, false, members.map(str));
  }
  const parts: Condition[] = [];
  let noAlias = false;
  let restricts = false;
  const excluded: string[] = [];
  for (const lit of literals) {
    switch (lit.k) {
      case 'inst': {
        const range = renderIntervals(path, lit.iv, (ms) => ({ type: 'instant', ms }));
        if (range === null) return null;
        parts.push(range);
        restricts = true;
        noAlias = true;
        break;
      }
      case 'glob':
        parts.push(compare(path, '~', str(lit.pattern)));
        restricts = true;
        break;
      case 'not':
        if (lit.f.k === 'alias') noAlias = true;
        else if (lit.f.k === 'glob') {
          parts.push(compare(path, '!~', str(lit.f.pattern)));
          restricts = true;
        } else if (lit.f.k === 'in') excluded.push(...lit.f.set);
        else return null;
        break;
      default:
        return null;
    }
  }
  // `~` and `!~` are undefined on path aliases (instant strings never are one): the case must
  // exclude them too.
  const globs = literals.some((l) => l.k === 'glob' || (l.k === 'not' && l.f.k === 'glob'));
  if (globs && !noAlias) return null;
  if (noAlias && !restricts) {
    parts.push(compare(path, '~', str('**')));
    restricts = true;
  }
  if (!restricts && !isTool) return null;
  if (excluded.length > 0)
    parts.push(
      excluded.length === 1
        ? compare(path, '!=', str(excluded[0] as string))
        : member(path, true, excluded.map(str)),
    );
  return parts.length === 0 ? TRUE : and(parts);
}

function str(value: string): Literal {
  return { type: 'string', value };
}

/** A string formula as a disjunction of conjunctions of literals, or `null` beyond `MAX_CASES`. */
function dnf(f: StrF): StrF[][] | null {
  switch (f.k) {
    case 'true':
      return [[]];
    case 'false':
      return [];
    case 'or': {
      const out: StrF[][] = [];
      for (const g of f.fs) {
        const d = dnf(g);
        if (d === null) return null;
        out.push(...d);
      }
      return out.length > MAX_CASES ? null : out;
    }
    case 'and': {
      let acc: StrF[][] = [[]];
      for (const g of f.fs) {
        const d = dnf(g);
        if (d === null) return null;
        acc = acc.flatMap((left) => d.map((right) => [...left, ...right]));
        if (acc.length > MAX_CASES) return null;
      }
      return acc;
    }
    default:
      return [[f]];
  }
}
