/**
 * After a revocation: the open requests whose requester's token it now reaches can never be
 * approved, so they are cancelled (by `system`, saying why), and the requester waiting on one
 * learns at once rather than when it expires.
 */
import { RequestNotPendingError, RequestTokenError } from '../errors.js';
import type { RequestStore } from '../store/store.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * Cancels every open request whose requester's token a revocation reaches; returns how many.
 *
 * @example
 * ```ts
 * const cancelled = await cancelRevokedRequests(store, lifecycle);
 * ```
 */
export async function cancelRevokedRequests(
  store: RequestStore,
  lifecycle: Lifecycle,
): Promise<number> {
  let cancelled = 0;
  for (const record of await store.listRequests({ status: ['pending', 'escalated'] })) {
    let why: string | undefined;
    try {
      lifecycle.requester(record);
    } catch (err) {
      if (err instanceof RequestTokenError && err.problem === 'revoked') why = err.message;
      else if (!(err instanceof RequestTokenError)) throw err;
    }
    if (why === undefined) continue;
    try {
      await lifecycle.cancel(record, 'system', `the requester's token was revoked: ${why}`);
      cancelled++;
    } catch (err) {
      if (!(err instanceof RequestNotPendingError)) throw err;
    }
  }
  return cancelled;
}
