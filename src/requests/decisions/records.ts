/**
 * Building request records and the errors and audit entries that describe them: a new pending
 * request from an authenticated holder (addressed to the grantor of its token's last block,
 * with its idempotency key), the `request` audit entry that records it, the name an actor
 * decides under, and the error for a request that can no longer be decided.
 */
import { inspectToken } from '../../delegation/index.js';
import type { Holder } from './authority.js';
import { RequestExpiredError, RequestNotPendingError } from '../errors.js';
import { DEFAULT_POLL_INTERVAL, idempotencyKey, newId } from '../input.js';
import type { AuditInput, RequestRecord } from '../store/model.js';

/** Who decides: the owner (who holds the root key) or an agent with its current token. */
export type Actor =
  { readonly kind: 'owner' } | { readonly kind: 'agent'; readonly holder: Holder };

/**
 * The name an actor decides under: `'owner'` or the agent's principal.
 *
 * @example
 * ```ts
 * actorName({ kind: 'owner' }); // 'owner'
 * ```
 */
export function actorName(actor: Actor): string {
  return actor.kind === 'owner' ? 'owner' : actor.holder.principal;
}

/**
 * A new pending request from `holder`, addressed to the grantor of its last block.
 *
 * @example
 * ```ts
 * const record = newRecord(holder, ['tool == "fs.write"'], 'save the fix', now, now + 3_600_000, null);
 * ```
 */
export function newRecord(
  holder: Holder,
  scope: readonly string[],
  reason: string,
  createdAt: number,
  expiresAt: number,
  escalationOf: string | null,
): RequestRecord {
  return {
    id: newId('req'),
    version: 1,
    status: 'pending',
    requester: holder.principal,
    grantor: holder.askFrom,
    token: holder.token,
    scope,
    reason,
    idempotencyKey: idempotencyKey(holder.token, scope),
    createdAt,
    expiresAt,
    interval: DEFAULT_POLL_INTERVAL,
    lastPolledAt: null,
    escalationOf,
    escalation: null,
    outcome: null,
    decidedBy: null,
    decidedAt: null,
    policyId: null,
  };
}

/**
 * The `request` audit entry of a new request (the token as a fingerprint only).
 *
 * @example
 * ```ts
 * await store.createRequest(record, (r) => [requestAudit(r, holder, now)]);
 * ```
 */
export function requestAudit(record: RequestRecord, holder: Holder, at: number): AuditInput {
  return {
    at,
    kind: 'request',
    actor: record.requester,
    subject: record.grantor,
    requestId: record.id,
    details: {
      scope: [...record.scope],
      reason: record.reason,
      expiresAt: new Date(record.expiresAt).toISOString(),
      token: holder.fingerprint,
      delegationId: holder.delegation.delegationId,
      ...(record.escalationOf === null ? {} : { escalationOf: record.escalationOf }),
    },
  };
}

/**
 * The error for a request that is no longer in a decidable state.
 *
 * @example
 * ```ts
 * if (record.status !== 'pending') throw notPending(record);
 * ```
 */
export function notPending(record: RequestRecord): RequestNotPendingError {
  return record.status === 'expired'
    ? new RequestExpiredError(record.id)
    : new RequestNotPendingError(record.id, record.status);
}

/**
 * The grantee of every block of a token, in order (`null` for a bearer block 0): the token's
 * place in the delegation tree. Unverified read: callers pass tokens that were verified when
 * they were stored or presented.
 */
export function grantPath(token: string): readonly (string | null)[] {
  return inspectToken(token).blocks.map((b) => b.grantee);
}

function samePath(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Whether `agentToken` holds the place in the delegation tree that wrote the last block of
 * `requesterToken`: its blocks' grantees are the requester's, less the last. A principal name
 * alone proves nothing — anyone can append `to "<name>"` to its own token — so an agent acts as
 * a request's grantor only from the position that actually delegated to the requester.
 *
 * @example
 * ```ts
 * holdsGrantorPlace(plannerToken, coderToken); // true when coder's token was delegated by planner
 * ```
 */
export function holdsGrantorPlace(agentToken: string, requesterToken: string): boolean {
  return samePath(grantPath(agentToken), grantPath(requesterToken).slice(0, -1));
}

/**
 * Whether two tokens stand at the same place in the delegation tree (same grantee path): the
 * same agent, with an older or newer token.
 *
 * @example
 * ```ts
 * samePlace(session.token, record.token);
 * ```
 */
export function samePlace(a: string, b: string): boolean {
  return samePath(grantPath(a), grantPath(b));
}

/**
 * Whether `actor` may act as the grantor of `record`: the owner for requests addressed to the
 * owner; an agent whose principal is the addressed grantor *and* whose token holds the place
 * that wrote the requester's last block.
 *
 * @example
 * ```ts
 * if (!isAddressedGrantor(record, actor)) throw new RequestForbiddenError(…);
 * ```
 */
export function isAddressedGrantor(record: RequestRecord, actor: Actor): boolean {
  if (record.grantor !== actorName(actor)) return false;
  return actor.kind === 'owner' || holdsGrantorPlace(actor.holder.token, record.token);
}
