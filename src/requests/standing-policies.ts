/**
 * Keeping a grantor's standing policies: adding one (checked, audited, then applied at once to
 * the grantor's waiting requests, so a rule written now also answers what is already queued),
 * listing those in force, and removing one. Only the grantor itself can add or remove its own
 * policies; an agent grantor's policy remembers the token it was added with, which is the
 * authority it approves with (see `policies.ts` for how a policy decides). An approve policy
 * may set a time box for the grants it makes (`grantExpiresIn`); without one, a grant ends when
 * the requester's token would have ended.
 */
import { RequestNotFoundError, RequestTokenError } from './errors.js';
import { NO_LIMIT, checkLifetime, newId, normalizeScope } from './input.js';
import type { Lifecycle } from './decisions/lifecycle.js';
import { samePlace, type RootKeyring } from '../delegation/index.js';
import { verifiedOrInvalid, type Actor } from './decisions/authority.js';
import type { PolicyRecord } from './store/model.js';
import type { AddPolicyOptions } from './options.js';
import { activePolicies } from './decisions/policies.js';
import type { RequestStore } from './store/store.js';
import { policyView, type PolicyView } from './answers/views.js';

/** What policy keeping needs from its Delegator. */
export interface PolicyContext {
  readonly store: RequestStore;
  readonly rootKeys: RootKeyring;
  readonly lifecycle: Lifecycle;
  readonly now: () => Date;
  readonly notify: () => Promise<void>;
}

/**
 * Adds a policy for `actor` and applies it to the actor's pending requests.
 *
 * @example
 * ```ts
 * const view = await addStandingPolicy(context, OWNER, { grantor: 'owner', effect: 'deny', scope: 'tool ~ "shell.*"' });
 * ```
 */
export async function addStandingPolicy(
  context: PolicyContext,
  actor: Actor,
  options: AddPolicyOptions,
): Promise<PolicyView> {
  if (options.effect !== 'approve' && options.effect !== 'deny')
    throw new TypeError(`options.effect must be 'approve' or 'deny'`);
  const scope = normalizeScope(options.scope, 'scope');
  const now = context.now().getTime();
  const lifetime = checkLifetime(options.expiresIn, 'options.expiresIn', 0, NO_LIMIT, now);
  const grantLifetime = checkGrantLifetime(options, now);
  const policy: PolicyRecord = {
    id: newId('pol'),
    grantor: actor.name,
    effect: options.effect,
    scope,
    token: actor.kind === 'agent' ? actor.delegation.token : null,
    createdAt: now,
    expiresAt: options.expiresIn === undefined ? null : now + Math.round(lifetime * 1000),
    grantLifetime,
  };
  await context.store.addPolicy(policy, {
    at: now,
    kind: 'policy-add',
    actor: policy.grantor,
    subject: null,
    requestId: null,
    details: {
      policy: policy.id,
      effect: policy.effect,
      scope: [...scope],
      expiresAt: policy.expiresAt === null ? null : new Date(policy.expiresAt).toISOString(),
      grantExpiresIn: grantLifetime,
    },
  });
  await context.notify();
  for (const record of await context.store.listRequests({
    grantor: policy.grantor,
    status: ['pending'],
  })) {
    await context.lifecycle.applyPolicies(await context.lifecycle.refresh(record));
  }
  return policyView(policy);
}

/**
 * `options.grantExpiresIn` checked at `now` (ms): a lifetime in seconds, for an approve policy
 * only (a deny policy grants nothing to time-box); `null` when it is not given.
 */
function checkGrantLifetime(options: AddPolicyOptions, now: number): number | null {
  if (options.grantExpiresIn === undefined) return null;
  if (options.effect !== 'approve') {
    throw new TypeError(
      'options.grantExpiresIn applies to approve policies only: a deny policy grants nothing',
    );
  }
  return checkLifetime(options.grantExpiresIn, 'options.grantExpiresIn', 0, NO_LIMIT, now);
}

/**
 * The policies in force for `grantor` (every grantor's when `undefined`), oldest first.
 *
 * @example
 * ```ts
 * const views = await listStandingPolicies(context, OWNER);
 * ```
 */
export async function listStandingPolicies(
  context: PolicyContext,
  grantor: Actor | undefined,
): Promise<PolicyView[]> {
  const policies = activePolicies(
    await context.store.listPolicies(grantor === undefined ? undefined : grantor.name),
    context.now().getTime(),
  );
  return policies
    .filter((p) => grantor === undefined || ownsPolicy(context, grantor, p))
    .map(policyView);
}

/**
 * Whether `actor` wrote `policy`: the owner for the owner's policies; an agent of the same name
 * at the same place in the delegation tree (a principal name alone proves nothing: anyone can
 * append `to "<name>"` to its own token).
 */
function ownsPolicy(context: PolicyContext, actor: Actor, policy: PolicyRecord): boolean {
  if (policy.grantor !== actor.name) return false;
  if (actor.kind === 'owner') return policy.token === null;
  if (policy.token === null) return false;
  try {
    return samePlace(verifiedOrInvalid(policy.token, context.rootKeys), actor.delegation);
  } catch (err) {
    // A policy written with a token that no longer verifies (its key retired) is nobody's.
    if (err instanceof RequestTokenError) return false;
    throw err;
  }
}

/**
 * Removes the policy `id` of `grantor`; `RequestNotFoundError` when it has no such policy.
 *
 * @example
 * ```ts
 * await removeStandingPolicy(context, OWNER, policy.id);
 * ```
 */
export async function removeStandingPolicy(
  context: PolicyContext,
  actor: Actor,
  id: string,
): Promise<void> {
  const grantor = actor.name;
  const policy = (await context.store.listPolicies(grantor)).find((p) => p.id === id);
  if (policy === undefined || !ownsPolicy(context, actor, policy))
    throw new RequestNotFoundError(id, 'policy');
  const removed = await context.store.removePolicy(id, grantor, {
    at: context.now().getTime(),
    kind: 'policy-remove',
    actor: grantor,
    subject: null,
    requestId: null,
    details: { policy: id },
  });
  if (!removed) throw new RequestNotFoundError(id, 'policy');
  await context.notify();
}
