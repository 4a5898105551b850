/**
 * A grantor's live feed of requests (`delegator.subscribe`). It follows the audit log for
 * `request` entries (new requests) and `reopen` entries (requests that came back after an
 * escalation) addressed to the grantor, from this process or any other sharing the store, and
 * yields each one that is still pending when read, with the verdict against the grantor's
 * authority. The listener is registered at once, before the grantor's token is even verified,
 * so nothing that arrives right after `subscribe` returns is missed; entries are handled in
 * order, one at a time. A store out of reach while an entry is handled delays the feed (the
 * read is tried again) rather than ending it.
 */
import type { Actor } from '../decisions/authority.js';
import { RequestStoreUnavailableError } from '../errors.js';
import type { AuditEntry, RequestRecord } from '../store/model.js';
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

/** One request in a grantor's feed, with the audit entry (`seq`) that put it there. */
export interface InboxEvent {
  /** The audit log position of the `request` or `reopen` entry: a cursor to resume after. */
  readonly seq: number;
  readonly item: InboxItem;
}

/**
 * The feed of new pending requests for the grantor `authenticated` resolves to. With
 * `afterSeq` (a `seq` from an earlier event, or the audit head read before an inbox snapshot),
 * the entries after it that are already in the log are read first, so a consumer that
 * reconnects loses nothing and sees nothing twice. Ends with that promise's error if it
 * rejects, when `signal` aborts, when the consumer stops, or when the Delegator closes.
 *
 * @example
 * ```ts
 * for await (const { seq, item } of subscribeInbox(context, Promise.resolve(OWNER))) console.log(seq, item.id);
 * ```
 */
export function subscribeInbox(
  context: SubscriptionContext,
  authenticated: Promise<Actor>,
  options: { readonly signal?: AbortSignal; readonly afterSeq?: number } = {},
): AsyncIterableIterator<InboxEvent> {
  let chain: Promise<unknown> = authenticated.catch(() => undefined);
  const handle = (entry: AuditEntry): void => {
    if ((entry.kind !== 'request' && entry.kind !== 'reopen') || entry.requestId === null) return;
    const id = entry.requestId;
    chain = chain
      .then(async () => {
        const actor = await authenticated;
        if (entry.subject !== actor.name) return;
        const record = await whileUnavailable(() => context.store.getRequest(id), ended);
        if (record !== undefined && record.status === 'pending' && context.accepts(record, actor))
          queue.push({ seq: entry.seq, item: context.view(record, actor) });
      })
      .catch((err: unknown) => queue.fail(err));
  };
  const live = context.tail.cursor;
  const afterSeq = options.afterSeq;
  if (afterSeq !== undefined && afterSeq < live) {
    // The entries already dispatched before this subscription, read from the log in order
    // before any live one (the chain keeps them in order).
    chain = chain
      .then(async () => {
        for (const entry of await whileUnavailable(
          () => context.store.queryAudit({ afterSeq }),
          ended,
        )) {
          if (entry.seq > live) break;
          handle(entry);
        }
      })
      .catch((err: unknown) => queue.fail(err));
  }
  const stop = context.tail.listen(
    handle,
    afterSeq !== undefined && afterSeq > live ? afterSeq : live,
  );
  const close = (): void => queue.close();
  let closed = false;
  const ended = (): boolean => closed;
  const queue = new EventQueue<InboxEvent>({
    signal: options.signal,
    onClose: () => {
      closed = true;
      stop();
      context.closers.delete(close);
    },
  });
  context.closers.add(close);
  authenticated.catch((err: unknown) => queue.fail(err));
  return queue;
}

/** How soon a feed reads again after the store was out of reach. */
const UNAVAILABLE_RETRY_MS = 500;

/**
 * `read()`, tried again every half second while the store is out of reach (a database
 * restarting) and the feed has not ended: the entry being handled will not be dispatched again,
 * so giving up would lose it from the feed.
 */
async function whileUnavailable<T>(read: () => Promise<T>, ended: () => boolean): Promise<T> {
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof RequestStoreUnavailableError) || ended()) throw err;
      await new Promise((resolve) => setTimeout(resolve, UNAVAILABLE_RETRY_MS).unref());
    }
  }
}
