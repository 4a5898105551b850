/**
 * The slow suites' global setup for PostgreSQL: one throwaway database per test run, created
 * through the server named by `MANDATE_TEST_PG_URL` (default: the local socket in
 * /var/run/postgresql, as the operating system's user, which `.ci/run` makes a PostgreSQL role
 * with CREATEDB) and dropped when the run ends. The suites learn its URL with
 * `inject('postgres')`; when the server cannot be reached they learn why instead, and every
 * PostgreSQL test fails with that message (see `_database.ts`): nothing is skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { redactUrl } from '../../src/requests/index.js';
import { ADMIN_URL, type PostgresTarget } from './_database.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `mandate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  admin.on('error', () => undefined);
  let target: PostgresTarget;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    target = { url: url.toString() };
  } catch (err) {
    target = {
      error:
        `PostgreSQL is not reachable at ${redactUrl(ADMIN_URL)} (${(err as Error).message}). ` +
        'Start it with .ci/run (which runs pg_ctlcluster --skip-systemctl-redirect 15 main start and creates ' +
        'a role for your user), or point MANDATE_TEST_PG_URL at a server where you may CREATE DATABASE.',
    };
  } finally {
    await admin.end().catch(() => undefined);
  }
  project.provide('postgres', target);
  return async () => {
    if (!('url' in target)) return;
    const drop = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
    drop.on('error', () => undefined);
    try {
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await drop.end().catch(() => undefined);
    }
  };
}
