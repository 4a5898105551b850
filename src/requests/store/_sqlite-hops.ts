/**
 * The SQLite store's delegation tree and revocations: their statements and row mapping (the
 * tables are created by migration 3 → 4 in sqlite-schema.ts).
 */
import type { HopFilter, HopRecord, Revocation } from './model.js';

const HOP_COLUMNS =
  'id, parent, via, delegation_id, key_id, block, grantor, grantee, place, conditions, expires_at, prefixes, source, first_seen_at';
const REVOCATION_COLUMNS = 'seq, kind, target, delegation_id, revoked_by, at, reason';

/** The statements with fixed text. */
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

export interface HopRow {
  id: string;
  parent: string | null;
  via: string | null;
  delegation_id: string;
  key_id: string;
  block: number;
  grantor: string;
  grantee: string | null;
  place: string;
  conditions: string;
  expires_at: number | null;
  prefixes: string;
  source: HopRecord['source'];
  first_seen_at: number;
}

export interface RevocationRow {
  seq: number;
  kind: Revocation['kind'];
  target: string;
  delegation_id: string | null;
  revoked_by: string;
  at: number;
  reason: string;
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
export function hopQuery(filter: HopFilter): { sql: string; params: unknown[] } {
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

export function hopToRow(h: HopRecord): unknown[] {
  return [
    h.id,
    h.parent,
    h.via,
    h.delegationId,
    h.keyId,
    h.block,
    h.grantor,
    h.grantee,
    JSON.stringify(h.place),
    JSON.stringify(h.conditions),
    h.expiresAt,
    JSON.stringify(h.prefixes),
    h.source,
    h.firstSeenAt,
  ];
}

export function rowToHop(row: HopRow): HopRecord {
  return Object.freeze({
    id: row.id,
    parent: row.parent,
    via: row.via,
    delegationId: row.delegation_id,
    keyId: row.key_id,
    block: row.block,
    grantor: row.grantor,
    grantee: row.grantee,
    place: Object.freeze(JSON.parse(row.place) as (string | null)[]),
    conditions: Object.freeze(JSON.parse(row.conditions) as string[]),
    expiresAt: row.expires_at,
    prefixes: Object.freeze(JSON.parse(row.prefixes) as string[]),
    source: row.source,
    firstSeenAt: row.first_seen_at,
  });
}

export function revocationToRow(r: Revocation): unknown[] {
  return [r.seq, r.kind, r.target, r.delegationId, r.by, r.at, r.reason];
}

export function rowToRevocation(row: RevocationRow): Revocation {
  return Object.freeze({
    seq: row.seq,
    kind: row.kind,
    target: row.target,
    delegationId: row.delegation_id,
    by: row.revoked_by,
    at: row.at,
    reason: row.reason,
  });
}
