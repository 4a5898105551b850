/**
 * The `RequestStore` for several service instances on several machines: one PostgreSQL
 * database (driver `pg`) shared by every instance. Writes run in transactions that first lock
 * the schema's `meta` row, so they run one at a time across all instances as SQLite's BEGIN
 * IMMEDIATE makes them run across processes: the audit chain stays unbroken, a compare-and-set
 * reads what the last committed write left, and of two instances deciding one request exactly
 * one wins. The rules of each write are the shared core's (`_core.ts`); the writes that queue up
 * in one instance share a transaction (`_postgres-writes.ts`). Reads are single statements on
 * pooled connections. The audit table's trigger sends a NOTIFY in the transaction that appends,
 * which `watch` hands to waiters and streams (`_postgres-listener.ts`). When the database is out
 * of reach, calls fail within the connect timeout with `RequestStoreUnavailableError` instead of
 * hanging. The schema is created and migrated on open (`postgres-schema.ts`). It holds tokens
 * and, unless keys are supplied from elsewhere, root keys: grant its tables to mandate's
 * database user only.
 */
import type pg from 'pg';
import type { ExportedRootKey } from '../../delegation/index.js';
import { RequestStoreError, RequestStoreUnavailableError } from '../errors.js';
import {
  addPolicyStep,
  appendStep,
  createStep,
  escalateStep,
  markSeenStep,
  recordHopsStep,
  removePolicyStep,
  retireRootKeyStep,
  revokeStep,
  saveRootKeyStep,
  transitionStep,
  type Step,
  type RequestTables,
} from './_core.js';
import { ChangeListener } from './_postgres-listener.js';
import {
  isDatabaseError,
  isUnavailable,
  loadDriver,
  postgresTarget,
  storeFailure,
  type PostgresConnectionOptions,
  type PostgresTarget,
} from './_postgres-connection.js';
import { PG, pgQuery, statement } from './_postgres-sql.js';
import type { ReadAhead } from './_postgres-tables.js';
import { WriteBatches } from './_postgres-writes.js';
import {
  rowToAudit,
  rowToHop,
  rowToPolicy,
  rowToRecord,
  rowToRevocation,
  type AuditRow,
  type HopRow,
  type PolicyRow,
  type RequestRow,
  type RevocationRow,
} from './_rows.js';
import { auditQuery, hopQuery, requestQuery } from './_sql.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditInput,
  HopFilter,
  HopRecord,
  PolicyRecord,
  RequestFilter,
  RequestRecord,
  Revocation,
  RevocationInput,
} from './model.js';
import { PG_SCHEMA_VERSION, migratePostgres } from './postgres-schema.js';
import type { EscalateInput, RequestStore, StoreChange, TransitionInput } from './store.js';

/** Token fingerprints an instance remembers as seen before it forgets them all and reads again. */
const SEEN_KEPT = 10_000;

/** Options of `openPostgresStore`. */
export type PostgresStoreOptions = PostgresConnectionOptions;

