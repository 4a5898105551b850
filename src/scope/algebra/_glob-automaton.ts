/**
 * Deterministic automata for glob patterns, over Unicode code points, for the string solver. A
 * glob's automaton is the subset construction of its position automaton (position i = "the
 * first i tokens matched", with epsilon moves over stars and over the skips of whole-segment
 * `**`s, as glob.ts matches), built lazily: a state is created only
 * when a search reaches it, so `**a?????` costs only the subsets actually explored, and the
 * number of states per glob is capped (`maxGlobStates`). Automata are shared across calls in a
 * bounded cache keyed by pattern. Code points that a pattern never names behave alike, so
 * transitions are cached per *class* (a named code point, `/`, or "any other").
 */
import { BoundedCache } from '../../_lru.js';
import { globSkips, parseGlob } from '../glob.js';
import type { GlobToken } from '../glob.js';
import type { Budget } from './limits.js';
import { LimitExceeded } from './limits.js';

const SLASH = 0x2f;
/** The transition class of every code point a pattern does not name (and is not `/`). */
const OTHER = -1;

/** What a state says about every non-empty continuation: always accepted, never, or it depends. */
export type Fate = boolean | null;

/** The lazily built automaton of one glob pattern. State 0 is the start. */
export class GlobAutomaton {
  readonly pattern: string;
  /** Code points that occur as literal characters in the pattern. */
  readonly named: ReadonlySet<number>;
  readonly #tokens: readonly GlobToken[];
  /** Positions at a `/` from which a skip jumps two tokens ahead (see `globSkips`). */
  readonly #skips: ReadonlySet<number>;
  readonly #sets: number[][] = [];
  readonly #ids = new Map<string, number>();
  readonly #next: Map<number, number>[] = [];
  readonly #accepting: boolean[] = [];
  readonly #fate: Fate[] = [];
  /** Positions from which the rest of the pattern matches everything (all stars, one a globstar). */
  readonly #acceptsAllFrom: boolean[];

  constructor(pattern: string) {
    this.pattern = pattern;
    this.#tokens = parseGlob(pattern);
    const skips = globSkips(this.#tokens);
    // A skip at a leading `**` is taken only at the start, a skip at a `/` whenever it is reached.
    this.#skips = new Set(skips.filter((p) => this.#tokens[p]?.kind === 'char'));
    const start = skips.includes(0) && this.#tokens[0]?.kind === 'globstar' ? [0, 2] : [0];
    const named = new Set<number>();
    for (const t of this.#tokens) if (t.kind === 'char') named.add(t.char.codePointAt(0) as number);
    this.named = named;
    const n = this.#tokens.length;
    this.#acceptsAllFrom = new Array<boolean>(n + 1).fill(false);
    let allStars = true;
    let sawGlobstar = false;
    for (let i = n - 1; i >= 0; i--) {
      const kind = this.#tokens[i]?.kind;
      allStars = allStars && (kind === 'star' || kind === 'globstar');
      sawGlobstar = sawGlobstar || kind === 'globstar';
      this.#acceptsAllFrom[i] = allStars && sawGlobstar;
    }
    this.#intern(this.#close(start), undefined);
  }

  get stateCount(): number {
    return this.#sets.length;
  }

  accepting(state: number): boolean {
    return this.#accepting[state] === true;
  }

  fate(state: number): Fate {
    return this.#fate[state] ?? null;
  }

  /** The state after reading code point `cp` in `state`. */
  step(state: number, cp: number, budget: Budget | undefined): number {
    const cls = this.named.has(cp) || cp === SLASH ? cp : OTHER;
    const row = this.#next[state] as Map<number, number>;
    const hit = row.get(cls);
    if (hit !== undefined) return hit;
    const out: number[] = [];
    for (const i of this.#sets[state] as number[]) {
      const t = this.#tokens[i];
      if (t === undefined) continue;
      switch (t.kind) {
        case 'char':
          if (cls === cp && t.char.codePointAt(0) === cp) out.push(i + 1);
          break;
        case 'one':
          if (cp !== SLASH) out.push(i + 1);
          break;
        case 'star':
          if (cp !== SLASH) out.push(i);
          break;
        case 'globstar':
          out.push(i);
          break;
      }
    }
    const id = this.#intern(this.#close(out), budget);
    row.set(cls, id);
    return id;
  }

  /** Whether the whole of `value` matches (the path-alias rule is not applied here). */
  matches(value: string): boolean {
    let state = 0;
    for (const ch of value) {
      state = this.step(state, ch.codePointAt(0) as number, undefined);
      if (this.#fate[state] !== null) return this.#fate[state] as boolean;
    }
    return this.accepting(state);
  }

  /** Adds the epsilon moves: a star may match the empty run, a skip may drop its two tokens. */
  #close(positions: readonly number[]): number[] {
    const seen = new Set<number>();
    const stack = [...positions];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      if (seen.has(i)) continue;
      seen.add(i);
      const kind = this.#tokens[i]?.kind;
      if (kind === 'star' || kind === 'globstar') stack.push(i + 1);
      if (this.#skips.has(i)) stack.push(i + 2);
    }
    return [...seen].sort((a, b) => a - b);
  }

  #intern(set: number[], budget: Budget | undefined): number {
    const key = set.join(',');
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    if (budget !== undefined) {
      budget.tick();
      if (this.#sets.length >= budget.limits.maxGlobStates) {
        throw new LimitExceeded(
          `the automaton of the glob ${JSON.stringify(this.pattern)} needs more than maxGlobStates = ${budget.limits.maxGlobStates} states`,
        );
      }
    }
    const id = this.#sets.length;
    this.#sets.push(set);
    this.#ids.set(key, id);
    this.#next.push(new Map());
    const n = this.#tokens.length;
    this.#accepting.push(set.includes(n));
    this.#fate.push(
      set.length === 0 ? false : set.some((i) => this.#acceptsAllFrom[i] === true) ? true : null,
    );
    return id;
  }
}

const automata = new BoundedCache<string, GlobAutomaton>(256);
/** An automaton that grew past this many states is rebuilt rather than kept, to bound memory. */
const KEEP_STATES = 512;

/** The shared automaton of `pattern`. */
export function globAutomaton(pattern: string): GlobAutomaton {
  let a = automata.get(pattern);
  if (a === undefined || a.stateCount > KEEP_STATES) {
    a = new GlobAutomaton(pattern);
    automata.set(pattern, a);
  }
  return a;
}
