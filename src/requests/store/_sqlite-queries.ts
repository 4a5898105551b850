/**
 * The fixed statement texts the SQLite store runs, by the method (or table access) that runs
 * them; the filtered reads are built in `_queries.ts`. A test asks SQLite (`EXPLAIN QUERY PLAN`)
 * how it runs exactly these texts: none may read a whole table.
 */
import {
  AUDIT_COLUMNS,
  HOP_COLUMNS,
  POLICY_COLUMNS,
  REQUEST_COLUMNS,
  REVOCATION_COLUMNS,
} from './_rows.js';

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
