/**
 * Notifications: how a waiting requester learns of a decision and how a grantor learns of a
 * new request, in this process or in another one sharing the store. Every change the Delegator
 * makes is recorded in the audit log, so the log doubles as the event stream: an `AuditTail`
 * reads the entries after its cursor and hands them to listeners. A local write pumps the tail
 * at once (an in-process waiter wakes within the same tick of I/O). While anyone listens, a
 * store that announces other writers' commits (`watch`: PostgreSQL's LISTEN/NOTIFY) pumps it as
 * soon as they commit, and a timer pumps it every `intervalMs` whatever the store: that is how a
 * decision written by another process reaches this one when nothing announces it (SQLite), or
 * when an announcement was lost (NOTIFY is not durable). `EventQueue` turns pushed values into an async iterator that ends on
 * `return()`, on close, or when its AbortSignal fires.
 */
import type { AuditEntry } from '../store/model.js';
import type { RequestStore } from '../store/store.js';

/** Receives each new audit entry once, in order. */
export type AuditListener = (entry: AuditEntry) => void;

/**
 * Follows a store's audit log from a cursor and dispatches new entries to listeners.
 *
 * @example
 * ```ts
 * const tail = new AuditTail(store, { intervalMs: 250 });
 * await tail.start();
 * const stop = tail.listen((e) => console.log(e.kind, e.requestId), await store.lastAuditSeq());
 * ```
 */
export class AuditTail {
  readonly #store: RequestStore;
  readonly #intervalMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #listeners = new Set<AuditListener>();
  #cursor = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unwatch: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    store: RequestStore,
    options: { readonly intervalMs: number; readonly onError?: (err: unknown) => void },
  ) {
    this.#store = store;
    this.#intervalMs = options.intervalMs;
    this.#onError = options.onError ?? (() => {});
  }

  /** The last entry dispatched (or the end of the log when started). */
  get cursor(): number {
    return this.#cursor;
  }

  /** Starts from the current end of the log: only later entries are dispatched. */
  async start(): Promise<void> {
    this.#cursor = await this.#store.lastAuditSeq();
  }

  /**
   * Adds a listener that receives the entries after `afterSeq` (read it with
   * `store.lastAuditSeq()` just before); returns the function that removes it.
   */
  listen(listener: AuditListener, afterSeq: number): () => void {
    if (this.#listeners.size === 0 && afterSeq > this.#cursor) this.#cursor = afterSeq;
    const filtered: AuditListener = (entry) => {
      if (entry.seq > afterSeq) listener(entry);
    };
    this.#listeners.add(filtered);
    this.#arm();
    return () => {
      this.#listeners.delete(filtered);
      this.#arm();
    };
  }

  /**
   * Reads and dispatches every entry after the cursor. Concurrent calls share one run, which
   * repeats until nothing new arrived while it ran, so an entry written before the call is
   * dispatched before the returned promise settles.
   */
  pump(): Promise<void> {
    if (this.#closed || this.#listeners.size === 0) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      do {
        this.#again = false;
        await this.#drain();
      } while (this.#again && !this.#closed);
    })();
    this.#running = run.finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the timer and drops every listener. */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#arm();
  }

  async #drain(): Promise<void> {
    let entries: AuditEntry[];
    try {
      entries = await this.#store.queryAudit({ afterSeq: this.#cursor, limit: 1000 });
    } catch (err) {
      this.#onError(err);
      return;
    }
    for (const entry of entries) {
      this.#cursor = entry.seq;
      for (const listener of [...this.#listeners]) {
        try {
          listener(entry);
        } catch (err) {
          this.#onError(err);
        }
      }
    }
    if (entries.length === 1000) this.#again = true;
  }

  #arm(): void {
    const listening = !this.#closed && this.#listeners.size > 0;
    if (listening && this.#unwatch === undefined && this.#store.watch !== undefined) {
      this.#unwatch = this.#store.watch((change) => {
        // An announcement of entries already dispatched (this process's own) needs no read.
        if (change.seq === 0 || change.seq > this.#cursor) void this.pump();
      });
    } else if (!listening && this.#unwatch !== undefined) {
      this.#unwatch();
      this.#unwatch = undefined;
    }
    const want = listening && this.#intervalMs > 0;
    if (want && this.#timer === undefined) {
      this.#timer = setInterval(() => void this.pump(), this.#intervalMs);
      this.#timer.unref();
    } else if (!want && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

/**
 * A queue that is also an async iterator: `push` values in, `for await` them out. It ends when
 * `close` is called, when the consumer breaks out of its loop, or when `signal` aborts (the
 * pending `next()` then rejects with the signal's reason).
 *
 * @example
 * ```ts
 * const queue = new EventQueue<number>({ onClose: stop });
 * queue.push(1);
 * for await (const n of queue) console.log(n);
 * ```
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #waiters: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }[] =
    [];
  readonly #onClose: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.#fail(this.#signal?.reason);
  #done = false;
  #error: { readonly reason: unknown } | undefined;

  constructor(
    options: { readonly signal?: AbortSignal | undefined; readonly onClose?: () => void } = {},
  ) {
    this.#onClose = options.onClose ?? (() => {});
    this.#signal = options.signal;
    if (this.#signal?.aborted === true) this.#fail(this.#signal.reason);
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Delivers a value to the next `next()` (or buffers it). Ignored once the queue ended. */
  push(value: T): void {
    if (this.#done) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value, done: false });
    else this.#buffer.push(value);
  }

  /** Ends the iteration; buffered values are still delivered first. */
  close(): void {
    if (this.#done) return;
    this.#finish();
    for (const w of this.#waiters.splice(0)) w.resolve({ value: undefined, done: true });
  }

  /** Ends the iteration with an error: the next `next()` rejects with `reason`. */
  fail(reason: unknown): void {
    this.#fail(reason);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#buffer.length > 0)
      return Promise.resolve({ value: this.#buffer.shift() as T, done: false });
    // The consumer gets the abort signal's own reason, whatever its type.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (this.#error !== undefined) return Promise.reject(this.#error.reason);
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #fail(reason: unknown): void {
    if (this.#done) return;
    this.#error = { reason };
    this.#buffer.length = 0;
    this.#finish();
    for (const w of this.#waiters.splice(0)) w.reject(reason);
  }

  #finish(): void {
    this.#done = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#onClose();
  }
}

/**
 * An iterator of `f` applied to each value of `source`; ending it ends `source`.
 *
 * @example
 * ```ts
 * const items = mapIterator(delegator.inboxEvents('owner'), (e) => e.item);
 * ```
 */
export function mapIterator<T, U>(
  source: AsyncIterableIterator<T>,
  f: (value: T) => U,
): AsyncIterableIterator<U> {
  const it: AsyncIterableIterator<U> = {
    async next() {
      const r = await source.next();
      return r.done === true
        ? { done: true, value: undefined }
        : { done: false, value: f(r.value) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
