/**
 * The PostgreSQL store's writes, committed in batches. Every write transaction first locks the
 * schema's `meta` row, so writes run one at a time across all instances (the audit chain needs
 * its appends in order, and with the lock held no compare-and-set can read a row another write
 * is about to change). A lock held through COMMIT includes the WAL flush, so one write per
 * transaction would cap every instance together at one write per flush (about 1 ms on a local
 * SSD, far more on network storage). So the writes that queue up while a transaction runs go
 * together into the next one: each step runs after the one before, in order, seeing its
 * effects exactly as if it had its own transaction, and all commit with one flush — PostgreSQL's
 * own group commit cannot help here, since the lock serializes the commits. A step that fails
 * rolls back the whole transaction: it is rejected, and the others run again without it (each
 * is a fresh run of the core's step, whose callbacks are pure). A connection that breaks before
 * COMMIT was sent cannot have committed anything: the batch runs again on a fresh connection,
 * twice at most. One whose COMMIT got no answer may have committed: its steps are rejected as
 * unavailable, and the compare-and-set makes a retried decision safe (it answers "not pending").
 */
import type pg from 'pg';
import { RequestStoreError } from '../errors.js';
import { runAsync, type RequestTables, type Step } from './_core.js';
import { isUnavailable, storeFailure } from './_postgres-connection.js';
import { PG } from './_postgres-sql.js';
import { postgresTables, type AuditHead } from './_postgres-tables.js';

/** Steps in one transaction, at most: bounds how long one batch holds the lock. */
const MAX_BATCH = 64;

/** Attempts of a batch whose connection broke before its COMMIT was sent. */
const ATTEMPTS = 3;

interface Job {
  readonly step: (tables: RequestTables) => Step<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** A step failed on its own (not the connection): the transaction is rolled back for it. */
class StepFailed {
  constructor(
    readonly job: Job,
    readonly error: unknown,
  ) {}
}

/**
 * Runs core steps in write transactions on `pool`, batching those that queue up.
 *
 * @example
 * ```ts
 * const writes = new WriteBatches(pool, 1, () => closed);
 * const record = await writes.run((t) => transitionStep(t, input));
 * ```
 */
export class WriteBatches {
  readonly #pool: pg.Pool;
  readonly #version: number;
  readonly #closed: () => boolean;
  readonly #queue: Job[] = [];
  #busy = false;

  constructor(pool: pg.Pool, schemaVersion: number, closed: () => boolean) {
    this.#pool = pool;
    this.#version = schemaVersion;
    this.#closed = closed;
  }

  /** Runs `step` in the next write transaction; settles once that transaction has committed. */
  run<T>(step: (tables: RequestTables) => Step<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ step, resolve: resolve as (value: unknown) => void, reject });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      while (this.#queue.length > 0) await this.#commit(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#busy = false;
    }
  }

  /** Commits `batch`, settling every job of it. */
  async #commit(batch: Job[]): Promise<void> {
    let jobs = batch;
    for (let attempt = 1; jobs.length > 0;) {
      const outcome = await this.#attempt(jobs);
      if (outcome === 'committed') return;
      if (outcome instanceof StepFailed) {
        outcome.job.reject(outcome.error);
        jobs = jobs.filter((job) => job !== outcome.job);
        continue;
      }
      const { error, retry } = outcome;
      if (retry && attempt < ATTEMPTS && !this.#closed()) {
        attempt += 1;
        continue;
      }
      for (const job of jobs) job.reject(error);
      return;
    }
  }

  /** One transaction over `jobs`: committed (and settled), or why not. */
  async #attempt(
    jobs: readonly Job[],
  ): Promise<'committed' | StepFailed | { readonly error: unknown; readonly retry: boolean }> {
    let client: pg.PoolClient | undefined;
    let committing = false;
    try {
      client = await this.#pool.connect();
      const tables = postgresTables(client, await this.#begin(client));
      const results: unknown[] = [];
      for (const job of jobs) {
        try {
          results.push(await runAsync(job.step(tables)));
          await tables.flush();
        } catch (err) {
          if (isUnavailable(err)) throw err;
          await rollback(client);
          client = undefined;
          return new StepFailed(job, storeFailure(err));
        }
      }
      committing = true;
      await client.query('COMMIT');
      client.release();
      jobs.forEach((job, i) => job.resolve(results[i]));
      return 'committed';
    } catch (err) {
      const broken = isUnavailable(err);
      if (client !== undefined) {
        if (broken) client.release(err as Error);
        else await rollback(client);
      }
      return { error: storeFailure(err), retry: broken && !committing };
    }
  }

  /**
   * BEGIN, the write lock, and the check that the schema is still the one this library writes;
   * answers the audit log's head, read under the lock.
   */
  async #begin(client: pg.PoolClient): Promise<AuditHead> {
    const [, lock, head] = (await client.query(PG.beginWrite)) as unknown as [
      pg.QueryResult,
      pg.QueryResult<{ schema_version: number }>,
      pg.QueryResult<{ seq: number; hash: string }>,
    ];
    const version = lock.rows[0]?.schema_version;
    if (version !== this.#version)
      throw new RequestStoreError(
        `the store's schema is at version ${String(version)}, this library writes ${this.#version}; upgrade mandate`,
      );
    const [last] = head.rows;
    return last === undefined ? undefined : { seq: last.seq, hash: last.hash };
  }
}

/** Ends a failed transaction and returns the connection (or drops it, if even that fails). */
async function rollback(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (err) {
    client.release(err as Error);
  }
}
