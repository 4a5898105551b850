/**
 * Building request records and the errors and audit entries that describe them: a new pending
 * request from an authenticated holder (addressed to the grantor of its token's last block,
 * with its idempotency key), the `request` audit entry that records it, the name an actor
 * decides under, and the error for a request that can no longer be decided.
 */
import type { Holder } from './authority.js';
import { RequestExpiredError, RequestNotPendingError } from './errors.js';
import { idempotencyKey, newId } from './input.js';
import type { AuditInput, RequestRecord } from './model.js';
import { DEFAULT_POLL_INTERVAL } from './polling.js';

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
