/**
 * What the audit log says about the owner's root keys: which key ids were added (`key-add`) and
 * which were retired, and when (`key-retire`). A Delegator reads it once when it opens (two
 * indexed queries over a handful of entries) and notes its own rotations and retirements as it
 * makes them. It is what lets the Delegator tell a request whose token verified when it was
 * filed, under a key retired since, from any other token that fails to verify, and refuse to
 * be handed a key this store retired. A retirement made by another process after this one
 * opened is learnt when it opens again.
 */
import type { AuditInput } from './model.js';
import type { RequestStore } from './store.js';

/**
 * The root keys the log records as added and as retired.
 *
 * @example
 * ```ts
 * const keyLog = await KeyLog.read(store);
 * if (keyLog.retiredAt('k1') !== undefined) console.log('k1 was retired');
 * ```
 */
export class KeyLog {
  readonly #added = new Set<string>();
  readonly #retired = new Map<string, number>();

  /**
   * The key entries of `store`'s log.
   *
   * @example
   * ```ts
   * const keyLog = await KeyLog.read(store);
   * ```
   */
  static async read(store: Pick<RequestStore, 'queryAudit'>): Promise<KeyLog> {
    const log = new KeyLog();
    for (const kind of ['key-add', 'key-retire'] as const)
      for (const entry of await store.queryAudit({ kind })) log.note(entry);
    return log;
  }

  /** Takes in a `key-add` or `key-retire` entry (others are ignored). */
  note(entry: AuditInput): void {
    const keyId = entry.details['keyId'];
    if (typeof keyId !== 'string') return;
    if (entry.kind === 'key-add') this.#added.add(keyId);
    else if (entry.kind === 'key-retire' && !this.#retired.has(keyId))
      this.#retired.set(keyId, entry.at);
  }

  /** Whether the log records the key `id` as added. */
  wasAdded(id: string): boolean {
    return this.#added.has(id);
  }

  /** When the key `id` was retired (ms), or `undefined` when the log records no retirement. */
  retiredAt(id: string): number | undefined {
    return this.#retired.get(id);
  }
}
