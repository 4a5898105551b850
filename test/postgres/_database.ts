/**
 * The PostgreSQL tests' database: the run's throwaway database (made by `global-setup.ts`), a
 * fresh schema in it for each store a test opens, and the one way a test fails when PostgreSQL
 * is not there (with the reason, never a skip).
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, inject } from 'vitest';
import { openPostgresStore, type PostgresStoreOptions } from '../../src/requests/index.js';
import type { RequestStore } from '../../src/requests/store/store.js';

/** What the global setup hands the tests: the database's URL, or why there is none. */
export type PostgresTarget = { readonly url: string } | { readonly error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresTarget;
  }
}

/**
 * The server the run's database is created on: `MANDATE_TEST_PG_URL`, else the local socket as
 * the operating system's user.
 */
export const ADMIN_URL =
  process.env['MANDATE_TEST_PG_URL'] ??
  `postgres:///postgres?host=/var/run/postgresql&user=${encodeURIComponent(userInfo().username)}`;

/** The run's database URL; throws the setup's reason when PostgreSQL could not be reached. */
export function databaseUrl(): string {
  const target = inject('postgres');
  if (target === undefined)
    throw new Error('the PostgreSQL suites run under vitest.slow.config.ts (npm run test:slow)');
  if ('error' in target) throw new Error(target.error);
  return target.url;
}

/** A schema name no other test uses. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** The run's database URL with `schema` as a parameter. */
export function schemaUrl(schema: string): string {
  const url = new URL(databaseUrl());
  url.searchParams.set('schema', schema);
  return url.toString();
}

/**
 * A maker of PostgreSQL stores, each in a fresh schema, closed after each test of the file that
 * calls it (at its top level).
 */
export function temporaryPostgresStores(): (
  options?: PostgresStoreOptions,
) => Promise<RequestStore> {
  const stores: RequestStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  return async (options = {}) => {
    const store = await openPostgresStore(databaseUrl(), { schema: freshSchema(), ...options });
    stores.push(store);
    return store;
  };
}

/**
 * A connection to the run's database for a file's tests to look into it with, made before its
 * first test (in `beforeEach`, so that when PostgreSQL is out of reach each test fails with the
 * reason: a failing `beforeAll` would only mark them skipped) and ended after the last.
 */
export function adminClient(): () => pg.Client {
  let client: pg.Client | undefined;
  beforeEach(async () => {
    if (client !== undefined) return;
    const connecting = new pg.Client({ connectionString: databaseUrl() });
    await connecting.connect();
    client = connecting;
  });
  afterAll(async () => {
    await client?.end();
  });
  return () => {
    if (client === undefined) throw new Error('adminClient() is for use inside a test');
    return client;
  };
}
