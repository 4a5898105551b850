/**
 * Sets of numbers as unions of intervals with open or closed ends, exact over the values a
 * request can carry: finite IEEE doubles for `args` numbers (so `x > 1 and x < 1.0000000000000002`
 * is empty, since no double lies strictly between), and integer milliseconds for instants (the
 * verifier clock and instant strings). Emptiness, adjacency and choice of an example all go
 * through the *effective* closed bounds in the domain; the written bounds and their open/closed
 * flags are kept so that a set prints back as the comparisons a person would write.
 */

/** `real`: finite doubles (`-0` is `0`). `int`: integer milliseconds of a `Date`. */
export type Domain = 'real' | 'int';

/** One interval; `lo` may be `-Infinity` and `hi` `Infinity` (then the end is open). */
export interface Interval {
  readonly lo: number;
  readonly loOpen: boolean;
  readonly hi: number;
  readonly hiOpen: boolean;
}

const REAL_MAX = Number.MAX_VALUE;
/** The range of a `Date`: ±8.64e15 ms. */
const INT_MAX = 8.64e15;

const view = new DataView(new ArrayBuffer(8));

/** The least double above `x` (for finite `x`). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  const next = view.getFloat64(0);
  return next === 0 ? 0 : next;
}

/** The greatest double below `x` (for finite `x`). */
export function nextDown(x: number): number {
  const next = -nextUp(-x);
  return next === 0 ? 0 : next;
}

function domainMin(domain: Domain): number {
  return domain === 'real' ? -REAL_MAX : -INT_MAX;
}

function domainMax(domain: Domain): number {
  return domain === 'real' ? REAL_MAX : INT_MAX;
}

/** The least member of the domain at or above the interval's lower end. */
function effectiveLo(domain: Domain, iv: Interval): number {
  if (iv.lo === -Infinity) return domainMin(domain);
  if (iv.lo === Infinity) return Infinity;
  const v =
    domain === 'real'
      ? iv.loOpen
        ? nextUp(iv.lo)
        : iv.lo
      : iv.loOpen
        ? Math.floor(iv.lo) + 1
        : Math.ceil(iv.lo);
  return Math.max(v, domainMin(domain));
}

/** The greatest member of the domain at or below the interval's upper end. */
function effectiveHi(domain: Domain, iv: Interval): number {
  if (iv.hi === Infinity) return domainMax(domain);
  if (iv.hi === -Infinity) return -Infinity;
  const v =
    domain === 'real'
      ? iv.hiOpen
        ? nextDown(iv.hi)
        : iv.hi
      : iv.hiOpen
        ? Math.ceil(iv.hi) - 1
        : Math.floor(iv.hi);
  return Math.min(v, domainMax(domain));
}

function successor(domain: Domain, x: number): number {
  return domain === 'real' ? (x >= REAL_MAX ? Infinity : nextUp(x)) : x + 1;
}

/** An immutable union of disjoint, non-adjacent, non-empty intervals in ascending order. */
export class IntervalSet {
  readonly domain: Domain;
  readonly items: readonly Interval[];
  #key: string | undefined;

  private constructor(domain: Domain, items: readonly Interval[]) {
    this.domain = domain;
    this.items = items;
  }

  static empty(domain: Domain): IntervalSet {
    return new IntervalSet(domain, []);
  }

  static all(domain: Domain): IntervalSet {
    return new IntervalSet(domain, [{ lo: -Infinity, loOpen: true, hi: Infinity, hiOpen: true }]);
  }

  static point(domain: Domain, x: number): IntervalSet {
    const v = x === 0 ? 0 : x;
    return IntervalSet.of(domain, [{ lo: v, loOpen: false, hi: v, hiOpen: false }]);
  }

  /** `x < bound` (or `<=` when `inclusive`). */
  static below(domain: Domain, bound: number, inclusive: boolean): IntervalSet {
    return IntervalSet.of(domain, [
      { lo: -Infinity, loOpen: true, hi: bound === 0 ? 0 : bound, hiOpen: !inclusive },
    ]);
  }

  /** `x > bound` (or `>=` when `inclusive`). */
  static above(domain: Domain, bound: number, inclusive: boolean): IntervalSet {
    return IntervalSet.of(domain, [
      { lo: bound === 0 ? 0 : bound, loOpen: !inclusive, hi: Infinity, hiOpen: true },
    ]);
  }

