/**
 * Standing policies: a grantor's decisions made in advance, written in the DSL, so that people
 * are asked only when it matters. A request is auto-denied when its scope *intersects* a deny
 * policy's scope (some request it would allow is one the grantor refuses outright), and
 * auto-approved when its scope lies *inside* an approve policy's scope; deny wins over
 * approve; anything else waits for the grantor. Both tests are the algebra's, and both fail
 * towards asking a person: an "unknown" intersection denies (the cautious answer for a deny
 * rule) and an "unknown" containment does not approve. Whether an approval also lies inside
 * the grantor's own authority is checked when the approval is made, exactly as for a manual
 * one. A policy speaks for its grantor only when it was written from the place in the tree that
 * delegated to the requester, and acts with the token it was written with.
 */
import { contains, satisfiable, type Condition } from '../../scope/index.js';
import {
  RequestExceedsAuthorityError,
  RequestForbiddenError,
  RequestNotPendingError,
  RequestTokenError,
} from '../errors.js';
import type { PolicyRecord, RequestRecord } from '../store/model.js';
import { OWNER, placeOf, scopeOf, verifyAgent, type AgentActor } from './authority.js';
import type { Decisions, LifecycleContext } from './context.js';

/**
 * Decides a pending request by its grantor's standing policies, if one applies: deny when a
 * deny policy intersects it, else approve by the first approve policy that contains it and
 * whose grantor's authority still does. Returns the request as it now stands. A request whose
 * requester's token no longer verifies is left to its grantor, who sees why.
 *
 * @example
 * ```ts
 * const current = await decideByPolicies(lifecycle, context, record);
 * ```
 */
export async function decideByPolicies(
  decisions: Decisions,
  context: LifecycleContext,
  record: RequestRecord,
): Promise<RequestRecord> {
  if (record.status !== 'pending') return record;
  const now = context.now();
  const stored = activePolicies(await context.store.listPolicies(record.grantor), now.getTime());
  if (stored.length === 0 || decisions.requesterIfValid(record) === undefined) return record;
  const authorOf = (p: PolicyRecord): AgentActor | undefined => policyAuthor(context, p.token, now);
  const policies = stored.filter((p) => {
    if (p.token === null) return true;
    const author = authorOf(p);
    return author !== undefined && decisions.isAddressedTo(record, author);
  });
  if (policies.length === 0) return record;
  const scope = scopeOf(record.scope);
  const deny = denyingPolicy(policies, scope);
  try {
    if (deny !== undefined) {
      if (record.requester === record.grantor) return record;
      const author = deny.token === null ? OWNER : authorOf(deny);
      return await decisions.denyBy(record, `denied by standing policy ${deny.id}`, {
        name: record.grantor,
        place: author === undefined ? null : placeOf(author),
        via: 'policy',
        policyId: deny.id,
      });
    }
    for (const policy of approvingPolicies(policies, scope)) {
      const actor = policy.grantor === OWNER.name ? OWNER : authorOf(policy);
      if (actor === undefined || actor.name !== policy.grantor) continue;
      try {
        // Without a time box of its own, the grant ends with the requester's token.
        const box = policy.grantLifetime;
        return await decisions.approve(record, actor, {
          timeBox: box === null ? null : now.getTime() + Math.round(box * 1000),
          policyId: policy.id,
          via: 'policy',
        });
      } catch (err) {
        if (err instanceof RequestExceedsAuthorityError || err instanceof RequestForbiddenError)
          continue;
        throw err;
      }
    }
  } catch (err) {
    if (err instanceof RequestNotPendingError) return decisions.load(record.id);
    throw err;
  }
  return record;
}

/** The agent that wrote a policy, if its token still proves it. */
function policyAuthor(
  context: LifecycleContext,
  token: string | null,
  now: Date,
): AgentActor | undefined {
  if (token === null) return undefined;
  try {
    return verifyAgent(token, {
      rootKeys: context.rootKeys,
      now,
      revocations: context.revocations,
    });
  } catch (err) {
    if (err instanceof RequestTokenError) return undefined;
    throw err;
  }
}

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
