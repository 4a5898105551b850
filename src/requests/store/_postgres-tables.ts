/**
 * The shared core's table access (`RequestTables`) over one PostgreSQL connection, inside the
 * write transaction the store opened on it (which already holds the `meta` row lock, so a read
 * here sees every committed write and no other write can interleave). Every round trip made
 * here is made while holding the lock that all instances' writes queue behind, so this file
 * spends as few as it can: the audit log's head comes with the lock (read by the transaction's
 * first statement) and is then followed as entries are appended; the writes whose result the
 * core does not look at (a request, an update, audit entries, hops, a revocation, a deleted key)
 * are held back and sent together, as one statement of data-modifying CTEs, just before the
 * next read or at the end of the step (`flush`). A request filed or decided is then two round
 * trips: the request read, and its writes. The statements of one flush touch different rows (a
 * step reads, then writes what it read), which is what lets them run as one statement (whose
 * parts all see the same snapshot); the audit trigger fires once for the statement, so one
 * NOTIFY announces the step, and only when the transaction commits.
 */
import type pg from 'pg';
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
import type { HopRecord } from './model.js';

/** The core's tables in one transaction, and the writes they still hold back. */
export interface PostgresTables extends RequestTables {
  /** Sends the writes held back (one statement); a failure here is the step's. */
  flush(): Promise<void>;
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
 * The core's tables over `client`, in its current transaction, whose audit log ends at `head`
 * (read under the transaction's lock).
 *
 * @example
 * ```ts
 * const tables = postgresTables(client, head);
 * const record = await runAsync(transitionStep(tables, input));
 * await tables.flush();
 * ```
 */
export function postgresTables(client: pg.ClientBase, head: AuditHead): PostgresTables {
  const held: Held[] = [];
  let last = head;
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
  const flush = async (): Promise<void> => {
    for (const { text, values } of combine(held.splice(0)))
      await client.query(statement(text, values));
  };
  /** A read, after the writes held back (which it may need to see). */
  const rows = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    await flush();
    return (await client.query<R>(statement(text, values))).rows;
  };
  const changed = async (text: string, values: unknown[]) => {
    await flush();
    return ((await client.query(statement(text, values))).rowCount ?? 0) > 0;
  };
  return {
    flush,
    async getRequest(id) {
      const [row] = await rows<RequestRow>(PG.getRequest, [id]);
      return row === undefined ? undefined : rowToRecord(row);
    },
    async findOpenRequest(key) {
      const [row] = await rows<RequestRow>(PG.findOpenRequest, [key]);
      return row === undefined ? undefined : rowToRecord(row);
    },
    insertRequest(record) {
      hold(PG.insertRequest, recordToRow(record));
    },
    updateRequest(_before, after) {
      hold(PG.updateRequest, updateToRow(after));
    },
    auditHead: () => last,
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
