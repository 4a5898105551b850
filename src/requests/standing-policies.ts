/**
 * Keeping a grantor's standing policies: adding one (checked, audited, then applied at once to
 * the grantor's waiting requests, so a rule written now also answers what is already queued),
 * listing those in force, and removing one. Only the grantor itself can add or remove its own
 * policies; an agent grantor's policy remembers the token it was added with, which is the
 * authority it approves with (see `policies.ts` for how a policy decides).
 */
import { RequestNotFoundError } from './errors.js';
import { NO_LIMIT, checkLifetime, newId, normalizeScope } from './input.js';
import type { Lifecycle } from './lifecycle.js';
import { actorName, type Actor } from './records.js';
import type { PolicyRecord } from './model.js';
import type { AddPolicyOptions } from './options.js';
import { activePolicies } from './policies.js';
import type { RequestStore } from './store.js';
import { policyView, type PolicyView } from './views.js';

/** What policy keeping needs from its Delegator. */
export interface PolicyContext {
  readonly store: RequestStore;
  readonly lifecycle: Lifecycle;
  readonly now: () => Date;
  readonly notify: () => Promise<void>;
}

/**
 * Adds a policy for `actor` and applies it to the actor's pending requests.
 *
 * @example
 * ```ts
 * const view = await addStandingPolicy(context, { kind: 'owner' }, { grantor: 'owner', effect: 'deny', scope: 'tool ~ "shell.*"' });
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
  const policy: PolicyRecord = {
    id: newId('pol'),
    grantor: actorName(actor),
    effect: options.effect,
    scope,
    token: actor.kind === 'agent' ? actor.holder.token : null,
    createdAt: now,
    expiresAt: options.expiresIn === undefined ? null : now + Math.round(lifetime * 1000),
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
 * The policies in force for `grantor` (every grantor's when `undefined`), oldest first.
 *
 * @example
 * ```ts
 * const views = await listStandingPolicies(context, 'owner');
 * ```
 */
export async function listStandingPolicies(
  context: PolicyContext,
  grantor: string | undefined,
): Promise<PolicyView[]> {
  return activePolicies(await context.store.listPolicies(grantor), context.now().getTime()).map(
    policyView,
  );
}

/**
 * Removes the policy `id` of `grantor`; `RequestNotFoundError` when it has no such policy.
 *
 * @example
 * ```ts
 * await removeStandingPolicy(context, 'owner', policy.id);
 * ```
 */
export async function removeStandingPolicy(
  context: PolicyContext,
  grantor: string,
  id: string,
): Promise<void> {
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
