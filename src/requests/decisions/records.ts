/**
 * Building request records and the errors and audit entries that describe them: a new pending
 * request from an authenticated agent (addressed to the grantor of its token's last block,
 * with its idempotency key and the denied call it came from, if any), the `request` audit
 * entry that records it, the rule for who may act as a request's grantor, and the error for a
 * request that can no longer be decided.
 */
import { isGrantorOf, type Delegation } from '../../delegation/index.js';
import type { Actor, AgentActor } from './authority.js';
import { RequestExpiredError, RequestNotPendingError } from '../errors.js';
import { DEFAULT_POLL_INTERVAL, idempotencyKey, newId, type RequestArrival } from '../input.js';
import type { AuditInput, RequestRecord } from '../store/model.js';

/** What a new request says, as checked on arrival (or carried up by an escalation). */
export type Filing = Omit<RequestArrival, 'principal'>;

/**
 * A new pending request from `agent`, addressed to the grantor of its last block.
 *
 * @example
 * ```ts
 * const filing = { scope: ['tool == "fs.write"'], reason: 'save the fix', call: null, at: now, expiresAt: now + 3_600_000 };
 * const record = newRecord(agent, filing, null);
 * ```
 */
export function newRecord(
  agent: AgentActor,
  filing: Filing,
  escalationOf: string | null,
): RequestRecord {
  const { scope, reason, call, at, expiresAt } = filing;
  return {
    id: newId('req'),
    version: 1,
    status: 'pending',
    requester: agent.name,
    grantor: agent.delegation.askFrom,
    token: agent.delegation.token,
    scope,
    reason,
    call,
    idempotencyKey: idempotencyKey(agent.delegation.token, scope),
    createdAt: at,
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
      ...(record.call === null ? {} : { call: { tool: record.call.tool, args: record.call.args } }),
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
 * Whether `actor` could be the requester of `record` itself: the same principal, or an agent
 * whose place in the delegation tree passes through the requester's name. Whoever holds a place
 * can write every place below it (`to "planner"`, then `to "coder"`, appended to a coder's own
 * token), so such a token may be the requester's own, whatever name its last block gives.
 *
 * @example
 * ```ts
 * if (mayBeRequester(record, actor)) throw new RequestForbiddenError(record.id, 'self-decision', …);
 * ```
 */
export function mayBeRequester(record: RequestRecord, actor: Actor): boolean {
  if (actor.name === record.requester) return true;
  return actor.kind === 'agent' && actor.delegation.place.includes(record.requester);
}

/**
 * Whether `actor` may act as the grantor of a request whose requester holds `requester`: the
 * owner for requests addressed to the owner; an agent whose principal is the addressed grantor,
 * whose token holds the place in the delegation tree that wrote the requester's last block (a
 * principal name alone proves nothing: anyone can append `to "<name>"` to its token), and that
 * could not be the requester itself (`mayBeRequester`).
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
  if (actor.kind === 'owner') return true;
  return isGrantorOf(actor.delegation, requester) && !mayBeRequester(record, actor);
}
