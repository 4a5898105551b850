/**
 * Every SQL text the SQLite store runs, kept apart so that a test can ask SQLite (`EXPLAIN
 * QUERY PLAN`) how it runs exactly those texts: none may read a whole table, or the cost of a
 * decision would grow with the store. For the filtered reads, statuses are written as
 * literals, in the state machine's order, rather than bound: SQLite uses a partial index
 * (`WHERE status IN ('pending','escalated')`) only when the query carries the same expression,
 * which a bound parameter never is, so the sweep and the inbox would otherwise scan.
 */
import type { AuditFilter, RequestFilter, RequestStatus } from './model.js';
import { AUDIT_COLUMNS, POLICY_COLUMNS, REQUEST_COLUMNS } from './sqlite-schema.js';

/** A statement and its parameters. */
export interface Query {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** The statements with fixed text, by the method (or table access) that runs them. */
export const STATEMENTS = {
  getRequest: `SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`,
  findOpenRequest: `SELECT ${REQUEST_COLUMNS} FROM requests WHERE idem_key = ? AND status IN ('pending','escalated')`,
  insertRequest: `INSERT INTO requests (${REQUEST_COLUMNS}) VALUES (${REQUEST_COLUMNS.split(',')
    .map(() => '?')
    .join(',')})`,
  updateRequest:
    'UPDATE requests SET version = ?, status = ?, outcome = ?, decided_by = ?, decided_at = ?, policy_id = ?, ' +
    'linked_id = ?, auto_approve = ? WHERE id = ?',
  touchPoll: 'UPDATE requests SET last_polled_at = ?, interval_s = ? WHERE id = ?',
  // Written as max(): SQLite reads the last row of the primary key and reports a SEARCH, which
  // the query-plan test can tell apart from a SCAN (`ORDER BY seq DESC LIMIT 1` costs the same).
  auditHead: 'SELECT seq, hash FROM audit WHERE seq = (SELECT max(seq) FROM audit)',
  insertAudit: `INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  findSeen: 'SELECT 1 AS seen FROM seen_tokens WHERE fingerprint = ?',
  insertSeen: 'INSERT OR IGNORE INTO seen_tokens (fingerprint, first_seen) VALUES (?, ?)',
  insertPolicy: `INSERT INTO policies (${POLICY_COLUMNS}) VALUES (${POLICY_COLUMNS.split(',')
    .map(() => '?')
    .join(',')})`,
  deletePolicy: 'DELETE FROM policies WHERE id = ? AND grantor = ?',
  listPolicies: `SELECT ${POLICY_COLUMNS} FROM policies ORDER BY created_at, rowid`,
  listPoliciesOf: `SELECT ${POLICY_COLUMNS} FROM policies WHERE grantor = ? ORDER BY created_at, rowid`,
  replacePolicyToken: 'UPDATE policies SET token = ? WHERE grantor = ? AND token = ?',
  insertRootKey: 'INSERT OR IGNORE INTO root_keys (id, secret, created_at) VALUES (?, ?, ?)',
  loadRootKeys: 'SELECT id, secret, created_at FROM root_keys ORDER BY seq',
  deleteRootKey: 'DELETE FROM root_keys WHERE id = ?',
} as const;

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
