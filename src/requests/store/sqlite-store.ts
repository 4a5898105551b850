/**
 * The embedded default `RequestStore`: one SQLite file through better-sqlite3, in WAL mode so
 * that readers never block the writer and several processes can share the file. Every write is
 * one `BEGIN IMMEDIATE` transaction (taking the write lock up front, so two processes deciding
 * the same request serialize instead of deadlocking), waiting up to `busyTimeoutMs` for the
 * lock. The schema is versioned with `PRAGMA user_version` and migrated forward on open; a file
 * written by a newer version is refused rather than misread. Triggers make the audit table
 * append-only: no UPDATE or DELETE reaches it through SQLite. The file holds tokens and, unless
 * keys are supplied from elsewhere, root keys: it is created readable by its owner only (0600).
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ExportedRootKey } from '../../delegation/index.js';
import { GENESIS_HASH, chainEntries } from './audit.js';
import { RequestStoreError } from '../errors.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditInput,
  PolicyRecord,
  RequestFilter,
  RequestRecord,
} from './model.js';
import {
  REQUEST_COLUMNS,
  migrate,
  recordToRow,
  rowToAudit,
  rowToPolicy,
  rowToRecord,
  type AuditRow,
  type PolicyRow,
  type RequestRow,
} from './sqlite-schema.js';
import { assertTransition } from './state.js';
import {
  applyTransition,
  settle,
  type EscalateInput,
  type RequestStore,
  type TransitionInput,
} from './store.js';

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

  constructor(db: Database.Database) {
    this.#db = db;
    this.#transaction = db.transaction((fn: () => unknown) => fn());
  }

  createRequest(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): Promise<{ created: boolean; record: RequestRecord }> {
    return settle(() => {
      return this.#write(() => this.#create(record, audit));
    });
  }

  getRequest(id: string): Promise<RequestRecord | undefined> {
    return settle(() => {
      return this.#read(() => this.#get(id));
    });
  }

  listRequests(filter: RequestFilter): Promise<RequestRecord[]> {
    return settle(() => {
      return this.#read(() => {
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter.grantor !== undefined) {
          where.push('grantor = ?');
          params.push(filter.grantor);
        }
        if (filter.requester !== undefined) {
          where.push('requester = ?');
          params.push(filter.requester);
        }
        if (filter.status !== undefined) {
          where.push(`status IN (${filter.status.map(() => '?').join(',') || 'NULL'})`);
          params.push(...filter.status);
        }
        if (filter.escalatedTo !== undefined) {
          where.push('linked_id = ?');
          params.push(filter.escalatedTo);
        }
        if (filter.expiresBy !== undefined) {
          where.push('expires_at <= ?');
          params.push(filter.expiresBy);
        }
        let sql = `SELECT ${REQUEST_COLUMNS} FROM requests`;
        if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
        sql += ' ORDER BY created_at, rowid';
        if (filter.limit !== undefined) {
          sql += ' LIMIT ?';
          params.push(filter.limit);
        }
        return (this.#stmt(sql).all(...params) as RequestRow[]).map(rowToRecord);
      });
    });
  }

  transition(input: TransitionInput): Promise<RequestRecord | undefined> {
    return settle(() => {
      return this.#write(() => {
        const current = this.#get(input.id);
        if (current === undefined || current.version !== input.version) return undefined;
        assertTransition(current.status, input.to);
        const next = applyTransition(current, input);
        this.#update(next);
        this.#append(input.audit);
        return next;
      });
    });
  }

  escalate(
    input: EscalateInput,
  ): Promise<{ record: RequestRecord; linked: RequestRecord; created: boolean } | undefined> {
    return settle(() => {
      return this.#write(() => {
        const current = this.#get(input.id);
        if (current === undefined || current.version !== input.version) return undefined;
        assertTransition(current.status, 'escalated');
        const { created, record: linked } = this.#create(input.linked, () => []);
        const next = applyTransition(current, {
          id: input.id,
          version: input.version,
          to: 'escalated',
          escalation: { linkedId: linked.id, autoApprove: input.autoApprove },
          audit: [],
        });
        this.#update(next);
        this.#append(input.audit(linked, created));
        return { record: next, linked, created };
      });
    });
  }

  touchPoll(id: string, at: number, interval: number): Promise<void> {
    return settle(() => {
      this.#write(() => {
        this.#stmt('UPDATE requests SET last_polled_at = ?, interval_s = ? WHERE id = ?').run(
          at,
          interval,
          id,
        );
      });
    });
  }

  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return settle(() => {
      return this.#write(() => this.#append(entries));
    });
  }

  queryAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    return settle(() => {
      return this.#read(() => {
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter.afterSeq !== undefined) {
          where.push('seq > ?');
          params.push(filter.afterSeq);
        }
        if (filter.since !== undefined) {
          where.push('at >= ?');
          params.push(filter.since);
        }
        if (filter.until !== undefined) {
          where.push('at < ?');
          params.push(filter.until);
        }
        if (filter.requestId !== undefined) {
          where.push('request_id = ?');
          params.push(filter.requestId);
        }
        if (filter.principal !== undefined) {
          where.push('(actor = ? OR subject = ?)');
          params.push(filter.principal, filter.principal);
        }
        if (filter.kind !== undefined) {
          where.push('kind = ?');
          params.push(filter.kind);
        }
        let sql =
          'SELECT seq, at, kind, actor, subject, request_id, details, prev_hash, hash FROM audit';
        if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
        sql += ' ORDER BY seq';
        if (filter.limit !== undefined) {
          sql += ' LIMIT ?';
          params.push(filter.limit);
        }
        return (this.#stmt(sql).all(...params) as AuditRow[]).map(rowToAudit);
      });
    });
  }

  lastAuditSeq(): Promise<number> {
    return settle(() => {
      return this.#read(() => {
        const row = this.#stmt('SELECT seq FROM audit ORDER BY seq DESC LIMIT 1').get() as
          { seq: number } | undefined;
        return row?.seq ?? 0;
      });
    });
  }

  markSeen(fingerprint: string, audit: AuditInput): Promise<boolean> {
    return settle(() => {
      return this.#write(() => {
        const result = this.#stmt(
          'INSERT OR IGNORE INTO seen_tokens (fingerprint, first_seen) VALUES (?, ?)',
        ).run(fingerprint, audit.at);
        if (result.changes === 0) return false;
        this.#append([audit]);
        return true;
      });
    });
  }

  addPolicy(policy: PolicyRecord, audit: AuditInput): Promise<void> {
    return settle(() => {
      this.#write(() => {
        this.#stmt(
          'INSERT INTO policies (id, grantor, effect, scope, token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(
          policy.id,
          policy.grantor,
          policy.effect,
          JSON.stringify(policy.scope),
          policy.token,
          policy.createdAt,
          policy.expiresAt,
        );
        this.#append([audit]);
      });
    });
  }

  removePolicy(id: string, grantor: string, audit: AuditInput): Promise<boolean> {
    return settle(() => {
      return this.#write(() => {
        const result = this.#stmt('DELETE FROM policies WHERE id = ? AND grantor = ?').run(
          id,
          grantor,
        );
        if (result.changes === 0) return false;
        this.#append([audit]);
        return true;
      });
    });
  }

  listPolicies(grantor?: string): Promise<PolicyRecord[]> {
    return settle(() => {
      return this.#read(() => {
        const cols =
          'SELECT id, grantor, effect, scope, token, created_at, expires_at FROM policies';
        const rows =
          grantor === undefined
            ? (this.#stmt(`${cols} ORDER BY created_at, rowid`).all() as PolicyRow[])
            : (this.#stmt(`${cols} WHERE grantor = ? ORDER BY created_at, rowid`).all(
                grantor,
              ) as PolicyRow[]);
        return rows.map(rowToPolicy);
      });
    });
  }

  replacePolicyToken(grantor: string, from: string, to: string): Promise<void> {
    return settle(() => {
      this.#write(() => {
        this.#stmt('UPDATE policies SET token = ? WHERE grantor = ? AND token = ?').run(
          to,
          grantor,
          from,
        );
      });
    });
  }

  loadRootKeys(): Promise<ExportedRootKey[]> {
    return settle(() => {
      return this.#read(() =>
        (
          this.#stmt('SELECT id, secret, created_at FROM root_keys ORDER BY seq').all() as {
            id: string;
            secret: string;
            created_at: string;
          }[]
        ).map((r) => ({ id: r.id, secret: r.secret, createdAt: r.created_at })),
      );
    });
  }

  saveRootKey(key: ExportedRootKey, audit: AuditInput): Promise<void> {
    return settle(() => {
      this.#write(() => {
        const result = this.#stmt(
          'INSERT OR IGNORE INTO root_keys (id, secret, created_at) VALUES (?, ?, ?)',
        ).run(key.id, key.secret, key.createdAt);
        if (result.changes > 0) this.#append([audit]);
      });
    });
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.#db.open) this.#db.close();
    });
  }

  #create(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): { created: boolean; record: RequestRecord } {
    const existing = this.#stmt(
      `SELECT ${REQUEST_COLUMNS} FROM requests WHERE idem_key = ? AND status IN ('pending','escalated')`,
    ).get(record.idempotencyKey) as RequestRow | undefined;
    if (existing !== undefined) return { created: false, record: rowToRecord(existing) };
    this.#stmt(
      `INSERT INTO requests (${REQUEST_COLUMNS}) VALUES (${REQUEST_COLUMNS.split(',')
        .map(() => '?')
        .join(',')})`,
    ).run(...recordToRow(record));
    this.#append(audit(record));
    return {
      created: true,
      record: Object.freeze({ ...record, scope: Object.freeze([...record.scope]) }),
    };
  }

  #get(id: string): RequestRecord | undefined {
    const row = this.#stmt(`SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`).get(id) as
      RequestRow | undefined;
    return row === undefined ? undefined : rowToRecord(row);
  }

  #update(record: RequestRecord): void {
    this.#stmt(
      'UPDATE requests SET version = ?, status = ?, outcome = ?, decided_by = ?, decided_at = ?, policy_id = ?, ' +
        'linked_id = ?, auto_approve = ? WHERE id = ?',
    ).run(
      record.version,
      record.status,
      record.outcome === null ? null : JSON.stringify(record.outcome),
      record.decidedBy,
      record.decidedAt,
      record.policyId,
      record.escalation?.linkedId ?? null,
      record.escalation === null ? null : record.escalation.autoApprove ? 1 : 0,
      record.id,
    );
  }

  #append(inputs: readonly AuditInput[]): AuditEntry[] {
    if (inputs.length === 0) return [];
    const last = this.#stmt('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    const entries = chainEntries(last?.seq ?? 0, last?.hash ?? GENESIS_HASH, inputs);
    const insert = this.#stmt(
      'INSERT INTO audit (seq, at, kind, actor, subject, request_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const e of entries) {
      insert.run(
        e.seq,
        e.at,
        e.kind,
        e.actor,
        e.subject,
        e.requestId,
        JSON.stringify(e.details),
        e.prevHash,
        e.hash,
      );
    }
    return entries;
  }

  #stmt(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #write<T>(fn: () => T): T {
    try {
      return this.#transaction.immediate(fn) as T;
    } catch (err) {
      throw wrap(err);
    }
  }

  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw wrap(err);
    }
  }
}

function wrap(err: unknown): unknown {
  if (err instanceof Database.SqliteError)
    return new RequestStoreError(`request store failure (${err.code})`, { cause: err });
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) {
    return new RequestStoreError('the store is closed');
  }
  return err;
}
