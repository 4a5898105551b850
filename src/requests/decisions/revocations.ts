/**
 * The Delegator's view of the revocations in its store: a `RevocationSource` that verifiers in
 * this process use (`delegator.revocations()`, the runner's `revocations` option) and that the
 * Delegator itself checks every token against. It loads the store's revocations when the
 * Delegator opens, adds the Delegator's own at once (`add`), and reads what other processes
 * sharing the store revoked every `intervalMs` (1 s by default): that is the bound on how long
 * another process's revocation takes to reach this one. A store that announces other writers'
 * commits (`watch`, PostgreSQL) also has it read as soon as one appends a `revoke` entry.
 * `completeAt` is when the last read began.
 */
import { RevocationList } from '../../delegation/index.js';
import type { RequestStore } from '../store/store.js';

/** Revocations read from the store in one query, at most. */
const PAGE = 1000;

export class StoreRevocations extends RevocationList {
  readonly #store: RequestStore;
  readonly #now: () => Date;
  readonly #onError: (err: unknown) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unwatch: (() => void) | undefined;
  #refreshing: Promise<void> | undefined;
  #again = false;

  constructor(
    store: RequestStore,
    options: { readonly now: () => Date; readonly onError?: (err: unknown) => void },
  ) {
    super();
    this.#store = store;
    this.#now = options.now;
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Reads every revocation stored after the last one read; then the view is complete as of the
   * moment the read began. A call made while a read runs shares it, and one more read follows
   * it (which began after the call), so a revocation committed before the call is never missed.
   */
  refresh(): Promise<void> {
    if (this.#refreshing !== undefined) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#again = false;
        await this.#read();
      } while (this.#again);
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Reads now, then every `intervalMs` (a timer that does not keep the process alive) and on
   * every announced revocation; 0 reads only now.
   */
  async start(intervalMs: number): Promise<void> {
    await this.refresh();
    if (intervalMs > 0) {
      this.#timer = setInterval(() => void this.refresh().catch(this.#onError), intervalMs);
      this.#timer.unref();
      this.#unwatch = this.#store.watch?.((change) => {
        if (change.kinds === undefined || change.kinds.includes('revoke'))
          void this.refresh().catch(this.#onError);
      });
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unwatch?.();
    this.#unwatch = undefined;
  }

  async #read(): Promise<void> {
    const began = this.#now().getTime();
    for (;;) {
      const page = await this.#store.revocationsSince(this.cursor, PAGE);
      this.add(page);
      if (page.length < PAGE) break;
    }
    this.markComplete(began);
  }
}
