/**
 * The PostgreSQL store's schema: mandate's tables live in a schema of their own (`mandate` by
 * default), described by a one-row `meta` table that records the application and the schema
 * version. `MIGRATIONS[i]` takes a schema from version `i` to `i + 1`; entries are only ever
 * appended. `migrate` runs on every open, in one transaction under an advisory lock, so that
 * several instances starting at once on an empty database create the tables once; a schema at a
 * newer version than this library's, or one that holds tables of another application, is
 * refused rather than misread. The columns are SQLite's (`_rows.ts` maps both), times and
 * sequence numbers as `bigint`; each table that lists "oldest first" carries a `rowid` identity,
 * the insertion order SQLite's rowid gives. Triggers keep the audit log append-only and
 * revocations final (no UPDATE, DELETE or TRUNCATE reaches them through PostgreSQL), and send a
 * NOTIFY on the schema's channel from the very statement that appends to the log, so other
 * instances hear of a change when, and only if, it commits.
 */
import type pg from 'pg';
import { RequestStoreError } from '../errors.js';

/** What `meta.application` says in a mandate schema. */
const APPLICATION = 'mandate';

/** Schema migrations; entry `i` takes `meta.schema_version` from `i` to `i + 1`. Append only. */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    id integer PRIMARY KEY CHECK (id = 1),
    application text NOT NULL,
    schema_version integer NOT NULL
  );

  CREATE TABLE requests (
    rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    version integer NOT NULL,
    status text NOT NULL CHECK (status IN ('pending','approved','denied','escalated','expired','cancelled')),
    requester text NOT NULL,
    grantor text NOT NULL,
    token text NOT NULL,
    scope text NOT NULL,
    reason text NOT NULL,
    idem_key text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    interval_s integer NOT NULL,
    last_polled_at bigint,
    escalation_of text,
    linked_id text,
    auto_approve smallint,
    outcome text,
    decided_by text,
    decided_at bigint,
    policy_id text,
    call text
  );
  CREATE UNIQUE INDEX requests_open_idem ON requests (idem_key) WHERE status IN ('pending','escalated');
  CREATE INDEX requests_grantor ON requests (grantor, status, created_at, rowid);
  CREATE INDEX requests_requester ON requests (requester, created_at, rowid);
  CREATE INDEX requests_linked ON requests (linked_id) WHERE linked_id IS NOT NULL;
  CREATE INDEX requests_open_expiry ON requests (expires_at) WHERE status IN ('pending','escalated');
  CREATE INDEX requests_open_grantor ON requests (grantor, created_at, rowid) WHERE status IN ('pending','escalated');
  CREATE INDEX requests_created ON requests (created_at, rowid);

  CREATE TABLE audit (
    seq bigint PRIMARY KEY,
    at bigint NOT NULL,
    kind text NOT NULL,
    actor text NOT NULL,
    subject text,
    request_id text,
    details text NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
  );
  CREATE INDEX audit_at ON audit (at);
  CREATE INDEX audit_request ON audit (request_id, seq) WHERE request_id IS NOT NULL;
  CREATE INDEX audit_actor ON audit (actor, seq);
  CREATE INDEX audit_subject ON audit (subject, seq) WHERE subject IS NOT NULL;
  CREATE INDEX audit_kind ON audit (kind, seq);

  CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'insufficient_privilege';
  END $$;
  CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit log is append-only');
  CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit log is append-only');

  CREATE FUNCTION audit_notify() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    head bigint;
    kinds text[];
  BEGIN
    SELECT max(seq), array_agg(DISTINCT kind) INTO head, kinds FROM appended;
    IF head IS NOT NULL THEN
      PERFORM pg_notify('mandate_' || TG_TABLE_SCHEMA, json_build_object('seq', head, 'kinds', kinds)::text);
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER audit_notify AFTER INSERT ON audit REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION audit_notify();

  CREATE TABLE seen_tokens (fingerprint text PRIMARY KEY, first_seen bigint NOT NULL);

  CREATE TABLE policies (
    rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text PRIMARY KEY,
    grantor text NOT NULL,
    effect text NOT NULL CHECK (effect IN ('approve','deny')),
    scope text NOT NULL,
    token text,
    created_at bigint NOT NULL,
    expires_at bigint,
    grant_lifetime double precision
  );
  CREATE INDEX policies_grantor ON policies (grantor, created_at, rowid);

  CREATE TABLE root_keys (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    secret text NOT NULL,
    created_at text NOT NULL
  );

  CREATE TABLE hops (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    parent text,
    via text,
    delegation_id text NOT NULL,
    key_id text NOT NULL,
    block integer NOT NULL,
    grantor text NOT NULL,
    grantee text,
    place text NOT NULL,
    conditions text NOT NULL,
    expires_at bigint,
    prefixes text NOT NULL,
    source text NOT NULL CHECK (source IN ('mint','approval','seen')),
    first_seen_at bigint NOT NULL
  );
  CREATE INDEX hops_grantee ON hops (grantee, seq) WHERE grantee IS NOT NULL;
  CREATE INDEX hops_via ON hops (via) WHERE via IS NOT NULL;
  CREATE TABLE hop_prefixes (prefix text NOT NULL, hop text NOT NULL, PRIMARY KEY (prefix, hop));

  CREATE TABLE revocations (
    seq bigint PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('hop','principal')),
    target text NOT NULL,
    delegation_id text,
    revoked_by text NOT NULL,
    at bigint NOT NULL,
    reason text NOT NULL,
    UNIQUE (kind, target)
  );
  CREATE TRIGGER revocations_final BEFORE UPDATE OR DELETE ON revocations
    FOR EACH ROW EXECUTE FUNCTION refuse_change('revocations are final');
  CREATE TRIGGER revocations_no_truncate BEFORE TRUNCATE ON revocations
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('revocations are final');
  `,
];

/** The schema version this library writes. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/**
 * Creates `schema` if it is missing and brings its tables up to `PG_SCHEMA_VERSION`, in one
 * transaction on `client` (whose search path starts with `schema`). Throws
 * `RequestStoreError` for a newer version or another application's schema.
 *
 * @example
 * ```ts
 * await migratePostgres(client, 'mandate');
 * ```
 */
export async function migratePostgres(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    // Two instances opening an empty database at once: the second waits, then finds the tables.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mandate schema ${schema}`]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query('SELECT set_config($1, $2, true)', ['search_path', `"${schema}"`]);
    const version = await currentVersion(client, schema);
    if (version > PG_SCHEMA_VERSION) {
      throw new RequestStoreError(
        `the store's schema version ${version} is newer than this library understands (${PG_SCHEMA_VERSION}); upgrade mandate`,
      );
    }
    for (let v = version; v < PG_SCHEMA_VERSION; v++)
      await client.query(PG_MIGRATIONS[v] as string);
    await client.query(
      'INSERT INTO meta (id, application, schema_version) VALUES (1, $1, $2) ' +
        'ON CONFLICT (id) DO UPDATE SET schema_version = excluded.schema_version',
      [APPLICATION, PG_SCHEMA_VERSION],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The schema's recorded version: 0 for an empty (or new) schema. */
async function currentVersion(client: pg.ClientBase, schema: string): Promise<number> {
  const tables = await client.query<{ name: string }>(
    'SELECT tablename AS name FROM pg_tables WHERE schemaname = $1',
    [schema],
  );
  if (tables.rowCount === 0) return 0;
  if (!tables.rows.some((t) => t.name === 'meta'))
    throw new RequestStoreError(
      `the schema ${schema} holds tables of another application; choose another schema`,
    );
  const meta = await client.query<{ application: string; schema_version: number }>(
    'SELECT application, schema_version FROM meta WHERE id = 1',
  );
  const row = meta.rows[0];
  if (row === undefined || row.application !== APPLICATION)
    throw new RequestStoreError(
      `the schema ${schema} holds tables of another application; choose another schema`,
    );
  return row.schema_version;
}
