/**
 * The shared core's table access (`RequestTables`) over one PostgreSQL connection, inside the
 * write transaction the store opened on it (which already holds the `meta` row lock, so a read
 * here sees every committed write and no other write can interleave). Each call is one round
 * trip; an audit append is one multi-row INSERT, whose trigger sends the NOTIFY.
 */
import type pg from 'pg';
import type { RequestTables } from './_core.js';
import { PG, insertAudit } from './_postgres-sql.js';
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

/**
 * The core's tables over `client`, in its current transaction.
 *
 * @example
 * ```ts
 * const record = await runAsync(transitionStep(postgresTables(client), input));
 * ```
 */
export function postgresTables(client: pg.ClientBase): RequestTables {
  const rows = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
    (await client.query<R>(text, values)).rows;
  const changed = async (text: string, values: unknown[]) =>
    ((await client.query(text, values)).rowCount ?? 0) > 0;
  return {
    async getRequest(id) {
      const [row] = await rows<RequestRow>(PG.getRequest, [id]);
      return row === undefined ? undefined : rowToRecord(row);
    },
    async findOpenRequest(key) {
      const [row] = await rows<RequestRow>(PG.findOpenRequest, [key]);
      return row === undefined ? undefined : rowToRecord(row);
    },
    async insertRequest(record) {
      await client.query(PG.insertRequest, recordToRow(record));
    },
    async updateRequest(_before, after) {
      await client.query(PG.updateRequest, updateToRow(after));
    },
    async auditHead() {
      const [head] = await rows<{ seq: number; hash: string }>(PG.auditHead);
      return head;
    },
    async insertAudit(entries) {
      await client.query(insertAudit(entries.length), entries.flatMap(auditToRow));
    },
    insertSeen: (fingerprint, at) => changed(PG.insertSeen, [fingerprint, at]),
    async insertPolicy(policy) {
      await client.query(PG.insertPolicy, policyToRow(policy));
    },
    deletePolicy: (id, grantor) => changed(PG.deletePolicy, [id, grantor]),
    insertRootKey: (key) => changed(PG.insertRootKey, [key.id, key.secret, key.createdAt]),
    async deleteRootKey(id) {
      await client.query(PG.deleteRootKey, [id]);
    },
    async insertHops(hops) {
      for (const hop of hops) {
        if (!(await changed(PG.insertHop, hopToRow(hop)))) continue;
        await client.query(PG.insertPrefixes, [[...new Set(hop.prefixes)], hop.id]);
      }
    },
    async findRevocation(kind, target) {
      const [row] = await rows<RevocationRow>(PG.findRevocation, [kind, target]);
      return row === undefined ? undefined : rowToRevocation(row);
    },
    async revocationHead() {
      const [row] = await rows<{ seq: number | null }>(PG.revocationHead);
      return row?.seq ?? 0;
    },
    async insertRevocation(revocation) {
      await client.query(PG.insertRevocation, revocationToRow(revocation));
    },
  };
}
