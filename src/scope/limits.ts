/**
 * The size limits on caveat text and ASTs, and the work budget of one evaluation. Caveats arrive
 * from outside (inside tokens that anyone can attenuate), so the parser and the evaluator refuse
 * input beyond these bounds with a `ScopeLimitError` instead of spending unbounded time or stack
 * on it; requests arrive from agents, so glob matching against their arguments stops at a
 * budget (failing closed: the comparisons are undefined). The defaults are generous for real
 * permissions and small enough that the worst caveat parses and evaluates in microseconds to a
 * few milliseconds.
 */
import { assertObject } from '../_assert.js';
import { mergeLimits } from '../_limits.js';
import { ScopeLimitError } from './errors.js';

/** Limits on one caveat. Every field is a positive integer. */
export interface ScopeLimits {
  /** Length of the caveat text in UTF-16 code units. */
  readonly maxTextLength: number;
  /**
   * Nesting depth: of parentheses in the text, and of the AST (each `not`, `and`, `or` node is
   * one level below its parent; a lone comparison has depth 1).
   */
  readonly maxDepth: number;
  /** Number of comparisons (including `in` lists, quantified ones and constants) in one caveat. */
  readonly maxComparisons: number;
  /** Number of values in one `in [...]` / `not in [...]` list. */
  readonly maxListLength: number;
  /** Length of one glob pattern (after unescaping the string literal), in UTF-16 code units. */
  readonly maxPatternLength: number;
  /** Length of one string literal (after unescaping), in UTF-16 code units. */
  readonly maxStringLength: number;
  /**
   * Glob work of one evaluation of a caveat against a request (see `globWork`): over every `~`
   * and `!~` in the caveat, the length plus one of each value it reads (every element for
   * `all`/`any`) times the pattern's weight, 1 + ⌊pattern length / 32⌋. Above it, every glob
   * comparison of the caveat is undefined for that request.
   */
  readonly maxGlobWork: number;
}

/**
 * The defaults used when no `limits` option is given.
 *
 * @example
 * ```ts
 * parseCaveat(text, { limits: { ...DEFAULT_SCOPE_LIMITS, maxListLength: 5000 } });
 * ```
 */
export const DEFAULT_SCOPE_LIMITS: ScopeLimits = Object.freeze({
  maxTextLength: 8192,
  maxDepth: 32,
  maxComparisons: 128,
  maxListLength: 1024,
  maxPatternLength: 256,
  maxStringLength: 4096,
  maxGlobWork: 1 << 20,
});

/** Options shared by the functions that read caveat text. */
export interface ScopeOptions {
  /** Overrides for some or all limits; unspecified ones keep `DEFAULT_SCOPE_LIMITS`. */
  readonly limits?: Partial<ScopeLimits>;
}

/**
 * The effective limits for `options`, checking the caller's overrides.
 *
 * @example
 * ```ts
 * resolveLimits({ limits: { maxDepth: 8 } }).maxDepth; // 8
 * ```
 */
export function resolveLimits(options: ScopeOptions | undefined): ScopeLimits {
  if (options === undefined) return DEFAULT_SCOPE_LIMITS;
  assertObject(options, 'options');
  return mergeLimits(DEFAULT_SCOPE_LIMITS, options.limits, 'options.limits', 'a scope limit');
}

/**
 * Runs `fn`, turning a stack overflow into a `ScopeLimitError` on `maxDepth`. The defaults keep
 * every recursion over a caveat shallow; this only matters when a caller raises `maxDepth` far
 * beyond what the JavaScript stack can hold.
 *
 * @example
 * ```ts
 * withDepthGuard(limits, () => printCondition(hugeAst));
 * ```
 */
export function withDepthGuard<T>(limits: ScopeLimits, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw depthLimitError(limits, err);
  }
}

/**
 * `err` itself, or a `ScopeLimitError` on `maxDepth` in its place when it is a stack overflow.
 *
 * @example
 * ```ts
 * try { run(); } catch (err) { throw depthLimitError(limits, err); }
 * ```
 */
export function depthLimitError(limits: ScopeLimits, err: unknown): unknown {
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new ScopeLimitError(
      'maxDepth',
      limits.maxDepth,
      limits.maxDepth + 1,
      'the caveat nesting depth (it ran out of stack)',
    );
  }
  return err;
}
