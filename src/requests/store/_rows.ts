/**
 * The stores' rows: the columns of each table, a row as the SQL drivers return it (times as
 * integers of milliseconds, the few structured fields as JSON text), and the mapping between
 * rows and records. SQLite and PostgreSQL keep the same columns with the same meaning, so one
 * mapping serves both; each engine's own file holds its DDL and its statement texts.
 */
import { callFromJson, callToJson } from '../input.js';
import type {
  AuditEntry,
  EscalationLink,
  HopRecord,
  Json,
  PolicyRecord,
  RequestRecord,
  RequestStatus,
  Revocation,
  StoredOutcome,
} from './model.js';

/** The `hops` columns, in the order `hopToRow` writes them. */
export const HOP_COLUMNS =
  'id, parent, via, delegation_id, key_id, block, grantor, grantee, place, conditions, expires_at, prefixes, source, first_seen_at';

/** The `revocations` columns, in the order `revocationToRow` writes them. */
export const REVOCATION_COLUMNS = 'seq, kind, target, delegation_id, revoked_by, at, reason';

/** A `requests` row as the drivers return it. */
export interface RequestRow {
  id: string;
  version: number;
  status: string;
  requester: string;
  grantor: string;
  token: string;
  scope: string;
  reason: string;
  idem_key: string;
  created_at: number;
  expires_at: number;
  interval_s: number;
  last_polled_at: number | null;
  escalation_of: string | null;
  linked_id: string | null;
  auto_approve: number | null;
  outcome: string | null;
  decided_by: string | null;
  decided_at: number | null;
  policy_id: string | null;
  call: string | null;
}

/** An `audit` row. */
export interface AuditRow {
  seq: number;
  at: number;
  kind: string;
  actor: string;
  subject: string | null;
  request_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** A `policies` row. */
export interface PolicyRow {
  id: string;
  grantor: string;
  effect: string;
  scope: string;
  token: string | null;
  created_at: number;
  expires_at: number | null;
  grant_lifetime: number | null;
}

/** The `requests` columns, in the order `recordToRow` writes them. */
export const REQUEST_COLUMNS =
  'id, version, status, requester, grantor, token, scope, reason, idem_key, created_at, expires_at, interval_s, ' +
  'last_polled_at, escalation_of, linked_id, auto_approve, outcome, decided_by, decided_at, policy_id, call';

/** The `policies` columns, in the order `rowToPolicy` reads them and `policyToRow` writes them. */
export const POLICY_COLUMNS =
  'id, grantor, effect, scope, token, created_at, expires_at, grant_lifetime';

/** The `audit` columns, in the order `rowToAudit` reads them. */
export const AUDIT_COLUMNS = 'seq, at, kind, actor, subject, request_id, details, prev_hash, hash';

/**
 * A request as the values of `REQUEST_COLUMNS`, for an INSERT.
 *
 * @example
 * ```ts
 * db.prepare(`INSERT INTO requests (${REQUEST_COLUMNS}) VALUES (…)`).run(...recordToRow(record));
 * ```
 */
export function recordToRow(r: RequestRecord): unknown[] {
  return [
    r.id,
    r.version,
    r.status,
    r.requester,
    r.grantor,
    r.token,
    JSON.stringify(r.scope),
    r.reason,
    r.idempotencyKey,
    r.createdAt,
    r.expiresAt,
    r.interval,
    r.lastPolledAt,
    r.escalationOf,
    r.escalation?.linkedId ?? null,
    r.escalation === null ? null : r.escalation.autoApprove ? 1 : 0,
    r.outcome === null ? null : JSON.stringify(r.outcome),
    r.decidedBy,
    r.decidedAt,
    r.policyId,
    r.call === null ? null : callToJson(r.call),
  ];
}

/**
 * The values of `STATEMENTS.updateRequest` (`_sql.ts`) for a request's new state: what a
 * transition may change, then the id.
 *
 * @example
 * ```ts
 * db.prepare(STATEMENTS.updateRequest).run(...updateToRow(next));
 * ```
 */
export function updateToRow(r: RequestRecord): unknown[] {
  return [
    r.version,
    r.status,
    r.outcome === null ? null : JSON.stringify(r.outcome),
    r.decidedBy,
    r.decidedAt,
    r.policyId,
    r.escalation?.linkedId ?? null,
    r.escalation === null ? null : r.escalation.autoApprove ? 1 : 0,
    r.id,
  ];
}

/**
 * A `requests` row back as a frozen record.
 *
 * @example
 * ```ts
 * const record = rowToRecord(db.prepare(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`).get(id) as RequestRow);
 * ```
 */
export function rowToRecord(row: RequestRow): RequestRecord {
  const escalation: EscalationLink | null =
    row.linked_id === null
      ? null
      : { linkedId: row.linked_id, autoApprove: row.auto_approve === 1 };
  return Object.freeze({
    id: row.id,
    version: row.version,
    status: row.status as RequestStatus,
    requester: row.requester,
    grantor: row.grantor,
    token: row.token,
    scope: Object.freeze(JSON.parse(row.scope) as string[]),
    reason: row.reason,
    idempotencyKey: row.idem_key,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    interval: row.interval_s,
    lastPolledAt: row.last_polled_at,
    escalationOf: row.escalation_of,
    escalation,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as StoredOutcome),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    policyId: row.policy_id,
    call: row.call === null ? null : callFromJson(row.call),
  });
}

