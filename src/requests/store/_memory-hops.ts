/**
 * The in-memory store's delegation tree and revocations: hops by id with an index from each
 * prefix id to the hops derived from it, and revocations in order with an index by target.
 */
import type { HopFilter, HopRecord, Revocation } from './model.js';

export class MemoryHops {
  readonly #hops = new Map<string, HopRecord>();
  readonly #byPrefix = new Map<string, string[]>();
  readonly #revocations: Revocation[] = [];
  readonly #byTarget = new Map<string, Revocation>();

  insertHops(hops: readonly HopRecord[]): void {
    for (const hop of hops) {
      if (this.#hops.has(hop.id)) continue;
      this.#hops.set(
        hop.id,
        Object.freeze({
          ...hop,
          place: Object.freeze([...hop.place]),
          conditions: Object.freeze([...hop.conditions]),
          prefixes: Object.freeze([...hop.prefixes]),
        }),
      );
      for (const prefix of new Set(hop.prefixes)) {
        const list = this.#byPrefix.get(prefix);
        if (list === undefined) this.#byPrefix.set(prefix, [hop.id]);
        else list.push(hop.id);
      }
    }
  }

  listHops(filter: HopFilter): HopRecord[] {
    let ids: Iterable<string> = this.#hops.keys();
    if (filter.derivedFrom !== undefined) {
      const found = new Set<string>();
      for (const prefix of filter.derivedFrom)
        for (const id of this.#byPrefix.get(prefix) ?? []) found.add(id);
      ids = [...this.#hops.keys()].filter((id) => found.has(id));
    }
    const via = filter.via === undefined ? undefined : new Set(filter.via);
    const only = filter.ids === undefined ? undefined : new Set(filter.ids);
    const out: HopRecord[] = [];
    for (const id of ids) {
      const hop = this.#hops.get(id) as HopRecord;
      if (filter.grantee !== undefined && hop.grantee !== filter.grantee) continue;
      if (via !== undefined && (hop.via === null || !via.has(hop.via))) continue;
      if (only !== undefined && !only.has(hop.id)) continue;
      out.push(hop);
    }
    return out;
  }

  findRevocation(kind: Revocation['kind'], target: string): Revocation | undefined {
    return this.#byTarget.get(`${kind}:${target}`);
  }

  revocationHead(): number {
    return this.#revocations.at(-1)?.seq ?? 0;
  }

  insertRevocation(revocation: Revocation): void {
    const frozen = Object.freeze({ ...revocation });
    this.#revocations.push(frozen);
    this.#byTarget.set(`${revocation.kind}:${revocation.target}`, frozen);
  }

  revocationsSince(cursor: number, limit: number): Revocation[] {
    // Revocations are numbered 1, 2, 3 … in order, so the one after `cursor` sits at `cursor`.
    return this.#revocations.slice(Math.max(0, cursor), Math.max(0, cursor) + limit);
  }
}
