/**
 * The run limits of the scope algebra. Every algebra call decides questions that are
 * exponential in the worst case (subset construction for globs such as `**a?????`, case splits on
 * `or`), so each call carries a budget: a count of search steps, a cap on the states of any one
 * automaton product, a cap on the states of any one glob automaton, and a wall-clock limit. When a
 * limit is reached the call answers `'unknown'` with a reason (or, for the operations that
 * rewrite scopes, returns a correct but less simplified result) instead of running on. Callers
 * must read `'unknown'` as "not contained" / "not known to be satisfiable". A caller that asks
 * several questions for one purpose (the delegation layer, for one denial or one discovery) can
 * share one budget among them (`algebraBudget`, passed as `options.budget`).
 */
import { assertObject } from '../../_assert.js';
import { mergeLimits } from '../../_limits.js';

/** Limits on one algebra call. Every field is a positive integer. */
export interface AlgebraLimits {
  /**
   * Comparisons in all the call's scopes together (one caveat is capped by the parser, but a
   * scope may hold any number of caveats).
   */
  readonly maxComparisons: number;
  /** Search steps: case splits, solver nodes and automaton transitions, all counted together. */
  readonly maxSteps: number;
  /** States of one product automaton explored while deciding a string constraint. */
  readonly maxProductStates: number;
  /** States of one glob's deterministic automaton (built lazily, kept in a shared cache). */
  readonly maxGlobStates: number;
  /** Wall-clock time for the whole call, in milliseconds. */
  readonly timeLimitMs: number;
  /**
   * Steps taken before `timeLimitMs` applies. A call that has done less work than this is not
   * cut by a pause of the process it did not cause (a garbage collection, a compilation), only
   * by the other limits; a call that works hard meets the time limit as soon as it passes it.
   */
  readonly untimedSteps: number;
}

/**
 * The defaults: far above what realistic scopes need (a typical `contains` takes well under a
 * millisecond and a few hundred steps) and low enough that the worst input returns `'unknown'`
 * within the 100 ms the delegation layer can afford.
 *
 * @example
 * ```ts
 * contains(outer, inner, { limits: { ...DEFAULT_ALGEBRA_LIMITS, timeLimitMs: 10 } });
 * ```
 */
export const DEFAULT_ALGEBRA_LIMITS: AlgebraLimits = Object.freeze({
  maxComparisons: 512,
  maxSteps: 200_000,
  maxProductStates: 20_000,
  maxGlobStates: 2_000,
  timeLimitMs: 40,
  untimedSteps: 16,
});

/** Options shared by every algebra function. */
export interface AlgebraOptions {
  /** Overrides for some or all limits; the others keep `DEFAULT_ALGEBRA_LIMITS`. */
  readonly limits?: Partial<AlgebraLimits>;
  /**
   * A budget shared with other calls (from `algebraBudget`), instead of a fresh one per call:
   * steps and the wall clock are then counted over all of them together. Not with `limits`.
   */
  readonly budget?: Budget;
}

/** Thrown inside the algebra when a limit is reached; the public functions turn it into `'unknown'`. */
export class LimitExceeded extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'LimitExceeded';
  }
}

/**
 * How often (in steps) the clock is read: `performance.now()` (about 40 ns) is too slow to call
 * every step, but a step can cost tens of microseconds on adversarial input (one value-set
 * intersection over many globs), so more than a few dozen steps between reads let a call run
 * past its deadline by milliseconds.
 */
const CLOCK_EVERY = 16;

const wallClock = (): number => performance.now();

/**
 * The budget of one algebra call, or of several sharing it. Once spent it stays spent: every
 * later step throws at once, so the calls still to come cost next to nothing.
 */
export class Budget {
  readonly limits: AlgebraLimits;
  readonly #clock: () => number;
  readonly #deadline: number;
  #steps = 0;
  #untilClock = CLOCK_EVERY;
  #spent: string | undefined;

  constructor(limits: AlgebraLimits, clock: () => number = wallClock) {
    this.limits = limits;
    this.#clock = clock;
    this.#deadline = clock() + limits.timeLimitMs;
  }

  /**
   * Why the budget is spent (`maxSteps` or the deadline, read now), or `undefined` while it is
   * not: a caller sharing the budget asks before work that the budget does not count.
   */
  get spent(): string | undefined {
    if (this.#spent === undefined && this.#timed() && this.#clock() > this.#deadline)
      this.#spent = this.#late();
    return this.#spent;
  }

  /** Counts `n` steps; throws `LimitExceeded` past `maxSteps` or the deadline, and ever after. */
  tick(n = 1): void {
    if (this.#spent !== undefined) throw new LimitExceeded(this.#spent);
    this.#steps += n;
    if (this.#steps > this.limits.maxSteps) {
      this.#spend(`the search needed more than maxSteps = ${this.limits.maxSteps} steps`);
    }
    this.#untilClock -= n;
    if (this.#untilClock <= 0) {
      this.#untilClock = CLOCK_EVERY;
      if (this.#timed() && this.#clock() > this.#deadline) this.#spend(this.#late());
    }
  }

  #timed(): boolean {
    return this.#steps >= this.limits.untimedSteps;
  }

  #late(): string {
    return `the search ran longer than timeLimitMs = ${this.limits.timeLimitMs} ms`;
  }

  #spend(reason: string): never {
    this.#spent = reason;
    throw new LimitExceeded(reason);
  }

  /** Throws `LimitExceeded` when `conditions` hold more than `maxComparisons` comparisons. */
  admit(comparisons: number): void {
    if (comparisons > this.limits.maxComparisons) {
      throw new LimitExceeded(
        `the scopes hold ${comparisons} comparisons, more than maxComparisons = ${this.limits.maxComparisons}`,
      );
    }
  }
}

/**
 * A fresh budget (its clock starts now) to pass as `options.budget` to several algebra calls,
 * so that together they stay within one set of limits. Once it is spent, every call that needs
 * the solver answers `'unknown'` (or, for the rewriting operations, a less simplified result)
 * at once. `clock` reads milliseconds for `timeLimitMs`: the wall clock (`performance.now`) by
 * default, or for instance the process's CPU time, which a loaded machine does not advance.
 *
 * @example
 * ```ts
 * const budget = algebraBudget({ timeLimitMs: 5 });
 * const verdicts = proposals.map((p) => contains(grantor, p, { budget }).contained);
 * budget.spent; // undefined, or why some verdicts are 'unknown'
 * ```
 */
export function algebraBudget(limits?: Partial<AlgebraLimits>, clock?: () => number): Budget {
  const resolved = resolveAlgebraLimits(limits === undefined ? undefined : { limits });
  if (clock !== undefined && typeof clock !== 'function')
    throw new TypeError('clock must be a function returning milliseconds');
  return new Budget(resolved, clock);
}

/**
 * The effective limits for `options`, checking the caller's overrides.
 *
 * @example
 * ```ts
 * resolveAlgebraLimits({ limits: { timeLimitMs: 10 } }).timeLimitMs; // 10
 * ```
 */
export function resolveAlgebraLimits(options: AlgebraOptions | undefined): AlgebraLimits {
  if (options === undefined) return DEFAULT_ALGEBRA_LIMITS;
  assertObject(options, 'options');
  return mergeLimits(DEFAULT_ALGEBRA_LIMITS, options.limits, 'options.limits', 'an algebra limit');
}
