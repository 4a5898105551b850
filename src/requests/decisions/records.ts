/**
 * Building request records and the errors and audit entries that describe them: a new pending
 * request from an authenticated agent (addressed to the grantor of its token's last block,
 * with its idempotency key), the `request` audit entry that records it, the rule for who may
 * act as a request's grantor, and the error for a request that can no longer be decided.
 */
import { isGrantorOf, type Delegation } from '../../delegation/index.js';
import type { Actor, AgentActor } from './authority.js';
import { RequestExpiredError, RequestNotPendingError } from '../errors.js';
import { DEFAULT_POLL_INTERVAL, idempotencyKey, newId } from '../input.js';
import type { AuditInput, RequestRecord } from '../store/model.js';

/**
 * A new pending request from `agent`, addressed to the grantor of its last block.
 *
 * @example
 * ```ts
 * const record = newRecord(agent, ['tool == "fs.write"'], 'save the fix', now, now + 3_600_000, null);
 * ```
 */
export function newRecord(
  agent: AgentActor,
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
    requester: agent.name,
    grantor: agent.delegation.askFrom,
    token: agent.delegation.token,
    scope,
    reason,
    idempotencyKey: idempotencyKey(agent.delegation.token, scope),
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
 * await store.createRequest(record, (r) => [requestAudit(r, agent, now)]);
 * ```
 */
export function requestAudit(record: RequestRecord, agent: AgentActor, at: number): AuditInput {
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
      token: agent.fingerprint,
      delegationId: agent.delegation.delegationId,
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
 * Whether `actor` may act as the grantor of a request whose requester holds `requester`: the
 * owner for requests addressed to the owner; an agent whose principal is the addressed grantor
 * *and* whose token holds the place in the delegation tree that wrote the requester's last
 * block (a principal name alone proves nothing: anyone can append `to "<name>"` to its token).
 *
 * @example
 * ```ts
 * if (!isAddressedGrantor(record, requester, actor)) throw new RequestForbiddenError(…);
 * ```
 */
export function isAddressedGrantor(
  record: RequestRecord,
  requester: Delegation,
  actor: Actor,
): boolean {
  if (record.grantor !== actor.name) return false;
  return actor.kind === 'owner' || isGrantorOf(actor.delegation, requester);
}
