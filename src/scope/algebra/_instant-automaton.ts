/**
 * A deterministic automaton for "an `args` string that reads as an instant whose milliseconds lie
 * in a given set", so that instant comparisons on strings join globs and string sets in the same
 * product search. An instant string has the fixed layout `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` (see
 * ../instant.ts), so in that layout text order is time order: membership in `[a, b]` is a
 * comparison of the first 19 characters with those of `a` and `b`, character by character, then
 * of the fraction (padded with zeros) with their milliseconds.
 *
 * The automaton is a product of two parts. The *validator*, shared by every search, reads the
 * layout and checks the date as it goes: leap years through three bits of the year, the month's
 * length, hour ≤ 23, minute and second ≤ 59. A *tracker* per interval keeps its position and
 * whether the text so far is still equal to the interval's start or end ("tight") or already
 * strictly inside; it is plain arithmetic. One automaton serves all instant constraints of a
 * string formula, so their shared layout is validated once.
 */
import { BoundedCache } from '../../_lru.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS, formatInstant } from '../instant.js';
import type { Fate } from './_glob-automaton.js';
import type { IntervalSet } from './_interval.js';
import type { Budget } from './limits.js';
import { LimitExceeded } from './limits.js';

const LAYOUT = '0123456789-T:.Z';
/** Code points of the instant layout; every other code point leads to the dead state. */
export const INSTANT_NAMED: readonly number[] = [...LAYOUT].map((c) => c.codePointAt(0) as number);
const CHAR_INDEX = new Map(INSTANT_NAMED.map((cp, i) => [cp, i]));
const DASH = 0x2d;
const T = 0x54;
const COLON = 0x3a;
const DOT = 0x2e;
const Z = 0x5a;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Position after the closing `Z`. */
const FINAL = 24;
const DEAD = 0;

/** Reads the layout and validates the date; state = (characters read, what is remembered). */
class Validator {
  readonly #pos: number[] = [-1];
  readonly #scratch: number[] = [0];
  readonly #ids = new Map<number, number>();
  readonly #next: Int32Array[] = [new Int32Array(LAYOUT.length)];
  readonly start: number;

  constructor() {
    this.start = this.#intern(0, 0);
  }

  final(state: number): boolean {
    return this.#pos[state] === FINAL;
  }

  pos(state: number): number {
    return this.#pos[state] as number;
  }

  step(state: number, cp: number): number {
    const c = CHAR_INDEX.get(cp);
    if (c === undefined || state === DEAD) return DEAD;
    const row = this.#next[state] as Int32Array;
    const hit = row[c] as number;
    if (hit !== -1) return hit;
    const next = this.#advance(this.#pos[state] as number, this.#scratch[state] as number, cp);
    const id = next === null ? DEAD : this.#intern(next[0], next[1]);
    row[c] = id;
    return id;
  }

