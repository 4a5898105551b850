/**
 * The PostgreSQL store's statements: the SQL stores' texts (`_sql.ts`, written in SQLite's
 * dialect) translated once — `?` placeholders numbered `$1, $2, …` and `INSERT OR IGNORE`
 * written as `ON CONFLICT DO NOTHING` — plus what only PostgreSQL runs: the opening of every
 * write (BEGIN, the lock on the `meta` row and the audit head, one round trip) and multi-row
 * inserts.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AUDIT_COLUMNS, HOP_COLUMNS, REQUEST_COLUMNS } from './_rows.js';
import { HOP_STATEMENTS, STATEMENTS, type Query } from './_sql.js';

/**
 * `sql` in PostgreSQL's dialect. Only for the stores' own texts: a `?` inside a quoted literal
 * would be numbered too, and none of them has one.
 *
 * @example
 * ```ts
 * toPostgres('INSERT OR IGNORE INTO t (a) VALUES (?)'); // 'INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING'
 * ```
 */
export function toPostgres(sql: string): string {
  let n = 0;
  const numbered = sql.replace(/\?/g, () => `$${++n}`);
  const ignore = /^INSERT OR IGNORE INTO (.*)$/s.exec(numbered);
  return ignore === null ? numbered : `INSERT INTO ${ignore[1]} ON CONFLICT DO NOTHING`;
}

/** A filtered read (`requestQuery`, `auditQuery`, `hopQuery`) in PostgreSQL's dialect. */
export function pgQuery(query: Query): { text: string; values: unknown[] } {
  return { text: toPostgres(query.sql), values: [...query.params] };
}

type Translated<T> = { readonly [K in keyof T]: string };

function translate<T extends Record<string, string>>(statements: T): Translated<T> {
  return Object.fromEntries(
    Object.entries(statements).map(([name, sql]) => [name, toPostgres(sql)]),
  ) as Translated<T>;
}

/** Every fixed statement of `_sql.ts`, translated. */
export const PG = {
  ...translate(STATEMENTS),
  ...translate(HOP_STATEMENTS),
  // A row lock every write takes first, so writes run one at a time as SQLite's BEGIN IMMEDIATE
  // makes them: the audit chain needs its appends in order anyway, and with the lock taken no
  // compare-and-set or idempotency check can read a row another write is about to change. It
  // also reads the schema version, so a write never lands in tables a newer mandate migrated,
  // and, with the lock held, the audit log's head, which the transaction's appends then follow.
  beginWrite: `BEGIN; SELECT schema_version FROM meta WHERE id = 1 FOR UPDATE; ${STATEMENTS.auditHead}`,
  /** Requests by id, several at once (read ahead by a write transaction). */
  getRequests: `SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ANY($1::text[])`,
  /** Open requests by idempotency key, several at once (read ahead by a write transaction). */
  findOpenRequests: `SELECT ${REQUEST_COLUMNS} FROM requests WHERE idem_key = ANY($1::text[]) AND status IN ('pending','escalated')`,
  /** Prefix index rows, `(prefix, hop)` pairs given as two arrays, in one statement. */
  insertPrefixes:
    'INSERT INTO hop_prefixes (prefix, hop) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
} as const;

/**
 * The INSERT of `count` audit entries in one statement (its NOTIFY trigger then fires once).
 *
 * @example
 * ```ts
 * await client.query(insertAudit(entries.length), entries.flatMap(auditToRow));
 * ```
 */
export function insertAudit(count: number): string {
  return `INSERT INTO audit (${AUDIT_COLUMNS}) VALUES ${rows(AUDIT_COLUMNS, count)}`;
}

/**
 * The INSERT of `count` hops in one statement, stored in the order given (a VALUES list is
 * inserted in its order, which numbers them), skipping those stored already.
 *
 * @example
 * ```ts
 * await client.query(insertHops(hops.length), hops.flatMap(hopToRow));
 * ```
 */
export function insertHops(count: number): string {
  return `INSERT INTO hops (${HOP_COLUMNS}) VALUES ${rows(HOP_COLUMNS, count)} ON CONFLICT DO NOTHING`;
}

/** `count` rows of placeholders for `columns`, numbered on from $1. */
function rows(columns: string, count: number): string {
  const width = columns.split(',').length;
  return Array.from(
    { length: count },
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
  ).join(', ');
}

/** The fixed statements' names as prepared statements (all but the multi-statement BEGIN). */
const PREPARED = new Map(
  Object.entries(PG)
    .filter(([key]) => key !== 'beginWrite')
    .map(([key, text]) => [text, `mandate_${key}`]),
);

/**
 * Statements made as the store runs (a step's writes together, a filtered read) that are
 * prepared too: they come in few shapes (a request and its audit entry, an update with its
 * entry and hops), each of which is then parsed and planned once per connection. A text longer
 * than this is not (a shape that many rows make is rarely made twice), nor are texts past the
 * count below: each one prepared takes memory in every connection of every instance.
 */
const MAX_PREPARED_TEXT = 4096;
const MAX_PREPARED_MADE = 256;

/** Names of the statements made as the store runs, prepared so far in this process. */
const made = new Map<string, string>();

/**
 * A query of `text` with `values`, named (so that each connection parses and plans it once: the
 * driver prepares a named statement on its first use on a connection) when it is one of the
 * fixed statements, or one made as the store runs within the limits above; else unnamed.
 *
 * @example
 * ```ts
 * const { rows } = await pool.query(statement(PG.getRequest, [id]));
 * ```
 */
export function statement(text: string, values: readonly unknown[]): pg.QueryConfig {
  const name = PREPARED.get(text) ?? madeName(text);
  return name === undefined ? { text, values: [...values] } : { name, text, values: [...values] };
}

function madeName(text: string): string | undefined {
  if (text.length > MAX_PREPARED_TEXT) return undefined;
  let name = made.get(text);
  if (name === undefined && made.size < MAX_PREPARED_MADE) {
    // 120 bits of the text's hash: two texts never share a name.
    name = `mandate_made_${createHash('sha256').update(text).digest('hex').slice(0, 30)}`;
    made.set(text, name);
  }
  return name;
}
