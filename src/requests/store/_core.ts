/**
 * The compare-and-set core every store shares: idempotent create (join the open request with
 * the same key), version-checked transitions through the state machine, escalation as one step
 * (transition plus create-or-join of the linked request), and hash-chained appends to the audit
 * log. A store supplies only its `RequestTables` (read a row, insert a row, update a row, read
 * the log's head) and runs a step inside its own transaction, so the rules live here once and a
 * new engine (PostgreSQL) writes table access, not decision logic. Steps are generators that
 * yield each table call's result: `runSync` drives them over a synchronous driver
 * (better-sqlite3, memory) inside one synchronous transaction, `runAsync` over a networked one.
 * A step that changes a request reads and computes everything (state check, new record,
 * chained entries) before its first write, so a store without transactions (memory) is left
 * unchanged when it throws. The first-sighting, policy-removal and root-key steps insert first
 * and chain only when that insert happened, because most calls change nothing (markSeen runs on
 * every authentication) and hashing for them would be wasted.
 */
import type { ExportedRootKey } from '../../delegation/index.js';
import { callFromJson, callToJson } from '../input.js';
import { GENESIS_HASH, chainEntries } from './audit.js';
import type {
  AuditEntry,
  AuditInput,
  HopRecord,
  PolicyRecord,
  RequestRecord,
  Revocation,
  RevocationInput,
} from './model.js';
import { assertTransition } from './state.js';
import { applyTransition, type EscalateInput, type TransitionInput } from './store.js';

/** A value, or a promise of it: what a table call returns in a synchronous or an asynchronous store. */
export type Maybe<T> = T | Promise<T>;

/**
 * The table access a store gives the core, called only inside the store's transaction (an
 * asynchronous engine reads `getRequest` and `auditHead` with a row lock, `SELECT … FOR UPDATE`).
 */
export interface RequestTables {
  getRequest(id: string): Maybe<RequestRecord | undefined>;
  /** The open (`pending` or `escalated`) request with this idempotency key, if any. */
  findOpenRequest(idempotencyKey: string): Maybe<RequestRecord | undefined>;
  /** Inserts a new request; throws if its id exists. */
  insertRequest(record: RequestRecord): Maybe<void>;
  /** Replaces `before` (the row as read in this transaction) by `after`. */
  updateRequest(before: RequestRecord, after: RequestRecord): Maybe<void>;
  /** The last audit entry's number and hash, if the log is not empty. */
  auditHead(): Maybe<{ readonly seq: number; readonly hash: string } | undefined>;
  /** Appends entries already numbered and chained after `auditHead()`. */
  insertAudit(entries: readonly AuditEntry[]): Maybe<void>;
  /** Records a token fingerprint; `false` when it was there already. */
  insertSeen(fingerprint: string, at: number): Maybe<boolean>;
  /** Inserts a policy; throws if its id exists. */
  insertPolicy(policy: PolicyRecord): Maybe<void>;
  /** Deletes the policy if it belongs to `grantor`; `false` when there is none. */
  deletePolicy(id: string, grantor: string): Maybe<boolean>;
  /**
   * Stores a root key; `false` when its id is stored already, or when `onlyIfNone` and any key
   * is stored.
   */
  insertRootKey(key: ExportedRootKey, onlyIfNone: boolean): Maybe<boolean>;
  /** Deletes the stored root key with this id, if any. */
  deleteRootKey(id: string): Maybe<void>;
  /** Inserts the hops not stored yet (by id), each with an index row per prefix. */
  insertHops(hops: readonly HopRecord[]): Maybe<void>;
  /** The revocation of this target, if there is one. */
  findRevocation(kind: Revocation['kind'], target: string): Maybe<Revocation | undefined>;
  /** The last revocation's `seq` (0 when there is none). */
  revocationHead(): Maybe<number>;
  /** Inserts a revocation already numbered after `revocationHead()`. */
  insertRevocation(revocation: Revocation): Maybe<void>;
}

/** `RequestTables` over a synchronous driver (better-sqlite3, memory): `runSync` can drive it. */
export type SyncRequestTables = {
  readonly [K in keyof RequestTables]: (
    ...args: Parameters<RequestTables[K]>
  ) => Awaited<ReturnType<RequestTables[K]>>;
};

/** One store operation, yielding each table call's result to its driver. */
export type Step<T> = Generator<unknown, T, unknown>;

/** Hands a table call's result to the driver and takes back its (awaited) value. */
function* table<T>(result: Maybe<T>): Step<T> {
  return (yield result) as T;
}

/**
 * Runs a step over synchronous tables, inside the caller's synchronous transaction.
 *
 * @example
 * ```ts
 * const record = db.transaction(() => runSync(transitionStep(tables, input))).immediate();
 * ```
 */
