/**
 * The in-memory store's audit log: an array where entry `seq` sits at index `seq - 1`, so the
 * audit tail's "entries after my cursor" starts where it left off instead of at the beginning,
 * plus per-request, per-principal and per-kind lists (each in `seq` order) so that a query by
 * any of those reads only the entries it returns. A query by time alone still reads from its
 * cursor on, since entries' clocks need not increase with `seq`.
 */
import type { AuditEntry, AuditFilter } from './model.js';

/**
 * Append-only entries with the lists that serve `AuditFilter`.
 *
 * @example
 * ```ts
 * const log = new MemoryAuditLog();
 * log.push(chainEntries(0, GENESIS_HASH, inputs));
 * log.query({ requestId: 'req_1' });
 * ```
 */
export class MemoryAuditLog {
  readonly #entries: AuditEntry[] = [];
  readonly #byRequest = new Map<string, AuditEntry[]>();
  readonly #byPrincipal = new Map<string, AuditEntry[]>();
  readonly #byKind = new Map<string, AuditEntry[]>();

  /** The last entry's number and hash, if any. */
  head(): { readonly seq: number; readonly hash: string } | undefined {
    return this.#entries[this.#entries.length - 1];
  }

  /** Appends entries numbered right after the head. */
  push(entries: readonly AuditEntry[]): void {
    for (const e of entries) {
      this.#entries.push(e);
      if (e.requestId !== null) listOf(this.#byRequest, e.requestId).push(e);
      listOf(this.#byPrincipal, e.actor).push(e);
      if (e.subject !== null && e.subject !== e.actor) listOf(this.#byPrincipal, e.subject).push(e);
      listOf(this.#byKind, e.kind).push(e);
    }
  }

  /** Entries matching `filter`, in `seq` order, read from the narrowest list that serves it. */
  query(filter: AuditFilter): AuditEntry[] {
    const list =
      filter.requestId !== undefined
        ? (this.#byRequest.get(filter.requestId) ?? [])
        : filter.principal !== undefined
          ? (this.#byPrincipal.get(filter.principal) ?? [])
          : filter.kind !== undefined
            ? (this.#byKind.get(filter.kind) ?? [])
            : this.#entries;
    const after = filter.afterSeq ?? 0;
    const out: AuditEntry[] = [];
    const limit = filter.limit ?? Infinity;
    if (limit <= 0) return out;
    for (let i = firstAfter(list, after); i < list.length; i++) {
      const e = list[i] as AuditEntry;
      if (filter.since !== undefined && e.at < filter.since) continue;
      if (filter.until !== undefined && e.at >= filter.until) continue;
      if (filter.requestId !== undefined && e.requestId !== filter.requestId) continue;
      if (
        filter.principal !== undefined &&
        e.actor !== filter.principal &&
        e.subject !== filter.principal
      )
        continue;
      if (filter.kind !== undefined && e.kind !== filter.kind) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }
}

function listOf(map: Map<string, AuditEntry[]>, key: string): AuditEntry[] {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  return list;
}

/** The index of the first entry of `list` (in `seq` order) whose `seq` is above `seq`. */
function firstAfter(list: readonly AuditEntry[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as AuditEntry).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
