/**
 * The public views of stored records: what `get`, `inbox`, `subscribe`, `policies` and `audit`
 * return. Times become `Date`s; the requester's token, a credential, is never shown, only the
 * chain read from it (who gave what to whom) so a grantor can judge the request. The outcome
 * of an approved request does carry the new token: the views are for the holder of the
 * Delegator (the owner's harness) and for the grantor who decided.
 */
import { isValidDate } from '../../_assert.js';
import type { Delegation, TokenBlock } from '../../delegation/index.js';
import type { Alternatives, Containment } from '../../scope/index.js';
import type { PermissionOutcome, PermissionTicket } from '../../tools/broker.js';
import type { RequestCall } from '../input.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditKind,
  Json,
  PolicyRecord,
  RequestRecord,
  RequestStatus,
  StoredOutcome,
} from '../store/model.js';
import type { RequestStore } from '../store/store.js';

/** Which audit entries `delegator.audit` returns; every field narrows. */
export interface AuditQuery {
  readonly since?: Date;
  readonly until?: Date;
  readonly requestId?: string;
  /** Entries this principal (or `'owner'`) did or that concern it. */
  readonly principal?: string;
  readonly kind?: AuditKind;
  readonly limit?: number;
}

/** A permission request as its grantor and the owner see it. */
export interface PermissionRequestView {
  readonly id: string;
  readonly status: RequestStatus;
  /** Who asks: the principal of the requester's token. */
  readonly requester: string;
  /** Whom it is addressed to: `'owner'` or the principal that wrote the requester's last block. */
  readonly grantor: string;
  readonly reason: string;
  /** The conditions asked for (canonical texts), a conjunction. */
  readonly scope: readonly string[];
  /**
   * The denied call the request came from (tool and arguments, canonical JSON), when the
   * requester said; for a linked request, the call of the request it escalates. Written by the
   * requester: show it as data, never as markup. `null` when there is none.
   */
  readonly call: RequestCall | null;
  /** The requester's delegation chain, block by block (read from the token it asked with). */
  readonly chain: readonly TokenBlock[];
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** The request this one escalates, if it is a linked request. */
  readonly escalationOf: string | null;
  /** The linked request this one was escalated to, if it was. */
  readonly escalatedTo: string | null;
  readonly outcome: PermissionOutcome | null;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  /** The standing policy that decided it, if one did. */
  readonly policyId: string | null;
}

/**
 * What approving a request would do, before it is decided (`delegator.preview`, and each inbox
 * item for an approval as asked).
 */
export interface ApprovalPreview {
  /**
   * The algebra's verdict on the grant against the grantor's own authority: `{ contained: true }`
   * (within your authority: it can approve), `{ contained: false, witness }` (a request the
   * approval would allow and the grantor's token refuses: escalate), or `'unknown'` (treat as
   * not contained). What the approval would allow is the granted scope narrowed by the
   * requester's restrictions it does not speak to, so a call the grantor could make itself is
   * approvable.
   */
  readonly verdict: Containment;
  /** What the requester could do after the approval that it cannot do now, one alternative each. */
  readonly effect: Alternatives;
  /** When the grant would end: its time box, else the requester's or the grantor's expiry. */
  readonly grantEnds: Date | null;
  /** Whether the time box asked for reached past the grantor's own expiry and was cut to it. */
  readonly timeBoxCut: boolean;
  /**
   * Whether the request's `call` would be allowed, now, by the token this approval would hand
   * out (the grantor's conditions and the new block's); `null` when the request has no call.
   * `false` when the requester's token no longer verifies.
   */
  readonly callAllowedAfter: boolean | null;
}

/** A request in a grantor's inbox, with what approving it as asked would do. */
export interface InboxItem extends PermissionRequestView, ApprovalPreview {}

/** A standing policy. */
export interface PolicyView {
  readonly id: string;
  readonly grantor: string;
  readonly effect: 'approve' | 'deny';
  readonly scope: readonly string[];
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  /** For an approve policy: the time box of each grant it makes, in seconds (`null`: none). */
  readonly grantExpiresIn: number | null;
}

/** One audit entry. */
export interface AuditRecord {
  readonly seq: number;
  readonly at: Date;
  readonly kind: AuditKind;
  readonly actor: string;
  readonly subject: string | null;
  readonly requestId: string | null;
  readonly details: { readonly [key: string]: Json };
  readonly prevHash: string;
  readonly hash: string;
}

