/**
 * The embedded default `RequestStore`: one SQLite file through better-sqlite3, in WAL mode so
 * that readers never block the writer and several processes can share the file. Every write is
 * one `BEGIN IMMEDIATE` transaction (taking the write lock up front, so two processes deciding
 * the same request serialize instead of deadlocking), waiting up to `busyTimeoutMs` for the
 * lock. The schema is versioned with `PRAGMA user_version` and migrated forward on open; a file
 * written by a newer version is refused rather than misread. Triggers make the audit table
 * append-only: no UPDATE or DELETE reaches it through SQLite. The file holds tokens and, unless
 * keys are supplied from elsewhere, root keys: it is created readable by its owner only (0600).
 * The rules of each write (idempotency, compare-and-set, escalation, chaining) are the shared
 * core's (`_core.ts`); this file gives it prepared statements and a transaction.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ExportedRootKey } from '../../delegation/index.js';
import { RequestStoreError } from '../errors.js';
import {
  addPolicyStep,
  appendStep,
  createStep,
  escalateStep,
  markSeenStep,
  recordHopsStep,
  removePolicyStep,
  revokeStep,
  retireRootKeyStep,
  runSync,
  saveRootKeyStep,
  transitionStep,
  type Step,
  type SyncRequestTables,
} from './_core.js';
import { HOP_STATEMENTS, STATEMENTS, auditQuery, hopQuery, requestQuery } from './_sql.js';
import {
  auditToRow,
  hopToRow,
  policyToRow,
  recordToRow,
  revocationToRow,
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
  updateToRow,
} from './_rows.js';
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
import { migrate } from './sqlite-schema.js';
import { settle, type EscalateInput, type RequestStore, type TransitionInput } from './store.js';

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** How long a write waits for another connection's lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /**
   * `'full'` (default): the WAL is synced on every commit, so an acknowledged request or
   * decision survives a power cut or an OS crash too, at the cost of one fsync per commit.
   * `'normal'`: in WAL mode, a committed change still survives the process crashing or being
   * killed, and the file is never corrupted, but the last commits may be lost if the machine
   * loses power; choose it only where that loss is acceptable and fsyncs are slow.
   */
  readonly synchronous?: 'full' | 'normal';
}

