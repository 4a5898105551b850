/**
 * The SQLite store's schema and row mapping. The schema is versioned with `PRAGMA user_version`:
 * `MIGRATIONS[i]` takes a file from version `i` to `i + 1`, and entries are only ever appended,
 * so a file is migrated forward on open, in one transaction, however old it is. A file whose
 * version is newer than the library's, or that carries another application's
 * `PRAGMA application_id` (or tables of its own), is refused rather than misread. Rows are plain
 * columns with JSON for the few structured fields (scope, outcome, call, audit details).
 */
import type Database from 'better-sqlite3';
import { RequestStoreError } from '../errors.js';
import { callFromJson, callToJson } from '../input.js';
import type {
  AuditEntry,
  EscalationLink,
  Json,
  PolicyRecord,
  RequestRecord,
  RequestStatus,
  StoredOutcome,
} from './model.js';

/** `PRAGMA application_id` of a mandate store: "mndt". */
const APPLICATION_ID = 0x6d6e6474;

/** Schema migrations; entry `i` takes `user_version` from `i` to `i + 1`. Append only. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','approved','denied','escalated','expired','cancelled')),
    requester TEXT NOT NULL,
    grantor TEXT NOT NULL,
    token TEXT NOT NULL,
    scope TEXT NOT NULL,
    reason TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    interval_s INTEGER NOT NULL,
    last_polled_at INTEGER,
    escalation_of TEXT,
    linked_id TEXT,
    auto_approve INTEGER,
    outcome TEXT,
    decided_by TEXT,
    decided_at INTEGER,
    policy_id TEXT
  ) STRICT;
  CREATE UNIQUE INDEX requests_open_idem ON requests (idem_key) WHERE status IN ('pending','escalated');
  CREATE INDEX requests_grantor ON requests (grantor, status, created_at);
  CREATE INDEX requests_requester ON requests (requester, created_at);
  CREATE INDEX requests_linked ON requests (linked_id) WHERE linked_id IS NOT NULL;
  CREATE INDEX requests_open_expiry ON requests (expires_at) WHERE status IN ('pending','escalated');

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT,
    request_id TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_at ON audit (at);
  CREATE INDEX audit_request ON audit (request_id) WHERE request_id IS NOT NULL;
  CREATE INDEX audit_actor ON audit (actor);
  CREATE INDEX audit_subject ON audit (subject) WHERE subject IS NOT NULL;
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

  CREATE TABLE seen_tokens (fingerprint TEXT PRIMARY KEY, first_seen INTEGER NOT NULL) STRICT, WITHOUT ROWID;

  CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    grantor TEXT NOT NULL,
    effect TEXT NOT NULL CHECK (effect IN ('approve','deny')),
    scope TEXT NOT NULL,
    token TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
  ) STRICT;
  CREATE INDEX policies_grantor ON policies (grantor, created_at);

  CREATE TABLE root_keys (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, secret TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;
  `,
  // 1 → 2: every query on a decision's path served by an index. An inbox reads a grantor's open
  // requests already in (created_at, rowid) order, with no sort over its closed history; a
  // query by kind no longer reads the whole log.
  `
  CREATE INDEX requests_open_grantor ON requests (grantor, created_at) WHERE status IN ('pending','escalated');
  CREATE INDEX audit_kind ON audit (kind);
  `,
  // 2 → 3: a request remembers the denied call it came from (canonical JSON, NULL for none),
  // and an approve policy may time-box the grants it makes (seconds, NULL for none).
  `
  ALTER TABLE requests ADD COLUMN call TEXT;
  ALTER TABLE policies ADD COLUMN grant_lifetime REAL;
  `,
  // 3 → 4: the delegation tree (every hop minted, approved or seen, with an index from each
  // prefix id to the hops derived from it) and the revocations, final: numbered in order, one
  // per target, never updated or deleted.
  `
  CREATE TABLE hops (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    parent TEXT,
    via TEXT,
    delegation_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    block INTEGER NOT NULL,
    grantor TEXT NOT NULL,
    grantee TEXT,
    place TEXT NOT NULL,
    conditions TEXT NOT NULL,
    expires_at INTEGER,
    prefixes TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('mint','approval','seen')),
    first_seen_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX hops_grantee ON hops (grantee) WHERE grantee IS NOT NULL;
  CREATE INDEX hops_via ON hops (via) WHERE via IS NOT NULL;
  CREATE TABLE hop_prefixes (prefix TEXT NOT NULL, hop TEXT NOT NULL, PRIMARY KEY (prefix, hop)) STRICT, WITHOUT ROWID;

  CREATE TABLE revocations (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('hop','principal')),
    target TEXT NOT NULL,
    delegation_id TEXT,
    revoked_by TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (kind, target)
  ) STRICT;
  CREATE TRIGGER revocations_no_update BEFORE UPDATE ON revocations BEGIN SELECT RAISE(ABORT, 'revocations are final'); END;
  CREATE TRIGGER revocations_no_delete BEFORE DELETE ON revocations BEGIN SELECT RAISE(ABORT, 'revocations are final'); END;
  `,
];

/**
 * Brings the file's schema up to date, inside one `BEGIN IMMEDIATE` transaction (so two
 * processes opening a new file at once do not both create it). Throws `RequestStoreError` for
 * a newer schema or another application's database.
 *
 * @example
 * ```ts
 * const db = new Database(path);
 * migrate(db);
 * ```
 */
export function migrate(db: Database.Database): void {
  const run = db.transaction(() => {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== 0 && appId !== APPLICATION_ID) {
      throw new RequestStoreError('the file is a SQLite database of another application');
    }
    if (appId === 0 && version === 0) {
      const tables = db
        .prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'")
        .get() as { n: number };
      if (tables.n > 0)
        throw new RequestStoreError('the file is a SQLite database of another application');
    }
    if (version > MIGRATIONS.length) {
      throw new RequestStoreError(
        `the store's schema version ${version} is newer than this library understands (${MIGRATIONS.length}); upgrade mandate`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  run.immediate();
}

/** A `requests` row as better-sqlite3 returns it. */
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