export function runSync<T>(step: Step<T>): T {
  let next = step.next();
  while (next.done !== true) {
    if (next.value instanceof Promise) {
      throw new TypeError('runSync was given tables that return promises: use runAsync');
    }
    next = step.next(next.value);
  }
  return next.value;
}

/**
 * Runs a step over asynchronous tables, inside the caller's transaction.
 *
 * @example
 * ```ts
 * await client.query('BEGIN'); const record = await runAsync(transitionStep(pgTables(client), input));
 * ```
 */
export async function runAsync<T>(step: Step<T>): Promise<T> {
  let next = step.next();
  while (next.done !== true) next = step.next(await next.value);
  return next.value;
}

/**
 * A request as the stores hand it out: frozen, with a frozen scope and a frozen copy of its
 * call (read back from its stored text, as SQLite reads it).
 *
 * @example
 * ```ts
 * map.set(record.id, freezeRecord(record));
 * ```
 */
export function freezeRecord(record: RequestRecord): RequestRecord {
  return Object.freeze({
    ...record,
    scope: Object.freeze([...record.scope]),
    call: record.call === null ? null : callFromJson(callToJson(record.call)),
  });
}

/**
 * `RequestStore.createRequest`: inserts `record` unless an open request has its idempotency key.
 *
 * @example
 * ```ts
 * runSync(createStep(tables, record, (r) => [requestAudit(r, holder, now)]));
 * ```
 */
export function* createStep(
  t: RequestTables,
  record: RequestRecord,
  audit: (record: RequestRecord) => readonly AuditInput[],
): Step<{ readonly created: boolean; readonly record: RequestRecord }> {
  const existing = yield* table(t.findOpenRequest(record.idempotencyKey));
  if (existing !== undefined) return { created: false, record: existing };
  const frozen = freezeRecord(record);
  const entries = yield* chain(t, audit(frozen));
  yield* table(t.insertRequest(frozen));
  yield* write(t, entries);
  return { created: true, record: frozen };
}

/**
 * `RequestStore.transition`: the change, only if the request is still at `input.version`.
 *
 * @example
 * ```ts
 * const next = runSync(transitionStep(tables, { id, version, to: 'denied', audit: [entry] }));
 * ```
 */
export function* transitionStep(
  t: RequestTables,
  input: TransitionInput,
): Step<RequestRecord | undefined> {
  const current = yield* table(t.getRequest(input.id));
  if (current === undefined || current.version !== input.version) return undefined;
  assertTransition(current.status, input.to);
  const next = applyTransition(current, input);
  const entries = yield* chain(t, input.audit);
  yield* table(t.updateRequest(current, next));
  yield* write(t, entries);
  yield* recordHopsStep(t, input.hops ?? []);
  return next;
}

/**
 * `RequestStore.escalate`: `transition` to `escalated` and create (or join) the linked request.
 *
 * @example
 * ```ts
 * const result = runSync(escalateStep(tables, { id, version, linked, autoApprove: true, audit }));
 * ```
 */
export function* escalateStep(
  t: RequestTables,
  input: EscalateInput,
): Step<
  | { readonly record: RequestRecord; readonly linked: RequestRecord; readonly created: boolean }
  | undefined
> {
  const current = yield* table(t.getRequest(input.id));
  if (current === undefined || current.version !== input.version) return undefined;
  assertTransition(current.status, 'escalated');
  const joined = yield* table(t.findOpenRequest(input.linked.idempotencyKey));
  const linked = joined ?? freezeRecord(input.linked);
  const created = joined === undefined;
  const next = applyTransition(current, {
    id: input.id,
    version: input.version,
    to: 'escalated',
    escalation: { linkedId: linked.id, autoApprove: input.autoApprove },
    audit: [],
  });
  const entries = yield* chain(t, input.audit(linked, created));
  if (created) yield* table(t.insertRequest(linked));
  yield* table(t.updateRequest(current, next));
  yield* write(t, entries);
  return { record: next, linked, created };
}

/**
 * `RequestStore.appendAudit`: numbers and chains `inputs` after the log's head and appends them.
 *
 * @example
 * ```ts
 * const entries = runSync(appendStep(tables, [auditInput]));
 * ```
 */
export function* appendStep(t: RequestTables, inputs: readonly AuditInput[]): Step<AuditEntry[]> {
  const entries = yield* chain(t, inputs);
  yield* write(t, entries);
  return entries;
}

/**
 * `RequestStore.markSeen`: the first sighting of a fingerprint, audited; `false` when seen before.
 *
 * @example
 * ```ts
 * const first = runSync(markSeenStep(tables, holder.fingerprint, entry));
 * ```
 */
