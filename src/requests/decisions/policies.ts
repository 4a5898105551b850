/**
 * Standing policies: a grantor's decisions made in advance, written in the DSL, so that people
 * are asked only when it matters. A request is auto-denied when its scope *intersects* a deny
 * policy's scope (some request it would allow is one the grantor refuses outright), and
 * auto-approved when its scope lies *inside* an approve policy's scope; deny wins over
 * approve; anything else waits for the grantor. Both tests are the algebra's, and both fail
 * towards asking a person: an "unknown" intersection denies (the cautious answer for a deny
 * rule) and an "unknown" containment does not approve. Whether an approval also lies inside
 * the grantor's own authority is checked when the approval is made, exactly as for a manual
 * one.
 */
import { contains, satisfiable, type Condition } from '../../scope/index.js';
import type { PolicyRecord } from '../store/model.js';
import { scopeOf } from './authority.js';

/**
 * The policies in force at `now` (ms): those without an expiry or expiring later.
 *
 * @example
 * ```ts
 * const live = activePolicies(await store.listPolicies('owner'), Date.now());
 * ```
 */
export function activePolicies(policies: readonly PolicyRecord[], now: number): PolicyRecord[] {
  return policies.filter((p) => p.expiresAt === null || p.expiresAt > now);
}

/**
 * The first deny policy whose scope intersects `scope` (or might: "unknown" counts), if any.
 *
 * @example
 * ```ts
 * denyingPolicy(policies, scopeOf(['tool == "shell.exec"'])); // the policy with scope 'tool ~ "shell.*"'
 * ```
 */
export function denyingPolicy(
  policies: readonly PolicyRecord[],
  scope: readonly Condition[],
): PolicyRecord | undefined {
  return policies.find(
    (p) =>
      p.effect === 'deny' && satisfiable([...scope, ...scopeOf(p.scope)]).satisfiable !== false,
  );
}

/**
 * The approve policies whose scope certainly contains `scope`, oldest first.
 *
 * @example
 * ```ts
 * approvingPolicies(policies, scopeOf(['tool == "fs.read"', 'args.path ~ "/repo/src/**"']));
 * ```
 */
export function approvingPolicies(
  policies: readonly PolicyRecord[],
  scope: readonly Condition[],
): PolicyRecord[] {
  return policies.filter(
    (p) => p.effect === 'approve' && contains(scopeOf(p.scope), [...scope]).contained === true,
  );
}
