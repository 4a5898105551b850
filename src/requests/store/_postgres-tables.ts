/**
 * The shared core's table access (`RequestTables`) over one pipelined PostgreSQL connection,
 * inside the write transaction of a batch of steps (`_postgres-writes.ts`), which holds the
 * `meta` row lock: a read here sees every committed write and no other write can interleave.
 * The lock is what all instances' writes queue behind, and a transaction holds it for as many
 * turns of this process's event loop as it waits for answers — each turn as long as the HTTP
 * work queued before it, far longer than the database's own work. So this file waits for as
 * few answers as it can:
 *
 * - the requests the batch's steps will read (by id, and open ones by idempotency key, which
 *   the caller names in advance: `ReadAhead`) are read in the transaction's opening, together
 *   with BEGIN, the lock and the audit log's head, and kept in step with the batch's own writes;
 *   a step then reads them from here, so a batch of requests filed and decided waits for two
 *   answers in all: its opening, and its COMMIT;
 * - statements are pipelined (the driver sends one without waiting for the answer to the one
 *   before), and the writes whose result the core does not look at (a request, an update, audit
 *   entries, hops, a revocation, a deleted key) are held back and sent as one statement of
 *   data-modifying CTEs at the end of the step or before a read (`send`); the statements of one
 *   such send touch different rows (a step reads, then writes what it read), which is what lets
 *   them run as one statement (whose parts all see the same snapshot); the audit trigger fires
 *   once for the statement, so one NOTIFY announces the step, and only when the transaction
 *   commits;
 * - the audit log's head comes with the lock and is then followed as entries are appended.
 *
 * Since answers come back later than their statements go out, a failure is traced to the
 * statement's sender (`Failure`): the step whose writes failed, not the step whose read then
 * found the transaction aborted.
 */
import type pg from 'pg';
import { RequestStoreError } from '../errors.js';
import type { RequestTables } from './_core.js';
import { PG, insertAudit, insertHops, statement } from './_postgres-sql.js';
import {
  auditToRow,
  hopToRow,
  policyToRow,
  recordToRow,
  revocationToRow,
  rowToRecord,
  rowToRevocation,
  updateToRow,
  type RequestRow,
  type RevocationRow,
} from './_rows.js';
import type { HopRecord, RequestRecord } from './model.js';
import { isOpen } from './state.js';

/** Who sent a statement: a step, by its place in the batch, or the batch itself (its opening). */
export type Sender = number | 'batch';

/**
 * A statement failed: `error` is its own, `sender` who sent it. Internal to the write
 * transaction, which rejects its steps with `error`, never with this.
 */
export class Failure extends Error {
  constructor(
    readonly sender: Sender,
    readonly error: unknown,
  ) {
    super(`a statement sent by ${sender === 'batch' ? 'the batch' : `step ${sender}`} failed`);
  }
}

/** The core's tables in one transaction, and the statements sent but not yet answered. */
export interface PostgresTables extends RequestTables {
  /** The step whose statements go out from now on. */
  sender: Sender;
  /** Sends the writes held back, as one statement, without waiting for its answer. */
  send(): void;
  /**
   * Waits for every statement sent so far; rejects with the `Failure` of the first that failed.
   */
  settled(): Promise<void>;
  /** What `error`, thrown by the current step, comes from: an earlier statement's `Failure`, or its own. */
  blame(error: unknown): Promise<Failure>;
}

/** The requests a batch's steps will read, read in its opening. */
export interface ReadAhead {
  /** Requests by id. */
  readonly ids: readonly string[];
  /** Open requests by idempotency key. */
  readonly keys: readonly string[];
}

