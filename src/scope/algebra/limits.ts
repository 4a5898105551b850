/**
 * The run limits of the scope algebra. Every algebra call decides questions that are
 * exponential in the worst case (subset construction for globs such as `**a?????`, case splits on
 * `or`), so each call carries a budget: a count of search steps, a cap on the states of any one
 * automaton product, a cap on the states of any one glob automaton, and a wall-clock limit. When a
 * limit is reached the call answers `'unknown'` with a reason (or, for the operations that
 * rewrite scopes, returns a correct but less simplified result) instead of running on. Callers
 * must read `'unknown'` as "not contained" / "not known to be satisfiable".
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
});

/** Options shared by every algebra function. */
export interface AlgebraOptions {
  /** Overrides for some or all limits; the others keep `DEFAULT_ALGEBRA_LIMITS`. */
  readonly limits?: Partial<AlgebraLimits>;
}

/** Thrown inside the algebra when a limit is reached; the public functions turn it into `'unknown'`. */
export class LimitExceeded extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'LimitExceeded';
  }
}

/** How often (in steps) the clock is read: `performance.now()` is too slow to call every step. */
const CLOCK_EVERY = 128;

/** The budget of one algebra call. */
export class Budget {
  readonly limits: AlgebraLimits;
  readonly #deadline: number;
  #steps = 0;
  #untilClock = CLOCK_EVERY;

  constructor(limits: AlgebraLimits) {
    this.limits = limits;
    this.#deadline = performance.now() + limits.timeLimitMs;
  }

  /** Counts `n` steps; throws `LimitExceeded` past `maxSteps` or the deadline. */
  tick(n = 1): void {
    this.#steps += n;
    if (this.#steps > this.limits.maxSteps) {
      throw new LimitExceeded(
        `the search needed more than maxSteps = ${this.limits.maxSteps} steps`,
      );
    }
    this.#untilClock -= n;
    if (this.#untilClock <= 0) {
      this.#untilClock = CLOCK_EVERY;
      if (performance.now() > this.#deadline) {
        throw new LimitExceeded(
          `the search ran longer than timeLimitMs = ${this.limits.timeLimitMs} ms`,
        );
      }
    }
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
