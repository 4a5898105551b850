/**
 * A grantor's inbox: the open requests addressed to it (by name and by place in the
 * requester's chain), oldest first, each expired first if its time is up, and each with the
 * algebra's verdict on approving it as asked against the grantor's own authority, and the
 * approval's effect.
 */
import type { Actor } from '../decisions/authority.js';
import type { Lifecycle } from '../decisions/lifecycle.js';
import type { RequestRecord } from '../store/model.js';
import { isOpen } from '../store/state.js';
import type { RequestStore } from '../store/store.js';
import { approvalPreview } from './preview.js';
import { requestView, type InboxItem, type PermissionRequestView } from './views.js';

/** What the inbox reads from its Delegator. */
export interface InboxContext {
  readonly store: RequestStore;
  readonly lifecycle: Lifecycle;
  readonly now: () => Date;
}

/**
 * The open requests addressed to `actor`, oldest first.
 *
 * @example
 * ```ts
 * for (const item of await listInbox({ store, lifecycle, now }, OWNER)) console.log(item.id, item.verdict);
 * ```
 */
export async function listInbox(context: InboxContext, actor: Actor): Promise<InboxItem[]> {
  const records = await context.store.listRequests({
    grantor: actor.name,
    status: ['pending', 'escalated'],
  });
  const items: InboxItem[] = [];
  for (const record of records) {
    if (!context.lifecycle.isAddressedTo(record, actor)) continue;
    const current = await context.lifecycle.refresh(record);
    if (isOpen(current.status)) items.push(inboxItem(context, current, actor));
  }
  return items;
}

/**
 * One request as its grantor `actor` sees it: the public view plus the verdict against the
 * grantor's authority now.
 *
 * @example
 * ```ts
 * const item = inboxItem({ store, lifecycle, now }, record, OWNER);
 * ```
 */
export function inboxItem(context: InboxContext, record: RequestRecord, actor: Actor): InboxItem {
  const view = requestView(record, context.lifecycle.requesterIfValid(record));
  return { ...view, ...approvalPreview(context.lifecycle, record, actor) };
}

/**
 * The public view of a request, with the chain of its requester's token when that still
 * verifies (a token under a retired key shows no chain).
 *
 * @example
 * ```ts
 * const view = viewOf(lifecycle, await lifecycle.load(id));
 * ```
 */
export function viewOf(lifecycle: Lifecycle, record: RequestRecord): PermissionRequestView {
  return requestView(record, lifecycle.requesterIfValid(record));
}