/**
 * Opens the PostgreSQL store at `url` (`postgres://user@host:5432/db`, optionally
 * `?schema=name`), creating or migrating its schema. Rejects with
 * `RequestStoreUnavailableError` when the database cannot be reached, `RequestStoreError` when
 * it refuses (authentication, a newer schema, another application's tables); messages never
 * carry the password.
 *
 * @example
 * ```ts
 * const store = await openPostgresStore(process.env.MANDATE_STORE!);
 * const delegator = await Delegator.open({ store });
 * ```
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<RequestStore> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const target = postgresTarget(url, options, await loadDriver());
  // Pipelined: a write transaction sends its statements without waiting for each answer
  // (`_postgres-tables.ts`).
  const pool = new target.driver.Pool({ ...target.config, pipeline: true });
  // An idle connection the server closes (a restart) errors here; the pool drops it.
  pool.on('error', () => undefined);
  // A connection in use that the server closes errors twice: its statement fails (and the
  // caller hears of it), then the connection itself emits `error`, which the pool listens to
  // only while the connection is idle: unheard, it would end the process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, target.schema);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw openFailure(err, target.redacted);
  }
  return new PostgresStore(pool, target);
}

class PostgresStore implements RequestStore {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #listener: ChangeListener;
  readonly #watchers = new Set<(change: StoreChange) => void>();
  /** Fingerprints known to be stored (they never leave the store), at most `SEEN_KEPT`. */
  readonly #seen = new Set<string>();
  readonly #writes: WriteBatches;
  #closed = false;

  constructor(pool: pg.Pool, target: PostgresTarget) {
    this.#pool = pool;
    this.#writes = new WriteBatches(pool, PG_SCHEMA_VERSION, () => this.#closed);
    this.#listener = new ChangeListener(
      target.driver.Client,
      { ...target.config, keepAliveInitialDelayMillis: 10_000 },
      target.channel,
      (change) => {
        for (const watcher of [...this.#watchers]) watcher(change);
      },
    );
  }

  createRequest(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): Promise<{ created: boolean; record: RequestRecord }> {
    return this.#write((t) => createStep(t, record, audit), {
      ids: [],
      keys: [record.idempotencyKey],
    });
  }

  async getRequest(id: string): Promise<RequestRecord | undefined> {
    const [row] = await this.#rows<RequestRow>(PG.getRequest, [id]);
    return row === undefined ? undefined : rowToRecord(row);
  }

  async listRequests(filter: RequestFilter): Promise<RequestRecord[]> {
    const { text, values } = pgQuery(requestQuery(filter));
    return (await this.#rows<RequestRow>(text, values)).map(rowToRecord);
  }

  transition(input: TransitionInput): Promise<RequestRecord | undefined> {
    return this.#write((t) => transitionStep(t, input), { ids: [input.id], keys: [] });
  }

  escalate(
    input: EscalateInput,
  ): Promise<{ record: RequestRecord; linked: RequestRecord; created: boolean } | undefined> {
    return this.#write((t) => escalateStep(t, input), {
      ids: [input.id],
      keys: [input.linked.idempotencyKey],
    });
  }

  async touchPoll(id: string, at: number, interval: number): Promise<void> {
    await this.#rows(PG.touchPoll, [at, interval, id]);
  }

  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return this.#write((t) => appendStep(t, entries));
  }

  async queryAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    const { text, values } = pgQuery(auditQuery(filter));
    return (await this.#rows<AuditRow>(text, values)).map(rowToAudit);
  }

  async lastAuditSeq(): Promise<number> {
    const [head] = await this.#rows<{ seq: number }>(PG.auditHead);
    return head?.seq ?? 0;
  }

  async markSeen(
    fingerprint: string,
    audit: AuditInput,
    hops?: () => readonly HopRecord[],
  ): Promise<boolean> {
    // Every authentication asks, and a fingerprint is never forgotten: one this instance knows
    // is stored is answered from memory, one already seen elsewhere by a read, neither taking
    // the write lock for a transaction that changes nothing.
    if (this.#seen.has(fingerprint)) return false;
    const first =
      (await this.#rows(PG.findSeen, [fingerprint])).length === 0 &&
      (await this.#write((t) => markSeenStep(t, fingerprint, audit, hops)));
    if (this.#seen.size >= SEEN_KEPT) this.#seen.clear();
    this.#seen.add(fingerprint);
    return first;
  }

  addPolicy(policy: PolicyRecord, audit: AuditInput): Promise<void> {
    return this.#write((t) => addPolicyStep(t, policy, audit));
  }

  removePolicy(id: string, grantor: string, audit: AuditInput): Promise<boolean> {
    return this.#write((t) => removePolicyStep(t, id, grantor, audit));
  }

  async listPolicies(grantor?: string): Promise<PolicyRecord[]> {
    const rows =
      grantor === undefined
        ? await this.#rows<PolicyRow>(PG.listPolicies)
        : await this.#rows<PolicyRow>(PG.listPoliciesOf, [grantor]);
    return rows.map(rowToPolicy);
  }

  async replacePolicyToken(grantor: string, from: string, to: string): Promise<void> {
    await this.#rows(PG.replacePolicyToken, [to, grantor, from]);
  }

  async loadRootKeys(): Promise<ExportedRootKey[]> {
    const rows = await this.#rows<{ id: string; secret: string; created_at: string }>(
      PG.loadRootKeys,
    );
    return rows.map((r) => ({ id: r.id, secret: r.secret, createdAt: r.created_at }));
  }

  saveRootKey(
    key: ExportedRootKey,
    audit: AuditInput,
    options: { readonly onlyIfNone?: boolean } = {},
  ): Promise<void> {
    return this.#write((t) => saveRootKeyStep(t, key, audit, options.onlyIfNone === true));
  }

  retireRootKey(id: string, audit: AuditInput): Promise<void> {
    return this.#write((t) => retireRootKeyStep(t, id, audit));
  }

  recordHops(hops: readonly HopRecord[]): Promise<void> {
    return this.#write((t) => recordHopsStep(t, hops));
  }

  async listHops(filter: HopFilter): Promise<HopRecord[]> {
    const { text, values } = pgQuery(hopQuery(filter));
    return (await this.#rows<HopRow>(text, values)).map(rowToHop);
  }

  revoke(
    inputs: readonly RevocationInput[],
    audit: (created: readonly Revocation[]) => readonly AuditInput[],
  ): Promise<{ created: Revocation[]; existing: Revocation[] }> {
    return this.#write((t) => revokeStep(t, inputs, audit));
  }

  async revocationsSince(cursor: number, limit: number): Promise<Revocation[]> {
    return (await this.#rows<RevocationRow>(PG.revocationsSince, [cursor, limit])).map(
      rowToRevocation,
    );
  }

  watch(listener: (change: StoreChange) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    this.#open();
    this.#watchers.add(listener);
    this.#listener.start();
    return () => {
      this.#watchers.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchers.clear();
    await this.#listener.stop();
    await this.#pool.end();
  }

  /** One statement on a pooled connection (atomic by itself); retried once when the line broke. */
  async #rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    this.#open();
    try {
      return (await this.#pool.query<R>(statement(text, values))).rows;
    } catch (err) {
      if (!isUnavailable(err) || this.#closed) throw storeFailure(err);
      // A connection the server closed while it sat idle in the pool: try a fresh one.
      try {
        return (await this.#pool.query<R>(statement(text, values))).rows;
      } catch (again) {
        throw storeFailure(again);
      }
    }
  }

  /**
   * Runs a core step in a write transaction (`_postgres-writes.ts`), which reads the requests
   * `ahead` names (those the step reads first) in its opening.
   */
  #write<T>(step: (tables: RequestTables) => Step<T>, ahead?: ReadAhead): Promise<T> {
    if (this.#closed) return Promise.reject(new RequestStoreError('the store is closed'));
    return this.#writes.run(step, ahead);
  }

  #open(): void {
    if (this.#closed) throw new RequestStoreError('the store is closed');
  }
}

/** Why opening failed, naming the server without its password (the driver's words never hold it). */
function openFailure(err: unknown, where: string): unknown {
  if (err instanceof RequestStoreError) return err;
  const code = (err as { code?: unknown }).code;
  if (isUnavailable(err))
    return new RequestStoreUnavailableError(
      `cannot reach PostgreSQL at ${where} (${typeof code === 'string' ? code : 'no answer'}); is it running?`,
      { cause: err },
    );
  if (isDatabaseError(err))
    return new RequestStoreError(
      `cannot open the request store at ${where}: ${err.message} (SQLSTATE ${err.code ?? '?'})`,
      { cause: err },
    );
  return err;
}