export function* markSeenStep(
  t: RequestTables,
  fingerprint: string,
  audit: AuditInput,
  hops: () => readonly HopRecord[] = () => [],
): Step<boolean> {
  if (!(yield* table(t.insertSeen(fingerprint, audit.at)))) return false;
  yield* appendStep(t, [audit]);
  yield* recordHopsStep(t, hops());
  return true;
}

/**
 * `RequestStore.addPolicy`: the policy and its audit entry.
 *
 * @example
 * ```ts
 * runSync(addPolicyStep(tables, policy, entry));
 * ```
 */
export function* addPolicyStep(
  t: RequestTables,
  policy: PolicyRecord,
  audit: AuditInput,
): Step<void> {
  const entries = yield* chain(t, [audit]);
  yield* table(t.insertPolicy(policy));
  yield* write(t, entries);
}

/**
 * `RequestStore.removePolicy`: removes a grantor's policy, audited; `false` when there is none.
 *
 * @example
 * ```ts
 * const removed = runSync(removePolicyStep(tables, id, 'owner', entry));
 * ```
 */
export function* removePolicyStep(
  t: RequestTables,
  id: string,
  grantor: string,
  audit: AuditInput,
): Step<boolean> {
  if (!(yield* table(t.deletePolicy(id, grantor)))) return false;
  yield* appendStep(t, [audit]);
  return true;
}

/**
 * `RequestStore.saveRootKey`: stores a key not stored yet (with `onlyIfNone`, only into a store
 * that holds no key), audited.
 *
 * @example
 * ```ts
 * runSync(saveRootKeyStep(tables, exportRootKey(key), entry));
 * ```
 */
export function* saveRootKeyStep(
  t: RequestTables,
  key: ExportedRootKey,
  audit: AuditInput,
  onlyIfNone = false,
): Step<void> {
  if (yield* table(t.insertRootKey(key, onlyIfNone))) yield* appendStep(t, [audit]);
}

/**
 * Deletes the stored root key `id` (if the store holds it) and appends `audit`, its
 * `key-retire` entry: the entry is written whether or not the key was stored here, since a
 * Delegator given its keys retires them without storing any.
 *
 * @example
 * ```ts
 * runSync(retireRootKeyStep(tables, 'k1', entry));
 * ```
 */
export function* retireRootKeyStep(t: RequestTables, id: string, audit: AuditInput): Step<void> {
  const entries = yield* chain(t, [audit]);
  yield* table(t.deleteRootKey(id));
  yield* write(t, entries);
}

/**
 * `RequestStore.recordHops`: stores the hops not stored yet.
 *
 * @example
 * ```ts
 * runSync(recordHopsStep(tables, hops));
 * ```
 */
export function* recordHopsStep(t: RequestTables, hops: readonly HopRecord[]): Step<void> {
  if (hops.length > 0) yield* table(t.insertHops(hops));
}

/**
 * `RequestStore.revoke`: numbers and stores the revocations of targets not revoked yet, and
 * appends `audit` for the new ones in the same step; revocations that exist are returned as
 * they are. Everything is read and computed before the first write.
 *
 * @example
 * ```ts
 * const { created } = runSync(revokeStep(tables, [input], (made) => [revokeEntry(made)]));
 * ```
 */
export function* revokeStep(
  t: RequestTables,
  inputs: readonly RevocationInput[],
  audit: (created: readonly Revocation[]) => readonly AuditInput[],
): Step<{ readonly created: Revocation[]; readonly existing: Revocation[] }> {
  const existing: Revocation[] = [];
  const fresh: RevocationInput[] = [];
  const targets = new Set<string>();
  for (const input of inputs) {
    const key = `${input.kind}:${input.target}`;
    if (targets.has(key)) continue;
    targets.add(key);
    const found = yield* table(t.findRevocation(input.kind, input.target));
    if (found === undefined) fresh.push(input);
    else existing.push(found);
  }
  if (fresh.length === 0) return { created: [], existing };
  const head = yield* table(t.revocationHead());
  const created = fresh.map((input, i): Revocation =>
    Object.freeze({ ...input, seq: head + 1 + i }),
  );
  const entries = yield* chain(t, audit(created));
  for (const r of created) yield* table(t.insertRevocation(r));
  yield* write(t, entries);
  return { created, existing };
}

/** Numbers and hashes `inputs` after the head; computed before any write so a bad entry changes nothing. */
function* chain(t: RequestTables, inputs: readonly AuditInput[]): Step<AuditEntry[]> {
  if (inputs.length === 0) return [];
  const head = yield* table(t.auditHead());
  return chainEntries(head?.seq ?? 0, head?.hash ?? GENESIS_HASH, inputs);
}

function* write(t: RequestTables, entries: readonly AuditEntry[]): Step<void> {
  if (entries.length > 0) yield* table(t.insertAudit(entries));
}
