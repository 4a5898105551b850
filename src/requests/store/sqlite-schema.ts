/**
 * The SQLite store's schema (the row mapping, shared with PostgreSQL, is `_rows.ts`). The schema is versioned with `PRAGMA user_version`:
 * `MIGRATIONS[i]` takes a file from version `i` to `i + 1`, and entries are only ever appended,
 * so a file is migrated forward on open, in one transaction, however old it is. A file whose
 * version is newer than the library's, or that carries another application's
 * `PRAGMA application_id` (or tables of its own), is refused rather than misread.
 */
import type Database from 'better-sqlite3';
import { RequestStoreError } from '../errors.js';

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
