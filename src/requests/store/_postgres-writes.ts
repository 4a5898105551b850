/**
 * The PostgreSQL store's writes, committed in batches. Every write transaction first locks the
 * schema's `meta` row, so writes run one at a time across all instances (the audit chain needs
 * its appends in order, and with the lock held no compare-and-set can read a row another write
 * is about to change). A lock held through COMMIT includes the WAL flush, so one write per
 * transaction would cap every instance together at one write per flush (about 1 ms on a local
 * SSD, far more on network storage). So the writes that queue up while a transaction runs go
 * together into the next one: each step runs after the one before, in order, seeing its
 * effects exactly as if it had its own transaction, and all commit with one flush — PostgreSQL's
 * own group commit cannot help here, since the lock serializes the commits. And the lock is held
 * for as many turns of this process's event loop as the transaction waits for answers, each
 * turn as long as the HTTP work queued before it: `_postgres-tables.ts` keeps those to two
 * (the opening, which reads the requests the steps name in advance, and the COMMIT, sent
 * behind the last step's writes). A step that fails
 * rolls back the whole transaction: it is rejected, and the others run again without it (each
 * is a fresh run of the core's step, whose callbacks are pure). A connection that breaks before
 * COMMIT was sent cannot have committed anything: the batch runs again on a fresh connection,
 * twice at most. One whose COMMIT got no answer may have committed: its steps are rejected as
 * unavailable, and the compare-and-set makes a retried decision safe (it answers "not pending").
 */
import type pg from 'pg';
import { runAsync, type RequestTables, type Step } from './_core.js';
import { isUnavailable, storeFailure } from './_postgres-connection.js';
import { Failure, postgresTables, type ReadAhead } from './_postgres-tables.js';

/** A step that reads no request, or none it can name in advance. */
const NOTHING_AHEAD: ReadAhead = { ids: [], keys: [] };

/** Steps in one transaction, at most: bounds how long one batch holds the lock. */
const MAX_BATCH = 64;

/** Attempts of a batch whose connection broke before its COMMIT was sent. */
const ATTEMPTS = 3;

interface Job {
  readonly step: (tables: RequestTables) => Step<unknown>;
  /** The requests the step will read (`_postgres-tables.ts`). */
  readonly ahead: ReadAhead;
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

  /**
   * Runs `step` in the next write transaction, reading the requests `ahead` names in its
   * opening; settles once that transaction has committed.
   */
  run<T>(step: (tables: RequestTables) => Step<T>, ahead: ReadAhead = NOTHING_AHEAD): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ step, ahead, resolve: resolve as (value: unknown) => void, reject });
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
      const tables = postgresTables(client, this.#version, {
        ids: [...new Set(jobs.flatMap((job) => job.ahead.ids))],
        keys: [...new Set(jobs.flatMap((job) => job.ahead.keys))],
      });
      const results: unknown[] = [];
      for (const [i, job] of jobs.entries()) {
        tables.sender = i;
        try {
          results.push(await runAsync(job.step(tables)));
        } catch (err) {
          throw await tables.blame(err);
        }
        tables.send();
      }
      // COMMIT goes out behind the last step's writes; were any of them to fail, it would end
      // the transaction as a ROLLBACK, so it counts only once every statement before it is answered.
      committing = true;
      const commit = client.query('COMMIT');
      commit.catch(() => undefined);
      await tables.settled();
      await commit;
      client.release();
      jobs.forEach((job, i) => job.resolve(results[i]));
      return 'committed';
    } catch (thrown) {
      const failure = thrown instanceof Failure ? thrown : undefined;
      const err = failure === undefined ? thrown : failure.error;
      const broken = isUnavailable(err);
      if (client !== undefined) {
        if (broken) client.release(err as Error);
        else await rollback(client);
      }
      const job = typeof failure?.sender === 'number' ? jobs[failure.sender] : undefined;
      if (job !== undefined && !broken) return new StepFailed(job, storeFailure(err));
      return { error: storeFailure(err), retry: broken && !committing };
    }
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
