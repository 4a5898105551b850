/**
 * A Delegator on an in-memory store with an injected clock, an owner-minted token for
 * `planner`, and helpers to ask the real `authorize` what a token allows. Shared by the
 * Delegator's unit tests.
 */
import { authorize, delegate } from '../../../src/delegation/index.js';
import { Delegator } from '../../../src/requests/index.js';

/** A clock the test moves by hand. */
export class Clock {
  ms = Date.UTC(2026, 2, 1, 9, 0, 0);
  readonly now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** The planner's scope in most tests. */
export const PLANNER_SCOPE = [
  'tool in ["fs.read", "fs.list", "fs.write"]',
  'args.path ~ "/repo/**"',
];

export interface Setup {
  readonly clock: Clock;
  readonly delegator: Delegator;
  readonly planner: string;
  /** A token planner delegates to `to` with `conditions`. */
  sub(to: string, conditions: readonly string[], parent?: string): string;
  /** Whether `token` (held by `principal`) allows the call now. */
  allows(token: string, principal: string, tool: string, args?: Record<string, unknown>): boolean;
}

export async function setup(
  options: { plannerScope?: readonly string[]; expiresIn?: number } = {},
): Promise<Setup> {
  const clock = new Clock();
  const delegator = await Delegator.inMemory({ now: clock.now, watchIntervalMs: 0 });
  const planner = await delegator.mint({
    to: 'planner',
    conditions: options.plannerScope ?? PLANNER_SCOPE,
    ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
  });
  return {
    clock,
    delegator,
    planner,
    sub: (to, conditions, parent = planner) =>
      delegate(parent, { to, conditions, now: clock.now() }).token,
    allows: (token, principal, tool, args = {}) =>
      authorize(
        token,
        { tool, args, principal },
        { rootKeys: delegator.rootKeys, now: clock.now() },
      ).allowed,
  };
}
