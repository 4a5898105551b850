/**
 * The revocation feed: the store's revocations after a cursor, a page at a time, with the time
 * the read began. A page with `more: false` says the feed was complete as of then, which is what
 * a verifier elsewhere (a `RevocationList`) records as the freshness of its view.
 */
import type { RevocationFeedPage } from '../../delegation/index.js';
import type { RequestStore } from '../store/store.js';

/** The most revocations in one page. */
export const MAX_FEED_PAGE = 1000;

/**
 * One page of the feed after `cursor`, of at most `limit` revocations.
 *
 * @example
 * ```ts
 * const page = await feedPage(store, list.cursor, 500, new Date());
 * list.apply(page);
 * ```
 */
export async function feedPage(
  store: RequestStore,
  cursor: number,
  limit: number,
  now: Date,
): Promise<RevocationFeedPage> {
  if (!Number.isSafeInteger(cursor) || cursor < 0)
    throw new RangeError(`cursor must be a non-negative integer, got ${String(cursor)}`);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_FEED_PAGE)
    throw new RangeError(
      `limit must be an integer from 1 to ${MAX_FEED_PAGE}, got ${String(limit)}`,
    );
  const asOf = now.getTime();
  const read = await store.revocationsSince(cursor, limit + 1);
  const revocations = read.slice(0, limit);
  return {
    revocations,
    cursor: revocations.at(-1)?.seq ?? cursor,
    more: read.length > limit,
    asOf,
  };
}