/**
 * Opens (creating if needed, mode 0600) the SQLite store at `path` and migrates its schema.
 *
 * @example
 * ```ts
 * const store = openSqliteStore('/var/lib/mandate/requests.db');
 * const delegator = await Delegator.open({ store });
 * ```
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): RequestStore {
  if (typeof path !== 'string' || path.length === 0 || path === ':memory:') {
    throw new TypeError(
      'path must be the path of a database file (use createMemoryStore for memory)',
    );
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError(
      `options.busyTimeoutMs must be a non-negative integer, got ${String(busyTimeoutMs)}`,
    );
  }
  const synchronous = options.synchronous ?? 'full';
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new RangeError(`options.synchronous must be 'full' or 'normal'`);
  }
  let db: Database.Database;
  try {
    closeSync(openSync(path, 'a', 0o600));
    db = new Database(path);
  } catch (err) {
    throw new RequestStoreError(`cannot open the request store at ${path}`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof RequestStoreError) throw err;
    throw new RequestStoreError(`cannot open the request store at ${path}`, { cause: err });
  }
  return new SqliteStore(db);
}

class SqliteStore implements RequestStore {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  readonly #transaction: Database.Transaction<(fn: () => unknown) => unknown>;
  readonly #tables: SyncRequestTables;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#transaction = db.transaction((fn: () => unknown) => fn());
    this.#tables = sqliteTables((sql) => this.#stmt(sql));
  }

  createRequest(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): Promise<{ created: boolean; record: RequestRecord }> {
    return this.#write(createStep(this.#tables, record, audit));
  }

  getRequest(id: string): Promise<RequestRecord | undefined> {
    return this.#read(() => this.#tables.getRequest(id));
  }

  listRequests(filter: RequestFilter): Promise<RequestRecord[]> {
    return this.#read(() => {
      const { sql, params } = requestQuery(filter);
      return (this.#stmt(sql).all(...params) as RequestRow[]).map(rowToRecord);
    });
  }

  transition(input: TransitionInput): Promise<RequestRecord | undefined> {
    return this.#write(transitionStep(this.#tables, input));
  }

  escalate(
    input: EscalateInput,
  ): Promise<{ record: RequestRecord; linked: RequestRecord; created: boolean } | undefined> {
    return this.#write(escalateStep(this.#tables, input));
  }

  touchPoll(id: string, at: number, interval: number): Promise<void> {
    return this.#read(() => {
      this.#stmt(STATEMENTS.touchPoll).run(at, interval, id);
    });
  }

  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return this.#write(appendStep(this.#tables, entries));
  }

  queryAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.#read(() => {
      const { sql, params } = auditQuery(filter);
      return (this.#stmt(sql).all(...params) as AuditRow[]).map(rowToAudit);
    });
  }

  lastAuditSeq(): Promise<number> {
    return this.#read(() => this.#tables.auditHead()?.seq ?? 0);
  }

  markSeen(
    fingerprint: string,
    audit: AuditInput,
    hops?: () => readonly HopRecord[],
  ): Promise<boolean> {
    // Every authentication asks, and a fingerprint is never forgotten: one already seen is
    // answered by a read, without taking the write lock for a transaction that changes nothing.
    return this.#read(() => this.#stmt(STATEMENTS.findSeen).get(fingerprint) !== undefined).then(
      (seen) => (seen ? false : this.#write(markSeenStep(this.#tables, fingerprint, audit, hops))),
    );
  }

  addPolicy(policy: PolicyRecord, audit: AuditInput): Promise<void> {
    return this.#write(addPolicyStep(this.#tables, policy, audit));
  }

  removePolicy(id: string, grantor: string, audit: AuditInput): Promise<boolean> {
    return this.#write(removePolicyStep(this.#tables, id, grantor, audit));
  }

  listPolicies(grantor?: string): Promise<PolicyRecord[]> {
    return this.#read(() => {
      const rows =
        grantor === undefined
          ? (this.#stmt(STATEMENTS.listPolicies).all() as PolicyRow[])
          : (this.#stmt(STATEMENTS.listPoliciesOf).all(grantor) as PolicyRow[]);
      return rows.map(rowToPolicy);
    });
  }

  replacePolicyToken(grantor: string, from: string, to: string): Promise<void> {
    return this.#read(() => {
      this.#stmt(STATEMENTS.replacePolicyToken).run(to, grantor, from);
    });
  }

  loadRootKeys(): Promise<ExportedRootKey[]> {
    return this.#read(() =>
      (
        this.#stmt(STATEMENTS.loadRootKeys).all() as {
          id: string;
          secret: string;
          created_at: string;
        }[]
      ).map((r) => ({ id: r.id, secret: r.secret, createdAt: r.created_at })),
    );
  }

  saveRootKey(
    key: ExportedRootKey,
    audit: AuditInput,
    options: { readonly onlyIfNone?: boolean } = {},
  ): Promise<void> {
    return this.#write(saveRootKeyStep(this.#tables, key, audit, options.onlyIfNone === true));
  }

  retireRootKey(id: string, audit: AuditInput): Promise<void> {
    return this.#write(retireRootKeyStep(this.#tables, id, audit));
  }

  recordHops(hops: readonly HopRecord[]): Promise<void> {
    return this.#write(recordHopsStep(this.#tables, hops));
  }

  listHops(filter: HopFilter): Promise<HopRecord[]> {
    return this.#read(() => {
      const { sql, params } = hopQuery(filter);
      return (this.#stmt(sql).all(...params) as HopRow[]).map(rowToHop);
    });
  }

  revoke(
    inputs: readonly RevocationInput[],
    audit: (created: readonly Revocation[]) => readonly AuditInput[],
  ): Promise<{ created: Revocation[]; existing: Revocation[] }> {
    return this.#write(revokeStep(this.#tables, inputs, audit));
  }

  revocationsSince(cursor: number, limit: number): Promise<Revocation[]> {
    return this.#read(() =>
      (this.#stmt(HOP_STATEMENTS.revocationsSince).all(cursor, limit) as RevocationRow[]).map(
        rowToRevocation,
      ),
    );
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.#db.open) this.#db.close();
    });
  }

  #stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a core step in one `BEGIN IMMEDIATE` transaction. */
  #write<T>(step: Step<T>): Promise<T> {
    return this.#read(() => this.#transaction.immediate(() => runSync(step)) as T);
  }

  /** Runs one statement (a single statement needs no explicit transaction to be atomic). */
  #read<T>(fn: () => T): Promise<T> {
    return settle(() => {
      try {
        return fn();
      } catch (err) {
        throw wrap(err);
      }
    });
  }
}