/**
 * An audit entry as the values of `AUDIT_COLUMNS`, for an INSERT.
 *
 * @example
 * ```ts
 * insert.run(...auditToRow(entry));
 * ```
 */
export function auditToRow(e: AuditEntry): unknown[] {
  return [
    e.seq,
    e.at,
    e.kind,
    e.actor,
    e.subject,
    e.requestId,
    JSON.stringify(e.details),
    e.prevHash,
    e.hash,
  ];
}

/**
 * An `audit` row back as a frozen entry.
 *
 * @example
 * ```ts
 * const entries = (db.prepare('SELECT * FROM audit ORDER BY seq').all() as AuditRow[]).map(rowToAudit);
 * ```
 */
export function rowToAudit(row: AuditRow): AuditEntry {
  return Object.freeze({
    seq: row.seq,
    at: row.at,
    kind: row.kind as AuditEntry['kind'],
    actor: row.actor,
    subject: row.subject,
    requestId: row.request_id,
    details: JSON.parse(row.details) as { readonly [key: string]: Json },
    prevHash: row.prev_hash,
    hash: row.hash,
  });
}

/**
 * A `policies` row back as a frozen record.
 *
 * @example
 * ```ts
 * const policies = (db.prepare('SELECT * FROM policies').all() as PolicyRow[]).map(rowToPolicy);
 * ```
 */
export function rowToPolicy(row: PolicyRow): PolicyRecord {
  return Object.freeze({
    id: row.id,
    grantor: row.grantor,
    effect: row.effect as 'approve' | 'deny',
    scope: Object.freeze(JSON.parse(row.scope) as string[]),
    token: row.token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    grantLifetime: row.grant_lifetime,
  });
}

/**
 * A policy as the values of `POLICY_COLUMNS`, for an INSERT.
 *
 * @example
 * ```ts
 * db.prepare(`INSERT INTO policies (${POLICY_COLUMNS}) VALUES (…)`).run(...policyToRow(policy));
 * ```
 */
export function policyToRow(p: PolicyRecord): unknown[] {
  return [
    p.id,
    p.grantor,
    p.effect,
    JSON.stringify(p.scope),
    p.token,
    p.createdAt,
    p.expiresAt,
    p.grantLifetime,
  ];
}

/** A `hops` row. */
export interface HopRow {
  id: string;
  parent: string | null;
  via: string | null;
  delegation_id: string;
  key_id: string;
  block: number;
  grantor: string;
  grantee: string | null;
  place: string;
  conditions: string;
  expires_at: number | null;
  prefixes: string;
  source: HopRecord['source'];
  first_seen_at: number;
}

/** A `revocations` row. */
export interface RevocationRow {
  seq: number;
  kind: Revocation['kind'];
  target: string;
  delegation_id: string | null;
  revoked_by: string;
  at: number;
  reason: string;
}

/**
 * A hop as the values of `HOP_COLUMNS`, for an INSERT.
 *
 * @example
 * ```ts
 * insert.run(...hopToRow(hop));
 * ```
 */
export function hopToRow(h: HopRecord): unknown[] {
  return [
    h.id,
    h.parent,
    h.via,
    h.delegationId,
    h.keyId,
    h.block,
    h.grantor,
    h.grantee,
    JSON.stringify(h.place),
    JSON.stringify(h.conditions),
    h.expiresAt,
    JSON.stringify(h.prefixes),
    h.source,
    h.firstSeenAt,
  ];
}

/**
 * A `hops` row back as a frozen record.
 *
 * @example
 * ```ts
 * const hop = rowToHop(row);
 * ```
 */
export function rowToHop(row: HopRow): HopRecord {
  return Object.freeze({
    id: row.id,
    parent: row.parent,
    via: row.via,
    delegationId: row.delegation_id,
    keyId: row.key_id,
    block: row.block,
    grantor: row.grantor,
    grantee: row.grantee,
    place: Object.freeze(JSON.parse(row.place) as (string | null)[]),
    conditions: Object.freeze(JSON.parse(row.conditions) as string[]),
    expiresAt: row.expires_at,
    prefixes: Object.freeze(JSON.parse(row.prefixes) as string[]),
    source: row.source,
    firstSeenAt: row.first_seen_at,
  });
}

/**
 * A revocation as the values of `REVOCATION_COLUMNS`, for an INSERT.
 *
 * @example
 * ```ts
 * insert.run(...revocationToRow(revocation));
 * ```
 */
export function revocationToRow(r: Revocation): unknown[] {
  return [r.seq, r.kind, r.target, r.delegationId, r.by, r.at, r.reason];
}

/**
 * A `revocations` row back as a frozen revocation.
 *
 * @example
 * ```ts
 * const revocation = rowToRevocation(row);
 * ```
 */
export function rowToRevocation(row: RevocationRow): Revocation {
  return Object.freeze({
    seq: row.seq,
    kind: row.kind,
    target: row.target,
    delegationId: row.delegation_id,
    by: row.revoked_by,
    at: row.at,
    reason: row.reason,
  });
}
