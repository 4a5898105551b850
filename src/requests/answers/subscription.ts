/**
 * A grantor's live feed of requests (`delegator.subscribe`). It follows the audit log for
 * `request` entries (new requests) and `reopen` entries (requests that came back after an
 * escalation) addressed to the grantor, from this process or any other sharing the store, and
 * yields each one that is still pending when read, with the verdict against the grantor's
 * authority. The listener is registered at once, before the grantor's token is even verified,
 * so nothing that arrives right after `subscribe` returns is missed; entries are handled in
 * order, one at a time.
 */
import type { Actor } from '../decisions/authority.js';
import type { RequestRecord } from '../store/model.js';
import { EventQueue, type AuditTail } from './notify.js';
import type { RequestStore } from '../store/store.js';
import type { InboxItem } from './views.js';

/** What a subscription needs from its Delegator. */
export interface SubscriptionContext {
  readonly store: RequestStore;
  readonly tail: AuditTail;
  /** Called by the Delegator's `close()`: each subscription ends. */
  readonly closers: Set<() => void>;
  readonly view: (record: RequestRecord, actor: Actor) => InboxItem;
  /** Whether `actor` is the grantor `record` is addressed to (name and place in the tree). */
  readonly accepts: (record: RequestRecord, actor: Actor) => boolean;
}

/**
 * The feed of new pending requests for the grantor `authenticated` resolves to. Ends with
 * that promise's error if it rejects, when `signal` aborts, when the consumer stops, or when the
 * Delegator closes.
 *
 * @example
 * ```ts
 * for await (const item of subscribeInbox(context, Promise.resolve(OWNER))) console.log(item.id);
 * ```
 */
export function subscribeInbox(
  context: SubscriptionContext,
  authenticated: Promise<Actor>,
  signal?: AbortSignal,
): AsyncIterableIterator<InboxItem> {
  let chain: Promise<unknown> = authenticated.catch(() => undefined);
  const stop = context.tail.listen((entry) => {
    if ((entry.kind !== 'request' && entry.kind !== 'reopen') || entry.requestId === null) return;
    const id = entry.requestId;
    chain = chain
      .then(async () => {
        const actor = await authenticated;
        if (entry.subject !== actor.name) return;
        const record = await context.store.getRequest(id);
        if (record !== undefined && record.status === 'pending' && context.accepts(record, actor))
          queue.push(context.view(record, actor));
      })
      .catch((err: unknown) => queue.fail(err));
  }, context.tail.cursor);
  const close = (): void => queue.close();
  const queue = new EventQueue<InboxItem>({
    signal,
    onClose: () => {
      stop();
      context.closers.delete(close);
    },
  });
  context.closers.add(close);
  authenticated.catch((err: unknown) => queue.fail(err));
  return queue;
}
