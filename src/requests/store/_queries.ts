/**
 * The filtered reads every SQL store runs (`listRequests`, `queryAudit`, `listHops`), built
 * from the filter with `?` placeholders (PostgreSQL numbers them, see `_postgres-sql.ts`). Each
 * term is served by an index in both engines: a test asks each engine how it runs exactly these
 * texts, since none may read a whole table or the cost of a decision would grow with the store.
 * Statuses are written as literals, in the state machine's order, rather than bound: SQLite uses
 * a partial index (`WHERE status IN ('pending','escalated')`) only when the query carries the
 * same expression, which a bound parameter never is, so the sweep and the inbox would otherwise
 * scan. Ties in "oldest first" are broken by `rowid`, the insertion order (PostgreSQL's tables
 * carry an identity column of that name).
 */
import type { AuditFilter, HopFilter, RequestFilter, RequestStatus } from './model.js';
import { AUDIT_COLUMNS, HOP_COLUMNS, REQUEST_COLUMNS } from './_rows.js';

/** A statement and its parameters. */
export interface Query {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const STATUSES: readonly RequestStatus[] = [
  'pending',
  'escalated',
  'approved',
  'denied',
  'expired',
  'cancelled',
];

/**
 * The SELECT for `listRequests(filter)`, oldest first.
 *
 * @example
 * ```ts
 * const { sql, params } = requestQuery({ grantor: 'planner', status: ['pending', 'escalated'] });
 * db.prepare(sql).all(...params);
 * ```
 */
export function requestQuery(filter: RequestFilter): Query {
  return select(
    `SELECT ${REQUEST_COLUMNS} FROM requests`,
    [
      ['grantor = ?', filter.grantor],
      ['requester = ?', filter.requester],
      // A literal, without `?`: its value only says whether the term applies.
      [filter.status === undefined ? '' : statusTerm(filter.status), filter.status],
      ['linked_id = ?', filter.escalatedTo],
      ['expires_at <= ?', filter.expiresBy],
    ],
    'created_at, rowid',
    filter.limit,
  );
}

/**
 * The SELECT for `queryAudit(filter)`, in `seq` order.
 *
 * @example
 * ```ts
 * const { sql, params } = auditQuery({ afterSeq: cursor, limit: 1000 });
 * ```
 */
export function auditQuery(filter: AuditFilter): Query {
  return select(
    `SELECT ${AUDIT_COLUMNS} FROM audit`,
    [
      ['seq > ?', filter.afterSeq],
      ['at >= ?', filter.since],
      ['at < ?', filter.until],
      ['request_id = ?', filter.requestId],
      ['(actor = ? OR subject = ?)', filter.principal],
      ['kind = ?', filter.kind],
    ],
    'seq',
    filter.limit,
  );
}

/** A SELECT with the terms whose value is given, joined by AND; each `?` of a term takes its value. */
function select(
  from: string,
  terms: readonly (readonly [string, unknown])[],
  orderBy: string,
  limit: number | undefined,
): Query {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [text, value] of terms) {
    if (value === undefined) continue;
    where.push(text);
    params.push(
      ...text
        .split('?')
        .slice(1)
        .map(() => value),
    );
  }
  let sql = from;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ` ORDER BY ${orderBy}`;
  if (limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(limit);
  }
  return { sql, params };
}

function statusTerm(statuses: readonly RequestStatus[]): string {
  for (const s of statuses) {
    if (!STATUSES.includes(s)) throw new RangeError(`unknown request status ${JSON.stringify(s)}`);
  }
  const list = STATUSES.filter((s) => statuses.includes(s));
  return `status IN (${list.map((s) => `'${s}'`).join(',') || 'NULL'})`;
}

/**
 * The SELECT for `listHops(filter)`, in the order the hops were stored. Lists become one `?` per
 * value; every filter is served by an index (the prefix table's key, `hops_grantee`, `hops_via`).
 *
 * @example
 * ```ts
 * const { sql, params } = hopQuery({ derivedFrom: [id] });
 * ```
 */
export function hopQuery(filter: HopFilter): Query {
  const terms: string[] = [];
  const params: unknown[] = [];
  const list = (values: readonly string[]) => values.map(() => '?').join(', ');
  if (filter.derivedFrom !== undefined) {
    terms.push(
      `id IN (SELECT hop FROM hop_prefixes WHERE prefix IN (${list(filter.derivedFrom)}))`,
    );
    params.push(...filter.derivedFrom);
  }
  if (filter.via !== undefined) {
    terms.push(`via IN (${list(filter.via)})`);
    params.push(...filter.via);
  }
  if (filter.ids !== undefined) {
    terms.push(`id IN (${list(filter.ids)})`);
    params.push(...filter.ids);
  }
  if (filter.grantee !== undefined) {
    terms.push('grantee = ?');
    params.push(filter.grantee);
  }
  const where = terms.length === 0 ? '' : ` WHERE ${terms.join(' AND ')}`;
  return { sql: `SELECT ${HOP_COLUMNS} FROM hops${where} ORDER BY seq`, params };
}
