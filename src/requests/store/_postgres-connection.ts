/**
 * Reaching PostgreSQL: the connection URL read once (the `schema` parameter taken out, the
 * password never repeated: every message names the server by `redactUrl`), the pool and
 * listener settings derived from it (the schema first on the search path, integers of
 * milliseconds read as numbers), and the one judgement every caller needs about a failure: is
 * the database out of reach (refused, cut, restarting, timed out), which a caller may retry and
 * a service answers with 503, or is it anything else. The password may stay out of the URL
 * altogether: the driver reads `PGPASSWORD` and `~/.pgpass` as libpq does.
 */
import { userInfo } from 'node:os';
import type pg from 'pg';
import { describe } from '../../_assert.js';
import { RequestStoreError, RequestStoreUnavailableError } from '../errors.js';

/** The options of `openPostgresStore` that shape its connections, with their defaults. */
export interface PostgresConnectionOptions {
  /**
   * The schema holding mandate's tables (default: the URL's `schema` parameter, else
   * `mandate`): lower-case letters, digits and `_`, at most 48 characters. Created when missing.
   */
  readonly schema?: string;
  /** Connections in the pool (default 10). */
  readonly maxConnections?: number;
  /** How long getting a connection may take, waiting for a free one included, in ms (default 5000). */
  readonly connectTimeoutMs?: number;
  /** How long one statement may run on the server, lock waits included, in ms (default 10000). */
  readonly statementTimeoutMs?: number;
}

/** Where and how to connect, read from the URL and the options. */
export interface PostgresTarget {
  /** node-postgres, loaded (`loadDriver`). */
  readonly driver: typeof pg;
  /** The pool's configuration (the URL, the schema on the search path, timeouts). */
  readonly config: pg.PoolConfig;
  readonly schema: string;
  /** The NOTIFY channel of this schema's audit log. */
  readonly channel: string;
  /** The URL without its password, for messages. */
  readonly redacted: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,47}$/;

/** `int8` (bigint: sequence numbers, times in ms), which node-postgres returns as a string. */
const INT8_OID = 20;

/** node-postgres, once `loadDriver` has loaded it in this process. */
let loaded: typeof pg | undefined;

/**
 * node-postgres, loaded on first use, so that a process which never opens a PostgreSQL store
 * (the CLI on a home's SQLite file, a tool server) does not pay for loading it (about 27 ms).
 *
 * @example
 * ```ts
 * const target = postgresTarget(url, options, await loadDriver());
 * ```
 */
export async function loadDriver(): Promise<typeof pg> {
  loaded ??= (await import('pg')).default;
  return loaded;
}