/** An approval as the requester reads it, awaited or polled. */
export function approvalView(
  outcome: Extract<StoredOutcome, { status: 'approved' }>,
): ApprovalView {
  return outcome.expiresAt === null
    ? { status: 'approved', token: outcome.token, scope: outcome.scope }
    : {
        status: 'approved',
        token: outcome.token,
        scope: outcome.scope,
        expiresAt: new Date(outcome.expiresAt),
      };
}

/** The approved form shared by `PermissionOutcome` and `PollAnswer`. */
export type ApprovalView = Extract<PermissionOutcome, { status: 'approved' }>;

/**
 * The public form of a stored outcome (times as `Date`s).
 *
 * @example
 * ```ts
 * outcomeView({ status: 'denied', reason: 'no' }); // { status: 'denied', reason: 'no' }
 * ```
 */
export function outcomeView(outcome: StoredOutcome): PermissionOutcome {
  switch (outcome.status) {
    case 'approved':
      return approvalView(outcome);
    case 'denied':
      return { status: 'denied', reason: outcome.reason };
    case 'expired':
      return { status: 'expired' };
    case 'cancelled':
      return { status: 'cancelled' };
  }
}

/**
 * The requester's ticket for a request.
 *
 * @example
 * ```ts
 * return ticketView(record); // { id, status, interval, expiresAt }
 * ```
 */
export function ticketView(record: RequestRecord): PermissionTicket {
  return {
    id: record.id,
    status: record.status,
    interval: record.interval,
    expiresAt: new Date(record.expiresAt),
  };
}

/**
 * The grantor's and owner's view of a request: the chain of the requester's verified token
 * (empty when it no longer verifies), never the token itself.
 *
 * @example
 * ```ts
 * const view = requestView(record, lifecycle.requesterIfValid(record));
 * console.log(view.chain.map((b) => `${b.grantor} → ${b.grantee}`));
 * ```
 */
export function requestView(
  record: RequestRecord,
  requester: Delegation | undefined,
): PermissionRequestView {
  const chain: readonly TokenBlock[] =
    requester === undefined
      ? []
      : requester.blocks.map((b) => ({
          block: b.block,
          grantor: b.grantor,
          grantee: b.grantee,
          conditions: b.conditions,
          unknownCaveats: b.unknownCaveats,
        }));
  return {
    id: record.id,
    status: record.status,
    requester: record.requester,
    grantor: record.grantor,
    reason: record.reason,
    scope: record.scope,
    call: record.call,
    chain,
    createdAt: new Date(record.createdAt),
    expiresAt: new Date(record.expiresAt),
    escalationOf: record.escalationOf,
    escalatedTo: record.escalation?.linkedId ?? null,
    outcome: record.outcome === null ? null : outcomeView(record.outcome),
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAt === null ? null : new Date(record.decidedAt),
    policyId: record.policyId,
  };
}

/**
 * The public view of a policy (its grantor's token is not shown).
 *
 * @example
 * ```ts
 * const views = (await store.listPolicies('owner')).map(policyView);
 * ```
 */
export function policyView(policy: PolicyRecord): PolicyView {
  return {
    id: policy.id,
    grantor: policy.grantor,
    effect: policy.effect,
    scope: policy.scope,
    createdAt: new Date(policy.createdAt),
    expiresAt: policy.expiresAt === null ? null : new Date(policy.expiresAt),
    grantExpiresIn: policy.grantLifetime,
  };
}

/** The public view of an audit entry (its time as a `Date`). */
function auditView(entry: AuditEntry): AuditRecord {
  return { ...entry, at: new Date(entry.at) };
}

/**
 * The entries of `store`'s audit log that `query` asks for, as public views, oldest first.
 *
 * @example
 * ```ts
 * const records = await auditRecords(store, { requestId: id });
 * ```
 */
export async function auditRecords(
  store: Pick<RequestStore, 'queryAudit'>,
  query: AuditQuery,
): Promise<AuditRecord[]> {
  return (await store.queryAudit(auditFilter(query))).map(auditView);
}

/** The store filter for a public audit query (dates become milliseconds). */
function auditFilter(query: AuditQuery): AuditFilter {
  if (typeof query !== 'object' || query === null) throw new TypeError('query must be an object');
  return {
    ...(query.since === undefined ? {} : { since: dateMs(query.since, 'query.since') }),
    ...(query.until === undefined ? {} : { until: dateMs(query.until, 'query.until') }),
    ...(query.requestId === undefined ? {} : { requestId: query.requestId }),
    ...(query.principal === undefined ? {} : { principal: query.principal }),
    ...(query.kind === undefined ? {} : { kind: query.kind }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
  };
}

function dateMs(value: unknown, name: string): number {
  if (!isValidDate(value)) throw new TypeError(`${name} must be a valid Date`);
  return value.getTime();
}