  #intern(pos: number, scratch: number): number {
    const key = pos * 4096 + scratch;
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    const id = this.#pos.length;
    this.#pos.push(pos);
    this.#scratch.push(scratch);
    this.#next.push(new Int32Array(LAYOUT.length).fill(-1));
    this.#ids.set(key, id);
    return id;
  }

  /** `[next position, next scratch]`, or `null` when `cp` cannot come next. */
  #advance(pos: number, scratch: number, cp: number): [number, number] | null {
    const d = cp >= 0x30 && cp <= 0x39 ? cp - 0x30 : -1;
    const digit = (ok: boolean, next: number): [number, number] | null =>
      d >= 0 && ok ? [pos + 1, next] : null;
    switch (pos) {
      case 0:
        return digit(true, d % 2);
      case 1: // scratch: the century's first digit is odd; now: is the century divisible by 4?
        return digit(true, (2 * scratch + d) % 4 === 0 ? 1 : 0);
      case 2:
        return digit(true, scratch | ((d % 2) << 1) | ((d === 0 ? 1 : 0) << 2));
      case 3: {
        const centuryBy4 = (scratch & 1) === 1;
        const tensOdd = (scratch >> 1) & 1;
        const tensZero = ((scratch >> 2) & 1) === 1;
        const leap = (2 * tensOdd + d) % 4 === 0 && (!(tensZero && d === 0) || centuryBy4);
        return digit(true, leap ? 1 : 0);
      }
      case 4:
      case 7:
        return cp === DASH ? [pos + 1, scratch] : null;
      case 5:
        return digit(d <= 1, scratch | (d << 1));
      case 6: {
        const tens = scratch >> 1;
        const month = tens * 10 + d;
        return digit(
          month >= 1 && month <= 12,
          month === 2 ? ((scratch & 1) === 1 ? 29 : 28) : (DAYS[month - 1] ?? 0),
        );
      }
      case 8:
        return digit(d * 10 <= scratch, scratch * 10 + d);
      case 9: {
        const day = (scratch % 10) * 10 + d;
        return digit(day >= 1 && day <= Math.floor(scratch / 10), 0);
      }
      case 10:
        return cp === T ? [pos + 1, 0] : null;
      case 11:
        return digit(d <= 2, d);
      case 12:
        return digit(scratch * 10 + d <= 23, 0);
      case 13:
      case 16:
        return cp === COLON ? [pos + 1, 0] : null;
      case 14:
      case 17:
        return digit(d <= 5, 0);
      case 15:
      case 18:
      case 20:
        return digit(true, 0);
      case 19:
        return cp === Z ? [FINAL, 0] : cp === DOT ? [pos + 1, 0] : null;
      case 21:
      case 22:
        return cp === Z ? [FINAL, 0] : digit(true, 0);
      case 23:
        return cp === Z ? [FINAL, 0] : null;
      default:
        return null;
    }
  }
}

const VALIDATOR = new Validator();

/** Tracker flags: the text is strictly above the interval's start / strictly below its end. */
const ABOVE_LO = 1;
const BELOW_HI = 2;
/** Tracker state: 0 when the text left the interval, else 1 + position * 4 + flags. */
const GONE = 0;

/** Follows one interval `[lo, hi]` (whole milliseconds inside the years 0000–9999). */
class Tracker {
  readonly atom: number;
  readonly #lo: number[];
  readonly #hi: number[];

  constructor(atom: number, lo: number, hi: number) {
    this.atom = atom;
    this.#lo = digitsOf(lo);
    this.#hi = digitsOf(hi);
  }

  static readonly start = 1;

  static final(state: number): boolean {
    return state !== GONE && (state - 1) >> 2 === FINAL;
  }

