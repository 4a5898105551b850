/**
 * The in-memory store's request table and its indexes, so that what a decision asks costs what
 * it finds rather than what is stored: open requests by idempotency key, by grantor (an inbox,
 * a new policy's sweep) and by expiry (the sweep), and every request by the request it was
 * escalated to (settling and withdrawing escalations). Before these, an agent's approval with
 * 10,000 requests stored spent most of its 2 ms scanning them all. A filter no index serves (a
 * requester's history, final statuses) still scans, oldest first like every answer.
 */
import type { RequestFilter, RequestRecord } from './model.js';
import { isOpen } from './state.js';

/**
 * Requests keyed by id, with the indexes a `RequestFilter` may use.
 *
 * @example
 * ```ts
 * const requests = new MemoryRequests();
 * requests.insert(record);
 * requests.list({ grantor: 'planner', status: ['pending', 'escalated'] });
 * ```
 */
export class MemoryRequests {
  readonly #records = new Map<string, RequestRecord>();
  /** Insertion number of each request: the tie-break of "oldest first", like SQLite's rowid. */
  readonly #order = new Map<string, number>();
  readonly #openByKey = new Map<string, string>();
  readonly #openByGrantor = new Map<string, Set<string>>();
  readonly #openByExpiry = new ExpiryIndex();
  readonly #byLink = new Map<string, Set<string>>();

  get(id: string): RequestRecord | undefined {
    return this.#records.get(id);
  }

  /** The open request with this idempotency key, if any. */
  findOpen(idempotencyKey: string): RequestRecord | undefined {
    const id = this.#openByKey.get(idempotencyKey);
    return id === undefined ? undefined : this.#records.get(id);
  }

  /** Adds a frozen record; a `RangeError` if its id exists. */
  insert(record: RequestRecord): void {
    if (this.#records.has(record.id)) throw new RangeError(`request ${record.id} already exists`);
    this.#records.set(record.id, record);
    this.#order.set(record.id, this.#order.size);
    this.#index(undefined, record);
  }

  /** Replaces `before` by `after` (same id), moving it between indexes as needed. */
  update(before: RequestRecord, after: RequestRecord): void {
    this.#records.set(after.id, after);
    this.#index(before, after);
  }

  /** Matching requests, oldest first, from the narrowest index that serves the filter. */
  list(filter: RequestFilter): RequestRecord[] {
    const out: RequestRecord[] = [];
    for (const id of this.#candidates(filter)) {
      const r = this.#records.get(id);
      if (r !== undefined && matches(r, filter)) out.push(r);
    }
    out.sort(
      (a, b) =>
        a.createdAt - b.createdAt || (this.#order.get(a.id) ?? 0) - (this.#order.get(b.id) ?? 0),
    );
    return filter.limit === undefined ? out : out.slice(0, filter.limit);
  }

  #candidates(filter: RequestFilter): Iterable<string> {
    if (filter.escalatedTo !== undefined) return this.#byLink.get(filter.escalatedTo) ?? [];
    if (filter.status === undefined || !filter.status.every(isOpen)) return this.#records.keys();
    if (filter.grantor !== undefined) return this.#openByGrantor.get(filter.grantor) ?? [];
    return this.#openByExpiry.upTo(filter.expiresBy ?? Infinity);
  }

  #index(before: RequestRecord | undefined, after: RequestRecord): void {
    const wasOpen = before !== undefined && isOpen(before.status);
    const moved =
      before === undefined ||
      wasOpen !== isOpen(after.status) ||
      before.grantor !== after.grantor ||
      before.expiresAt !== after.expiresAt ||
      before.idempotencyKey !== after.idempotencyKey;
    if (moved && wasOpen) {
      if (this.#openByKey.get(before.idempotencyKey) === before.id)
        this.#openByKey.delete(before.idempotencyKey);
      removeFrom(this.#openByGrantor, before.grantor, before.id);
      this.#openByExpiry.remove(before.expiresAt, this.#order.get(before.id) ?? 0);
    }
    if (moved && isOpen(after.status)) {
      this.#openByKey.set(after.idempotencyKey, after.id);
      addTo(this.#openByGrantor, after.grantor, after.id);
      this.#openByExpiry.add(after.expiresAt, this.#order.get(after.id) ?? 0, after.id);
    }
    const from = before?.escalation?.linkedId;
    const to = after.escalation?.linkedId;
    if (from !== to) {
      if (from !== undefined) removeFrom(this.#byLink, from, after.id);
      if (to !== undefined) addTo(this.#byLink, to, after.id);
    }
  }
}

function matches(r: RequestRecord, filter: RequestFilter): boolean {
  return (
    (filter.grantor === undefined || r.grantor === filter.grantor) &&
    (filter.requester === undefined || r.requester === filter.requester) &&
    (filter.status === undefined || filter.status.includes(r.status)) &&
    (filter.escalatedTo === undefined || r.escalation?.linkedId === filter.escalatedTo) &&
    (filter.expiresBy === undefined || r.expiresAt <= filter.expiresBy)
  );
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([id]));
  else set.add(id);
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

/**
 * Open requests sorted by (expiry, insertion number). A sorted array with binary search: its
 * splice moves pointers (microseconds at 10,000 entries) and its range read costs only what it
 * returns, which is what the sweep needs.
 */
class ExpiryIndex {
  readonly #entries: { readonly at: number; readonly order: number; readonly id: string }[] = [];

  add(at: number, order: number, id: string): void {
    this.#entries.splice(this.#lowerBound(at, order), 0, { at, order, id });
  }

  remove(at: number, order: number): void {
    const i = this.#lowerBound(at, order);
    const e = this.#entries[i];
    if (e !== undefined && e.at === at && e.order === order) this.#entries.splice(i, 1);
  }

  /** Ids of the entries expiring at or before `at`, soonest first. */
  *upTo(at: number): Generator<string> {
    for (const e of this.#entries) {
      if (e.at > at) return;
      yield e.id;
    }
  }

  /** The first position whose entry is not before (at, order). */
  #lowerBound(at: number, order: number): number {
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.#entries[mid] as { at: number; order: number };
      if (e.at < at || (e.at === at && e.order < order)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
