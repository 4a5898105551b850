/**
 * A bounded map for the caches on the hot path (compiled caveats by text, verified chains by
 * token bytes, algebra automata), so memory stays flat however many distinct inputs arrive.
 *
 * Eviction is CLOCK ("second chance"), an approximation of least-recently-used: a hit only sets
 * a flag, where exact LRU order would delete and re-insert the entry on every hit. On the
 * authorization path that bookkeeping cost more than reading the caveats (measured: about
 * 300 ns per hit against about 20 ns for a plain `Map.get`). When the map is full, the oldest
 * entry is evicted unless it was used since it was last inspected, in which case it gets a
 * second chance at the back of the queue (for at most 8 entries per eviction, so that one `set`
 * costs a bounded amount). The size bound stays exact.
 */

/** Used entries given a second chance by one eviction, at most. */
const SECOND_CHANCES = 8;

interface Slot<V> {
  readonly value: V;
  used: boolean;
}

/** A map holding at most `max` entries; recently used ones survive eviction. */
export class BoundedCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, Slot<V>>();

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`max must be a positive integer, got ${max}`);
    }
    this.#max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) return undefined;
    slot.used = true;
    return slot.value;
  }

  set(key: K, value: V): void {
    if (this.#map.has(key)) this.#map.delete(key);
    else if (this.#map.size >= this.#max) this.#evictOne();
    this.#map.set(key, { value, used: false });
  }

  /** Removes every entry whose value matches. */
  deleteWhere(predicate: (value: V, key: K) => boolean): void {
    for (const [key, slot] of this.#map) if (predicate(slot.value, key)) this.#map.delete(key);
  }

  #evictOne(): void {
    // At most SECOND_CHANCES used entries are moved to the back before the oldest is evicted
    // whatever its flag: when every entry was used since its last inspection, a full sweep would
    // make one `set` cost the whole map (measured: milliseconds for 8,192 entries, on the call
    // that happened to fill the cache).
    for (let chances = SECOND_CHANCES; ; chances--) {
      const oldest = this.#map.entries().next();
      if (oldest.done) return;
      const [key, slot] = oldest.value;
      this.#map.delete(key);
      if (!slot.used || chances === 0) return;
      slot.used = false;
      this.#map.set(key, slot);
    }
  }
}