/** The types of the store's connections: an `int8` is a number (every one it stores is safe). */
function typesOf(driver: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID
        ? (text: string) => Number(text)
        : (driver.types.getTypeParser(oid, format ?? 'text') as (
            value: string,
          ) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/**
 * Reads a `postgres://` (or `postgresql://`) URL and the options into a pool configuration.
 *
 * @example
 * ```ts
 * const target = postgresTarget('postgres://mandate@db.internal/mandate?schema=team_a', {}, await loadDriver());
 * ```
 */
export function postgresTarget(
  url: string,
  options: PostgresConnectionOptions,
  driver: typeof pg,
): PostgresTarget {
  if (typeof url !== 'string')
    throw new TypeError(`url must be a postgres:// URL string, got ${describe(url)}`);
  const read = readUrl(url);
  if (read === undefined)
    throw new RangeError('url must be a postgres:// URL (it does not parse as a URL)');
  const parsed = read.url;
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new RangeError(`url must be a postgres:// URL, got a ${parsed.protocol} one`);
  const fromUrl = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (fromUrl !== undefined && options.schema !== undefined && fromUrl !== options.schema)
    throw new RangeError('options.schema and the URL name different schemas: give one');
  const schema = options.schema ?? fromUrl ?? 'mandate';
  if (typeof schema !== 'string' || !SCHEMA.test(schema))
    throw new RangeError(
      'the schema must be 1 to 48 lower-case letters, digits or _, not starting with a digit',
    );
  const maxConnections = positive(options.maxConnections, 10, 'options.maxConnections');
  const connectTimeoutMs = positive(options.connectTimeoutMs, 5000, 'options.connectTimeoutMs');
  const statementTimeoutMs = positive(
    options.statementTimeoutMs,
    10_000,
    'options.statementTimeoutMs',
  );
  // Without a user in the URL or the environment, libpq connects as the operating system's
  // user; the driver would send none when $USER is unset (as under some service managers).
  if (parsed.username === '' && !parsed.searchParams.has('user') && !process.env['PGUSER'])
    parsed.searchParams.set('user', process.env['USER'] || userInfo().username);
  // The schema goes first on the search path through the startup options, after any the URL
  // gives, so that every statement (and every connection the pool opens later) names its tables
  // unqualified.
  const given = parsed.searchParams.get('options');
  parsed.searchParams.set(
    'options',
    `${given === null ? '' : `${given} `}-c search_path=${schema}`,
  );
  return {
    config: {
      connectionString: read.text(),
      max: maxConnections,
      connectionTimeoutMillis: connectTimeoutMs,
      statement_timeout: statementTimeoutMs,
      // A session that dies holding the write lock must not hold it for long.
      idle_in_transaction_session_timeout: Math.max(statementTimeoutMs, 30_000),
      // A statement the server never answers (a cut network) fails on this side too.
      query_timeout: statementTimeoutMs + connectTimeoutMs,
      keepAlive: true,
      application_name: 'mandate',
      types: typesOf(driver),
    },
    driver,
    schema,
    channel: `mandate_${schema}`,
    redacted: redactUrl(url),
  };
}

/**
 * `url` with its password (in the authority or a `password` parameter) replaced by `***`; a
 * text that is no URL is not repeated at all.
 *
 * @example
 * ```ts
 * redactUrl('postgres://app:s3cret@db/mandate'); // 'postgres://app:***@db/mandate'
 * ```
 */
export function redactUrl(url: string): string {
  const read = typeof url === 'string' ? readUrl(url) : undefined;
  if (read === undefined) return '(a connection string that is not a URL)';
  if (read.url.password !== '') read.url.password = '***';
  if (read.url.searchParams.has('password')) read.url.searchParams.set('password', '***');
  return read.text();
}

/** Stands in for the empty host of `postgres://user:pass@/db?host=/run/postgresql`. */
const EMPTY_HOST = 'mandate-empty-host.invalid';

/**
 * `text` as a URL to edit, and the edited URL back as text. libpq's URLs may leave the host
 * empty while naming a user (`user@/db`, the socket given by `?host=`), which WHATWG URLs
 * refuse: a placeholder host stands in while editing.
 */
function readUrl(text: string): { readonly url: URL; text(): string } | undefined {
  for (const [source, placeholder] of [
    [text, false],
    [text.replace('@/', `@${EMPTY_HOST}/`), true],
  ] as const) {
    try {
      const url = new URL(source);
      return {
        url,
        text: () =>
          placeholder ? url.toString().replace(`@${EMPTY_HOST}/`, '@/') : url.toString(),
      };
    } catch {
      // Try the next reading.
    }
  }
  return undefined;
}

/** Node's socket errors that mean the server is out of reach. */
const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOENT',
]);

/**
 * SQLSTATEs of a server that cannot serve now: connection exceptions (08), shutting down or
 * starting up (57P01–57P03), out of resources (53, too many connections among them), and a
 * statement cancelled by its timeout (57014).
 */
const UNAVAILABLE_STATE = /^(08|53|57P0[123]$|57014$)/;

/** The driver's own messages for a connection that broke or never came. */
const DRIVER_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection terminated due to connection timeout/;

/**
 * Whether `err` says PostgreSQL is out of reach (rather than refusing a statement).
 *
 * @example
 * ```ts
 * if (isUnavailable(err)) retryLater();
 * ```
 */
export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_ERRNO.has(code) || UNAVAILABLE_STATE.test(code)))
    return true;
  if (err instanceof AggregateError) return err.errors.some(isUnavailable);
  return DRIVER_MESSAGE.test(err.message);
}

/**
 * The error a store method rejects with for a failure of the database: unavailable
 * (`ERR_REQUEST_STORE_UNAVAILABLE`), or another store failure naming its SQLSTATE. Anything
 * else (a rule of the core, a caller's mistake) passes through unchanged.
 *
 * @example
 * ```ts
 * try { await pool.query(sql); } catch (err) { throw storeFailure(err); }
 * ```
 */
export function storeFailure(err: unknown): unknown {
  if (err instanceof RequestStoreError || err instanceof RequestStoreUnavailableError) return err;
  if (isUnavailable(err)) return new RequestStoreUnavailableError(undefined, { cause: err });
  if (isDatabaseError(err))
    return new RequestStoreError(`request store failure (SQLSTATE ${err.code ?? '?'})`, {
      cause: err,
    });
  return err;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${describe(value)}`);
  return value;
}

/**
 * Whether `err` is PostgreSQL refusing a statement (it carries a SQLSTATE). Only a loaded driver
 * makes such errors, so without one nothing is.
 *
 * @example
 * ```ts
 * if (isDatabaseError(err)) console.error(err.code);
 * ```
 */
export function isDatabaseError(err: unknown): err is pg.DatabaseError {
  return loaded !== undefined && err instanceof loaded.DatabaseError;
}