/** The core's table access over prepared statements of one connection. */
function sqliteTables(stmt: (sql: string) => Database.Statement): SyncRequestTables {
  return {
    getRequest(id) {
      const row = stmt(STATEMENTS.getRequest).get(id) as RequestRow | undefined;
      return row === undefined ? undefined : rowToRecord(row);
    },
    findOpenRequest(key) {
      const row = stmt(STATEMENTS.findOpenRequest).get(key) as RequestRow | undefined;
      return row === undefined ? undefined : rowToRecord(row);
    },
    insertRequest(record) {
      stmt(STATEMENTS.insertRequest).run(...recordToRow(record));
    },
    updateRequest(_before, r) {
      stmt(STATEMENTS.updateRequest).run(...updateToRow(r));
    },
    auditHead() {
      return stmt(STATEMENTS.auditHead).get() as { seq: number; hash: string } | undefined;
    },
    insertAudit(entries) {
      const insert = stmt(STATEMENTS.insertAudit);
      for (const e of entries) insert.run(...auditToRow(e));
    },
    insertSeen(fingerprint, at) {
      return stmt(STATEMENTS.insertSeen).run(fingerprint, at).changes > 0;
    },
    insertPolicy(policy) {
      stmt(STATEMENTS.insertPolicy).run(...policyToRow(policy));
    },
    deletePolicy(id, grantor) {
      return stmt(STATEMENTS.deletePolicy).run(id, grantor).changes > 0;
    },
    insertRootKey(key, onlyIfNone) {
      const insert = onlyIfNone ? STATEMENTS.insertFirstRootKey : STATEMENTS.insertRootKey;
      return stmt(insert).run(key.id, key.secret, key.createdAt).changes > 0;
    },
    deleteRootKey(id) {
      stmt(STATEMENTS.deleteRootKey).run(id);
    },
    insertHops(hops) {
      const insert = stmt(HOP_STATEMENTS.insertHop);
      const index = stmt(HOP_STATEMENTS.insertPrefix);
      for (const hop of hops) {
        if (insert.run(...hopToRow(hop)).changes === 0) continue;
        for (const prefix of hop.prefixes) index.run(prefix, hop.id);
      }
    },
    findRevocation(kind, target) {
      const row = stmt(HOP_STATEMENTS.findRevocation).get(kind, target) as
        RevocationRow | undefined;
      return row === undefined ? undefined : rowToRevocation(row);
    },
    revocationHead() {
      return (stmt(HOP_STATEMENTS.revocationHead).get() as { seq: number | null }).seq ?? 0;
    },
    insertRevocation(revocation) {
      stmt(HOP_STATEMENTS.insertRevocation).run(...revocationToRow(revocation));
    },
  };
}

function wrap(err: unknown): unknown {
  if (err instanceof Database.SqliteError)
    return new RequestStoreError(`request store failure (${err.code})`, { cause: err });
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) {
    return new RequestStoreError('the store is closed');
  }
  return err;
}
