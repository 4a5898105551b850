/**
 * The algebra budgets of the delegation layer's two calls that run the scope algebra. An agent
 * can append any conditions to its own token, including ones written to make the algebra work
 * hard, so the limits hold for the whole of one call, not for each algebra question inside it:
 * one budget covers a denied `authorize`'s needed permission (the minimal scope, its
 * suggestions, and whether the grantor can grant each), another one `accessForTools` over all
 * the tools it is asked about (tool discovery). When a budget is spent the call still answers,
 * with what it could compute: `grantable: 'unknown'` and `needed.incomplete` for a denial, a
 * correct but less simplified residual condition for discovery.
 */
import { algebraBudget, type Budget } from '../scope/algebra/limits.js';
import { DEFAULT_ALGEBRA_LIMITS, type AlgebraLimits, type AlgebraOptions } from '../scope/index.js';

/**
 * The algebra limits of one `authorize` (the needed permission of a denial). Allowed calls
 * never use it. A realistic denial takes a few dozen steps (measured: median 12, 99th percentile
 * 15) and well under a millisecond; the time limit is what stops an agent's hard conditions. It
 * applies from the 64th step on, so that a pause of the process (a garbage collection of several
 * milliseconds) does not cut a realistic denial (measured with the limit applying from the start:
 * about one realistic denial in 500 came back cut at 6 ms), while hard conditions, whose steps
 * cost 10–20 µs each, meet it within a millisecond or so of their own work.
 *
 * @example
 * ```ts
 * AUTHORIZE_ALGEBRA_LIMITS.timeLimitMs; // 6
 * ```
 */
export const AUTHORIZE_ALGEBRA_LIMITS: AlgebraLimits = Object.freeze({
  ...DEFAULT_ALGEBRA_LIMITS,
  maxSteps: 5_000,
  timeLimitMs: 6,
  untimedSteps: 64,
});

/**
 * The algebra limits of one `accessForTools` call (one `discoverTools`), over all its tools.
 *
 * @example
 * ```ts
 * DISCOVERY_ALGEBRA_LIMITS.timeLimitMs; // 25
 * ```
 */
export const DISCOVERY_ALGEBRA_LIMITS: AlgebraLimits = Object.freeze({
  ...DEFAULT_ALGEBRA_LIMITS,
  maxSteps: 50_000,
  timeLimitMs: 25,
});

/** The process's CPU time in milliseconds, where the runtime has it (Node, Deno, Bun). */
const cpuTime: (() => number) | undefined =
  typeof process === 'object' && typeof process.cpuUsage === 'function'
    ? () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      }
    : undefined;

/**
 * A clock that starts at 0 and counts the lesser of the wall-clock time and the process's CPU
 * time since: the work this call did, as near as a runtime without per-thread CPU time can say.
 * The wall clock alone is spent by a loaded machine (under load even a small question came back
 * `'unknown'`), and CPU time alone by the process's other threads (a garbage collection running
 * beside the call after a large one); each alone, not both. CPU time (a system call, about a
 * microsecond) is read only once the wall clock is past `limitMs`.
 */
function workClock(limitMs: number): () => number {
  const wall = performance.now();
  if (cpuTime === undefined) return () => performance.now() - wall;
  const cpu = cpuTime();
  // Within the limit on the wall clock, the lesser time is within it too: no need to ask for
  // CPU time (a system call) until the wall clock is past the limit.
  return () => {
    const elapsed = performance.now() - wall;
    return elapsed <= limitMs ? elapsed : Math.min(elapsed, cpuTime() - cpu);
  };
}

/**
 * A fresh budget within `limits`, its time counted by the work of this call (see `workClock`),
 * `spentMs` of which were already spent before it was made (reading a token that arrived as new
 * text: the holder chooses its size, so the call's budget counts it).
 *
 * @example
 * ```ts
 * const budget = delegationBudget(AUTHORIZE_ALGEBRA_LIMITS);
 * contains(grantor, proposal, { budget });
 * ```
 */
export function delegationBudget(limits: AlgebraLimits, spentMs = 0): Budget {
  const timeLimitMs = Math.max(1, Math.floor(limits.timeLimitMs - spentMs));
  return algebraBudget({ ...limits, timeLimitMs }, workClock(timeLimitMs));
}

/**
 * Rewriting past `maxComparisons` returns its input as it is (docs/algebra.md), so with this
 * limit `residual` and `withTool` only decide `tool` and `time`: exact, unsimplified, and no
 * dearer than printing the condition.
 */
const UNSIMPLIFIED: AlgebraOptions = Object.freeze({
  limits: Object.freeze({ maxComparisons: 1 }),
});

/**
 * The options for the next algebra call under `budget`: the budget itself while it lasts, then
 * no simplification at all. The algebra counts its search against the budget, but not the
 * rewriting around it, which on a large scope costs milliseconds of its own; so once the budget
 * is spent the remaining calls are not even started.
 *
 * @example
 * ```ts
 * const budget = algebraBudget(DISCOVERY_ALGEBRA_LIMITS);
 * for (const tool of tools) residual(scope, { tool, time }, whileBudgetLasts(budget));
 * ```
 */
export function whileBudgetLasts(budget: Budget): AlgebraOptions {
  return budget.spent === undefined ? { budget } : UNSIMPLIFIED;
}
