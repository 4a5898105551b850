/**
 * How a Delegator opens: on a SQLite file or a PostgreSQL database it then owns, on a caller's
 * store, or on a fresh in-memory store; with supplied or stored root keys; with its clock, and a tail that watches
 * the audit log for other processes' changes. A failed opening closes what it opened. Then how
 * its parts are wired: one lifecycle, and the context each answer (inbox, waiter, subscription,
 * standing policies) reads.
 */
import { assertObject, describe } from '../_assert.js';
import { inboxItem, type InboxContext } from './answers/inbox.js';
import { AuditTail } from './answers/notify.js';
import type { SubscriptionContext } from './answers/subscription.js';
import type { WaiterContext } from './answers/waiter.js';
import { Lifecycle } from './decisions/lifecycle.js';
import { StoreRevocations } from './decisions/revocations.js';
import type { DelegatorOptions, OpenOptions } from './options.js';
import { storedKeys, suppliedKeys, type KeyParts } from './root-keys.js';
import { KeyLog } from './store/key-log.js';
import type { PolicyContext } from './standing-policies.js';
import { createMemoryStore } from './store/memory-store.js';
import { openPostgresStore } from './store/postgres-store.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { RequestStore } from './store/store.js';

/** What a Delegator is made of once opened. */
export interface DelegatorParts extends KeyParts {
  /** Whether closing the Delegator closes the store (it opened it). */
  readonly ownsStore: boolean;
  readonly tail: AuditTail;
  readonly revocations: StoreRevocations;
}

/**
 * Opens the parts of `Delegator.open`: exactly one of `path` (a SQLite file), `url` (a
 * PostgreSQL database) and `store`.
 *
 * @example
 * ```ts
 * const parts = await openParts({ path: 'mandate.db' });
 * ```
 */
export async function openParts(options: OpenOptions): Promise<DelegatorParts> {
  assertObject(options, 'options');
  const given = [options.path, options.url, options.store].filter((o) => o !== undefined);
  if (given.length !== 1) {
    throw new TypeError(
      'options must have exactly one of path (a SQLite file), url (a postgres:// URL) and store',
    );
  }
  if (options.store !== undefined) return assemble(options.store, false, options);
  const store =
    options.url !== undefined
      ? await openPostgresStore(options.url, options.postgres)
      : openSqliteStore(options.path, options.sqlite);
  try {
    return await assemble(store, true, options);
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * The parts of `Delegator.inMemory`: a fresh in-memory store the Delegator owns.
 *
 * @example
 * ```ts
 * const parts = await inMemoryParts({ now: () => clock });
 * ```
 */
export async function inMemoryParts(options: DelegatorOptions): Promise<DelegatorParts> {
  assertObject(options, 'options');
  return assemble(createMemoryStore(), true, options);
}

async function assemble(
  store: RequestStore,
  ownsStore: boolean,
  options: DelegatorOptions,
): Promise<DelegatorParts> {
  const now = options.now ?? (() => new Date());
  if (typeof now !== 'function')
    throw new TypeError(`options.now must be a function, got ${describe(now)}`);
  const watch = options.watchIntervalMs ?? 250;
  if (!Number.isSafeInteger(watch) || watch < 0)
    throw new RangeError('options.watchIntervalMs must be a non-negative integer');
  const keyLog = await KeyLog.read(store);
  const keysStored = options.rootKeys === undefined;
  const keys = keysStored
    ? await storedKeys(store, keyLog, now)
    : await suppliedKeys(store, keyLog, options.rootKeys, now());
  const refresh = options.revocationRefreshMs ?? 1000;
  if (!Number.isSafeInteger(refresh) || refresh < 0)
    throw new RangeError('options.revocationRefreshMs must be a non-negative integer');
  const tail = new AuditTail(store, { intervalMs: watch });
  await tail.start();
  const revocations = new StoreRevocations(store, { now });
  await revocations.start(refresh);
  return { store, ownsStore, keys, keyLog, keysStored, now, tail, revocations };
}

/** What the Delegator itself lends to the parts it wires together. */
export interface DelegatorHooks {
  /** Hands a principal's attached sessions a new token (see `AttachedSessions`). */
  readonly deliver: (principal: string, from: string, to: string) => void;
  /** Closers of pending waits and subscriptions, run when the Delegator closes. */
  readonly closers: Set<() => void>;
  readonly closed: () => boolean;
}

/** The lifecycle, and the context each of the Delegator's answers reads. */
export interface DelegatorContexts {
  readonly lifecycle: Lifecycle;
  readonly inbox: InboxContext;
  readonly waiter: WaiterContext;
  readonly subscriptions: SubscriptionContext;
  readonly policies: PolicyContext;
}

/**
 * Wires an opened Delegator's parts into its lifecycle and the contexts of its answers.
 *
 * @example
 * ```ts
 * const contexts = wire(await openParts(options), { deliver, closers, closed: () => false });
 * ```
 */
export function wire(parts: DelegatorParts, hooks: DelegatorHooks): DelegatorContexts {
  const { store, keys, keyLog, now, tail, revocations } = parts;
  const { closers, closed } = hooks;
  const notify = (): Promise<void> => tail.pump();
  const deliver = hooks.deliver;
  const lifecycle = new Lifecycle({
    store,
    rootKeys: keys,
    keyLog,
    revocations,
    now,
    notify,
    deliver,
  });
  const inbox: InboxContext = { store, lifecycle, now };
  return {
    lifecycle,
    inbox,
    waiter: { store, tail, lifecycle, now, closers, closed },
    subscriptions: {
      store,
      tail,
      closers,
      view: (record, actor) => inboxItem(inbox, record, actor),
      accepts: (record, actor) => lifecycle.isAddressedTo(record, actor),
    },
    policies: { store, rootKeys: keys, lifecycle, now, notify },
  };
}