  /** The state after `cp`, read where the validator expects position `pos`. */
  step(state: number, cp: number): number {
    if (state === GONE) return GONE;
    const pos = (state - 1) >> 2;
    let flags = (state - 1) & 3;
    if (pos === FINAL) return GONE;
    if (cp === Z && pos >= 19) {
      // The fraction ends: its missing digits are zeros, below the start's when it has more.
      if ((flags & ABOVE_LO) === 0)
        for (let k = pos > 20 ? pos - 20 : 0; k < 3; k++)
          if ((this.#lo[19 + k] as number) > 0x30) return GONE;
      return 1 + FINAL * 4 + flags;
    }
    const at = pos < 19 ? pos : pos >= 20 ? pos - 1 : -1;
    if (at >= 0) {
      if ((flags & ABOVE_LO) === 0) {
        const lo = this.#lo[at] as number;
        if (cp < lo) return GONE;
        if (cp > lo) flags |= ABOVE_LO;
      }
      if ((flags & BELOW_HI) === 0) {
        const hi = this.#hi[at] as number;
        if (cp > hi) return GONE;
        if (cp < hi) flags |= BELOW_HI;
      }
    }
    return 1 + (pos + 1) * 4 + flags;
  }
}

/** The code units of `YYYY-MM-DDTHH:MM:SS` followed by the three millisecond digits. */
function digitsOf(ms: number): number[] {
  const second = Math.floor(ms / 1000) * 1000;
  const text = formatInstant(second).slice(0, 19) + String(ms - second).padStart(3, '0');
  return [...text].map((c) => c.charCodeAt(0));
}

/** The automaton for a list of instant constraints (integer-millisecond interval sets). */
export class InstantAutomaton {
  readonly #trackers: Tracker[] = [];
  readonly #rows: number[][] = [];
  /** Transitions by layout character (index `LAYOUT.length` for every other code point). */
  readonly #next: Int32Array[] = [];
  readonly #ids = new Map<string, number>();
  readonly start: number;

  constructor(constraints: readonly IntervalSet[]) {
    constraints.forEach((set, atom) => {
      for (const [a, b] of set.closed()) {
        const lo = Math.max(a, MIN_INSTANT_MS);
        const hi = Math.min(b, MAX_INSTANT_MS);
        if (lo <= hi) this.#trackers.push(new Tracker(atom, lo, hi));
      }
    });
    this.start = this.#intern(
      [VALIDATOR.start, ...this.#trackers.map(() => Tracker.start)],
      undefined,
    );
  }

  get stateCount(): number {
    return this.#rows.length;
  }

  /** Whether the text read so far is an instant inside constraint `atom`. */
  accepting(state: number, atom: number): boolean {
    const row = this.#rows[state] as number[];
    if (!VALIDATOR.final(row[0] as number)) return false;
    return this.#trackers.some((t, i) => t.atom === atom && Tracker.final(row[i + 1] as number));
  }

  /** `false` when no continuation can make constraint `atom` hold, else `null`. */
  fate(state: number, atom: number): Fate {
    const row = this.#rows[state] as number[];
    const v = row[0] as number;
    if (v === DEAD || VALIDATOR.final(v)) return false;
    return this.#trackers.some((t, i) => t.atom === atom && row[i + 1] !== GONE) ? null : false;
  }

  step(state: number, cp: number, budget: Budget): number {
    const c = CHAR_INDEX.get(cp) ?? LAYOUT.length;
    const cached = this.#next[state] as Int32Array;
    const hit = cached[c] as number;
    if (hit !== -1) return hit;
    const row = this.#rows[state] as number[];
    const v = VALIDATOR.step(row[0] as number, cp);
    const id = this.#intern(
      [v, ...this.#trackers.map((t, i) => (v === DEAD ? GONE : t.step(row[i + 1] as number, cp)))],
      budget,
    );
    cached[c] = id;
    return id;
  }

  #intern(row: number[], budget: Budget | undefined): number {
    const key = row[0] === DEAD ? 'dead' : row.join(',');
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    if (budget !== undefined) {
      budget.tick();
      if (this.#rows.length > budget.limits.maxProductStates) {
        throw new LimitExceeded(
          `an instant constraint needs more than maxProductStates = ${budget.limits.maxProductStates} automaton states`,
        );
      }
    }
    const id = this.#rows.length;
    this.#rows.push(row);
    this.#next.push(new Int32Array(LAYOUT.length + 1).fill(-1));
    this.#ids.set(key, id);
    return id;
  }
}

const automata = new BoundedCache<string, InstantAutomaton>(64);
/** An automaton that grew past this many states is rebuilt rather than kept, to bound memory. */
const KEEP_STATES = 2048;

/** The shared automaton for a list of instant constraints (its states are kept between calls). */
export function instantAutomaton(constraints: readonly IntervalSet[]): InstantAutomaton {
  const key = constraints.map((c) => c.key()).join(';');
  let a = automata.get(key);
  if (a === undefined || a.stateCount > KEEP_STATES) {
    a = new InstantAutomaton(constraints);
    automata.set(key, a);
  }
  return a;
}
