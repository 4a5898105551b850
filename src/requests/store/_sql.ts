/**
 * Every SQL text the SQL stores run, written once in SQLite's dialect: the fixed statements by
 * the method (or table access) that runs them, and the filtered reads (`listRequests`,
 * `queryAudit`, `listHops`) built from the filter with `?` placeholders. PostgreSQL runs the same
 * texts translated by `_postgres-sql.ts` (numbered placeholders, `ON CONFLICT DO NOTHING`). Tests
 * ask each engine how it runs exactly these texts (`EXPLAIN`): none may read a whole table, or
 * the cost of a decision would grow with the store. Statuses are written as literals, in the
 * state machine's order, rather than bound: an engine uses a partial index (`WHERE status IN
 * ('pending','escalated')`) only when the query carries the same expression, which a bound
 * parameter never is, so the sweep and the inbox would otherwise scan. Ties in "oldest first"
 * are broken by `rowid`, the insertion order (PostgreSQL's tables carry an identity column of
 * that name).
 */
import type { AuditFilter, HopFilter, RequestFilter, RequestStatus } from './model.js';
import {
  AUDIT_COLUMNS,
  HOP_COLUMNS,
  POLICY_COLUMNS,
  REQUEST_COLUMNS,
  REVOCATION_COLUMNS,
} from './_rows.js';

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
  // A store's first key, unless another process stored one first (the write lock orders them).
  insertFirstRootKey:
    'INSERT INTO root_keys (id, secret, created_at) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM root_keys)',
  loadRootKeys: 'SELECT id, secret, created_at FROM root_keys ORDER BY seq',
  deleteRootKey: 'DELETE FROM root_keys WHERE id = ?',
} as const;

/** The delegation tree's and the revocations' statements. */
export const HOP_STATEMENTS = {
  insertHop: `INSERT OR IGNORE INTO hops (${HOP_COLUMNS}) VALUES (${HOP_COLUMNS.split(',')
    .map(() => '?')
    .join(',')})`,
  insertPrefix: 'INSERT OR IGNORE INTO hop_prefixes (prefix, hop) VALUES (?, ?)',
  findRevocation: `SELECT ${REVOCATION_COLUMNS} FROM revocations WHERE kind = ? AND target = ?`,
  revocationHead: 'SELECT max(seq) AS seq FROM revocations',
  insertRevocation: `INSERT INTO revocations (${REVOCATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  revocationsSince: `SELECT ${REVOCATION_COLUMNS} FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?`,
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