  /** Normalizes any list of intervals: drops empty ones, sorts, merges overlapping and adjacent ones. */
  static of(domain: Domain, intervals: readonly Interval[]): IntervalSet {
    const live = intervals
      .map((iv) => ({ iv, lo: effectiveLo(domain, iv), hi: effectiveHi(domain, iv) }))
      .filter((x) => x.lo <= x.hi)
      .sort((a, b) => a.lo - b.lo || b.hi - a.hi);
    const out: { iv: Interval; lo: number; hi: number }[] = [];
    for (const x of live) {
      const last = out[out.length - 1];
      if (last !== undefined && x.lo <= successor(domain, last.hi)) {
        if (x.hi > last.hi) {
          last.iv = { lo: last.iv.lo, loOpen: last.iv.loOpen, hi: x.iv.hi, hiOpen: x.iv.hiOpen };
          last.hi = x.hi;
        }
      } else out.push({ ...x });
    }
    return new IntervalSet(
      domain,
      out.map((x) => x.iv),
    );
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  isAll(): boolean {
    const only = this.items[0];
    return (
      this.items.length === 1 &&
      only !== undefined &&
      effectiveLo(this.domain, only) <= domainMin(this.domain) &&
      effectiveHi(this.domain, only) >= domainMax(this.domain)
    );
  }

  has(x: number): boolean {
    return this.items.some(
      (iv) => effectiveLo(this.domain, iv) <= x && x <= effectiveHi(this.domain, iv),
    );
  }

  /** The members when the set is finite and small (every interval one point), else `null`. */
  points(): number[] | null {
    const out: number[] = [];
    for (const iv of this.items) {
      const lo = effectiveLo(this.domain, iv);
      if (lo !== effectiveHi(this.domain, iv)) return null;
      out.push(lo);
    }
    return out;
  }

  /** The effective closed bounds `[lo, hi]` of each interval. */
  closed(): [number, number][] {
    return this.items.map((iv) => [effectiveLo(this.domain, iv), effectiveHi(this.domain, iv)]);
  }

  intersect(other: IntervalSet): IntervalSet {
    if (this.isEmpty() || other.isAll()) return this;
    if (other.isEmpty() || this.isAll()) return other;
    const out: Interval[] = [];
    for (const a of this.items) {
      for (const b of other.items) {
        const loA = effectiveLo(this.domain, a);
        const loB = effectiveLo(this.domain, b);
        const hiA = effectiveHi(this.domain, a);
        const hiB = effectiveHi(this.domain, b);
        const lo = loA >= loB ? a : b;
        const hi = hiA <= hiB ? a : b;
        out.push({ lo: lo.lo, loOpen: lo.loOpen, hi: hi.hi, hiOpen: hi.hiOpen });
      }
    }
    return IntervalSet.of(this.domain, out);
  }

  union(other: IntervalSet): IntervalSet {
    if (this.isEmpty() || other.isAll()) return other;
    if (other.isEmpty() || this.isAll()) return this;
    return IntervalSet.of(this.domain, [...this.items, ...other.items]);
  }

  complement(): IntervalSet {
    const out: Interval[] = [];
    let lo = -Infinity;
    let loOpen = true;
    for (const iv of this.items) {
      out.push({ lo, loOpen, hi: iv.lo, hiOpen: !iv.loOpen });
      lo = iv.hi;
      loOpen = !iv.hiOpen;
    }
    out.push({ lo, loOpen, hi: Infinity, hiOpen: true });
    return IntervalSet.of(this.domain, out);
  }

  /**
   * A member close to `reference`, preferring integers (readable examples): the reference itself
   * when it is a member, else the nearest integer inside an interval, else an interval's end.
   */
  pick(reference = 0): number | undefined {
    let best: number | undefined;
    for (const [lo, hi] of this.closed()) {
      let c: number;
      if (lo <= reference && reference <= hi) c = reference;
      else if (lo > reference) c = Math.ceil(lo) <= hi ? Math.ceil(lo) : lo;
      else c = Math.floor(hi) >= lo ? Math.floor(hi) : hi;
      if (best === undefined || Math.abs(c - reference) < Math.abs(best - reference)) best = c;
    }
    return best === 0 ? 0 : best;
  }

  /** A canonical key: equal sets have equal keys. */
  key(): string {
    if (this.#key === undefined)
      this.#key = this.closed()
        .map(([lo, hi]) => `${lo}:${hi}`)
        .join(',');
    return this.#key;
  }
}
