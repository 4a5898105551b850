/**
 * Waiting for a request's answer (`awaitResponse`). The waiter listens to the audit tail for
 * entries about its request, so a decision made in this process wakes it at once and one made
 * by another process sharing the store wakes it at the next watch tick; a timer set for the
 * request's expiry makes sure it also ends when nobody decides (the expiry is then written by
 * whichever process notices first). Each wake re-reads the request from the store, so a
 * spurious or duplicate wake is harmless. The listener is registered before the first read,
 * so no decision can slip between the two. A store out of reach when the wait begins fails it
 * (`RequestStoreUnavailableError`); one out of reach during the wait only delays it: the wait
 * looks again every half second until the store answers.
 */
import type { PermissionOutcome } from '../../tools/broker.js';
import { RequestStoreError, RequestStoreUnavailableError } from '../errors.js';
import type { Lifecycle } from '../decisions/lifecycle.js';
import type { RequestRecord } from '../store/model.js';
import type { AuditTail } from './notify.js';
import type { RequestStore } from '../store/store.js';
import { outcomeView } from './views.js';

/** What a waiter needs from its Delegator. */
export interface WaiterContext {
  readonly store: RequestStore;
  readonly tail: AuditTail;
  readonly lifecycle: Lifecycle;
  readonly now: () => Date;
  /** Called by the Delegator's `close()`: each waiter rejects. */
  readonly closers: Set<() => void>;
  /** Whether the Delegator is closed already. */
  readonly closed: () => boolean;
}

/** Longest delay `setTimeout` accepts. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** How soon a wait looks again after the store was out of reach. */
const UNAVAILABLE_RETRY_MS = 500;

/**
 * Resolves with the request's final outcome, or rejects with the signal's reason, with
 * `RequestNotFoundError`, or with `RequestStoreError` when the Delegator closes first.
 *
 * @example
 * ```ts
 * const outcome = await awaitOutcome(context, ticket.id, AbortSignal.timeout(60_000));
 * ```
 */
export async function awaitOutcome(
  context: WaiterContext,
  id: string,
  signal?: AbortSignal,
): Promise<PermissionOutcome> {
  signal?.throwIfAborted();
  const after = await context.store.lastAuditSeq();
  const first = await context.lifecycle.load(id);
  if (first.outcome !== null) return outcomeView(first.outcome);
  return new Promise<PermissionOutcome>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let checking = false;
    let again = false;
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      stop();
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      context.closers.delete(onClose);
      fn();
    };
    // The caller gets its abort signal's own reason, whatever its type.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const onAbort = (): void => settle(() => reject(signal?.reason));
    const onClose = (): void =>
      settle(() => reject(new RequestStoreError('the delegator was closed while waiting')));
    const arm = (record: RequestRecord): void => {
      if (timer !== undefined) clearTimeout(timer);
      const delay = Math.min(
        Math.max(0, record.expiresAt - context.now().getTime()) + 1,
        MAX_DELAY_MS,
      );
      timer = setTimeout(() => void check(), delay);
    };
    const check = async (): Promise<void> => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const record = await context.lifecycle.load(id);
          const outcome = record.outcome;
          if (outcome !== null) {
            settle(() => resolve(outcomeView(outcome)));
            return;
          }
          if (!settled) arm(record);
        } while (again && !settled);
      } catch (err) {
        if (err instanceof RequestStoreUnavailableError && !settled) {
          // The store is out of reach for now (a database restarting): the entry that woke this
          // check will not come again, so look again shortly rather than give up the wait.
          if (timer !== undefined) clearTimeout(timer);
          timer = setTimeout(() => void check(), UNAVAILABLE_RETRY_MS);
          return;
        }
        // Any other store or lookup error passes through unchanged.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        settle(() => reject(err));
      } finally {
        checking = false;
      }
    };
    const stop = context.tail.listen((entry) => {
      if (entry.requestId === id) void check();
    }, after);
    signal?.addEventListener('abort', onAbort, { once: true });
    context.closers.add(onClose);
    // Either may have happened while the first read was in flight.
    if (signal?.aborted === true) return onAbort();
    if (context.closed()) return onClose();
    arm(first);
    void check();
  });
}