/** A statement held back: its text (parameters numbered from $1) and their values. */
interface Held {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** The audit log's last entry: where the next append chains on. */
export type AuditHead = { readonly seq: number; readonly hash: string } | undefined;

/** Parameters one statement may carry (the protocol counts them in 16 bits). */
const MAX_PARAMETERS = 65_535;

/**
 * The core's tables over `client` (pipelined), opening its write transaction: BEGIN, the lock,
 * the check that the schema is at `version`, the audit log's head and the requests `ahead`
 * names, sent at once.
 *
 * @example
 * ```ts
 * const tables = postgresTables(client, PG_SCHEMA_VERSION, { ids: [input.id], keys: [] });
 * tables.sender = 0;
 * const record = await runAsync(transitionStep(tables, input));
 * tables.send();
 * await tables.settled();
 * ```
 */
export function postgresTables(
  client: pg.ClientBase,
  version: number,
  ahead: ReadAhead,
): PostgresTables {
  const held: Held[] = [];
  /** Requests as this transaction sees them, by id (`null`: none), for the ids read ahead. */
  const byId = new Map<string, RequestRecord | null>();
  /** The open request of each idempotency key read ahead (`null`: none), likewise. */
  const openByKey = new Map<string, RequestRecord | null>();
  /** Statements sent whose answers nobody has looked at yet, oldest first. */
  const unanswered: { readonly sender: Sender; readonly answer: Promise<unknown> }[] = [];
  let last: AuditHead;
  const sent = (sender: Sender, answer: Promise<unknown>): void => {
    answer.catch(() => undefined); // looked at in `settled`
    unanswered.push({ sender, answer });
  };
  const query = <R extends pg.QueryResultRow>(text: string, values: readonly unknown[]) =>
    client.query<R>(statement(text, values));
  const opening: Promise<unknown>[] = [
    (client.query(PG.beginWrite) as unknown as Promise<pg.QueryResult[]>).then(([, lock, head]) => {
      const stored = (lock?.rows[0] as { schema_version?: number } | undefined)?.schema_version;
      if (stored !== version)
        throw new RequestStoreError(
          `the store's schema is at version ${String(stored)}, this library writes ${version}; upgrade mandate`,
        );
      const row = head?.rows[0] as { seq: number; hash: string } | undefined;
      last = row === undefined ? undefined : { seq: row.seq, hash: row.hash };
    }),
  ];
  if (ahead.ids.length > 0) {
    for (const id of ahead.ids) byId.set(id, null);
    opening.push(
      query<RequestRow>(PG.getRequests, [ahead.ids]).then(({ rows }) => {
        for (const row of rows) byId.set(row.id, rowToRecord(row));
      }),
    );
  }
  if (ahead.keys.length > 0) {
    for (const key of ahead.keys) openByKey.set(key, null);
    opening.push(
      query<RequestRow>(PG.findOpenRequests, [ahead.keys]).then(({ rows }) => {
        for (const row of rows) openByKey.set(row.idem_key, rowToRecord(row));
      }),
    );
  }
  for (const answer of opening) sent('batch', answer);
  /** Waits for the opening's answers (the lock, the head, the requests read ahead). */
  const opened = async (): Promise<void> => {
    try {
      await Promise.all(opening);
    } catch (err) {
      throw new Failure('batch', err);
    }
  };
  /**
   * Keeps the requests read ahead in step with a request this transaction writes (the core
   * writes a request only after reading it, or the open one of its key, so never before the
   * opening's answers are in).
   */
  const wrote = (before: RequestRecord | undefined, after: RequestRecord): void => {
    byId.set(after.id, after);
    if (isOpen(after.status)) openByKey.set(after.idempotencyKey, after);
    else if (before !== undefined && isOpen(before.status))
      openByKey.set(after.idempotencyKey, null);
  };
  const hold = (text: string, values: readonly unknown[]): void => {
    held.push({ text, values });
  };
  /** `rows` in multi-row statements made by `make`, as many rows each as the protocol allows. */
  const holdRows = (make: (count: number) => string, rows: readonly unknown[][]): void => {
    const width = rows[0]?.length ?? 1;
    const per = Math.floor(MAX_PARAMETERS / width);
    for (let i = 0; i < rows.length; i += per) {
      const part = rows.slice(i, i + per);
      hold(make(part.length), part.flat());
    }
  };
  const tables: PostgresTables = {
    sender: 'batch',
    send() {
      for (const { text, values } of combine(held.splice(0)))
        sent(tables.sender, query(text, values));
    },
    async settled() {
      while (unanswered.length > 0) {
        const { sender, answer } = unanswered[0] as (typeof unanswered)[0];
        try {
          await answer;
        } catch (err) {
          throw new Failure(sender, err);
        }
        unanswered.shift();
      }
    },
    async blame(error) {
      if (error instanceof Failure) return error;
      try {
        await tables.settled();
      } catch (earlier) {
        return earlier as Failure;
      }
      return new Failure(tables.sender, error);
    },
    async getRequest(id) {
      if (byId.has(id)) {
        await opened();
        return byId.get(id) ?? undefined;
      }
      const [row] = await rows<RequestRow>(PG.getRequest, [id]);
      return row === undefined ? undefined : rowToRecord(row);
    },
    async findOpenRequest(key) {
      if (openByKey.has(key)) {
        await opened();
        return openByKey.get(key) ?? undefined;
      }
      const [row] = await rows<RequestRow>(PG.findOpenRequest, [key]);
      return row === undefined ? undefined : rowToRecord(row);
    },
    insertRequest(record) {
      hold(PG.insertRequest, recordToRow(record));
      wrote(undefined, record);
    },
    updateRequest(before, after) {
      hold(PG.updateRequest, updateToRow(after));
      wrote(before, after);
    },
    async auditHead() {
      await opened();
      return last;
    },
    insertAudit(entries) {
      const end = entries[entries.length - 1];
      if (end === undefined) return;
      holdRows(insertAudit, entries.map(auditToRow));
      last = { seq: end.seq, hash: end.hash };
    },
    insertSeen: (fingerprint, at) => changed(PG.insertSeen, [fingerprint, at]),
    insertPolicy(policy) {
      hold(PG.insertPolicy, policyToRow(policy));
    },
    deletePolicy: (id, grantor) => changed(PG.deletePolicy, [id, grantor]),
    insertRootKey: (key, onlyIfNone) =>
      changed(onlyIfNone ? PG.insertFirstRootKey : PG.insertRootKey, [
        key.id,
        key.secret,
        key.createdAt,
      ]),
    deleteRootKey(id) {
      hold(PG.deleteRootKey, [id]);
    },
    insertHops(hops) {
      const fresh = distinct(hops);
      if (fresh.length === 0) return;
      holdRows(insertHops, fresh.map(hopToRow));
      // A hop stored already has its prefix rows already: inserting them again does nothing.
      const pairs = fresh.flatMap((h) => [...new Set(h.prefixes)].map((p) => [p, h.id] as const));
      hold(PG.insertPrefixes, [pairs.map(([p]) => p), pairs.map(([, h]) => h)]);
    },
    async findRevocation(kind, target) {
      const [row] = await rows<RevocationRow>(PG.findRevocation, [kind, target]);
      return row === undefined ? undefined : rowToRevocation(row);
    },
    async revocationHead() {
      const [row] = await rows<{ seq: number | null }>(PG.revocationHead);
      return row?.seq ?? 0;
    },
    insertRevocation(revocation) {
      hold(PG.insertRevocation, revocationToRow(revocation));
    },
  };
  /** A read, sent behind the writes held back (which it may need to see); its answer. */
  const answer = async <R extends pg.QueryResultRow>(text: string, values: readonly unknown[]) => {
    tables.send();
    const result = query<R>(text, values);
    result.catch(() => undefined); // an earlier statement's failure is the one reported
    await tables.settled();
    return result;
  };
  const rows = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await answer<R>(text, values)).rows;
  const changed = async (text: string, values: unknown[]) =>
    ((await answer(text, values)).rowCount ?? 0) > 0;
  return tables;
}

/** The hops with distinct ids (the first of each): one statement may not insert a row twice. */
function distinct(hops: readonly HopRecord[]): HopRecord[] {
  const seen = new Set<string>();
  return hops.filter((h) => !seen.has(h.id) && seen.add(h.id) !== undefined);
}

/**
 * Statements as few: data-modifying CTEs of one statement, with their parameters renumbered, as
 * many as the protocol's parameter count allows (one alone stays as it is).
 */
function combine(statements: readonly Held[]): Held[] {
  const groups: Held[][] = [];
  let size = Infinity;
  for (const s of statements) {
    if (size + s.values.length > MAX_PARAMETERS) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1]?.push(s);
    size += s.values.length;
  }
  return groups.map((group) => {
    if (group.length === 1) return group[0] as Held;
    const values: unknown[] = [];
    const parts = group.map((s, i) => {
      const offset = values.length;
      values.push(...s.values);
      return `w${i} AS (${s.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
    });
    return { text: `WITH ${parts.join(', ')} SELECT 1`, values };
  });
}
