/**
 * The store interface: everything the Delegator persists, behind asynchronous methods so that a
 * networked database can implement it as well as the embedded SQLite default and the in-memory
 * test store. Each method is one atomic step. Decisions never read-then-write across two calls:
 * `transition` compares-and-sets on the request's `version`, so of two deciders racing on the
 * same request (two processes on one SQLite file, two machines on one database) exactly one
 * wins and the other learns it lost. Audit entries are appended inside the same step as the
 * change they record, so the log never disagrees with the state. There is no method that
 * updates or deletes an audit entry.
 *
 * To implement it on another database: use one transaction per method (SERIALIZABLE or an
 * equivalent row lock on the request and on the audit tail), a unique index on
 * `idempotencyKey` restricted to open requests, and `chainEntries` from `audit.ts` to number
 * and hash the entries after the current last one, inside the transaction.
 */
import type { ExportedRootKey } from '../../delegation/index.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditInput,
  AuditKind,
  EscalationLink,
  HopFilter,
  HopRecord,
  PolicyRecord,
  RequestFilter,
  RequestRecord,
  RequestStatus,
  Revocation,
  RevocationInput,
  StoredOutcome,
} from './model.js';

/** A state change of one request, applied only if the request is still at `version`. */
export interface TransitionInput {
  readonly id: string;
  /** The version the caller read; the change applies only if it is still current. */
  readonly version: number;
  readonly to: RequestStatus;
  readonly outcome?: StoredOutcome | null;
  readonly decidedBy?: string | null;
  readonly decidedAt?: number | null;
  readonly policyId?: string | null;
  readonly escalation?: EscalationLink | null;
  /** Appended in the same step as the change. */
  readonly audit: readonly AuditInput[];
  /** Hops of the delegation tree stored in the same step (an approval's new token). */
  readonly hops?: readonly HopRecord[];
}

/** An escalation: move a request to `escalated` and open (or join) its linked request. */
export interface EscalateInput {
  readonly id: string;
  readonly version: number;
  /** The linked request to create, unless an open one with its idempotency key exists. */
  readonly linked: RequestRecord;
  readonly autoApprove: boolean;
  /** The entries to append, given the linked request actually used and whether it is new. */
  readonly audit: (linked: RequestRecord, created: boolean) => readonly AuditInput[];
}

/** What a permission-request store must do. Every method is atomic. */
export interface RequestStore {
  /** `'sqlite'`, `'memory'`, or an implementation's own name. */
  readonly kind: string;

  /**
   * Inserts `record` unless an open request (`pending` or `escalated`) with the same
   * `idempotencyKey` exists, in which case that one is returned with `created: false`. `audit`
   * is asked for the entries to append only when the record is created.
   */
  createRequest(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): Promise<{ readonly created: boolean; readonly record: RequestRecord }>;

  getRequest(id: string): Promise<RequestRecord | undefined>;

  /** Matching requests, oldest first. */
  listRequests(filter: RequestFilter): Promise<RequestRecord[]>;

  /**
   * Applies the change and bumps `version` if the request is still at `input.version`;
   * otherwise changes nothing and returns `undefined`. Refuses moves outside the state machine.
   */
  transition(input: TransitionInput): Promise<RequestRecord | undefined>;

  /**
   * `transition` to `escalated` plus creating (or joining) the linked request, as one step.
   * `undefined` when the request moved first.
   */
  escalate(
    input: EscalateInput,
  ): Promise<
    | { readonly record: RequestRecord; readonly linked: RequestRecord; readonly created: boolean }
    | undefined
  >;

  /** Records a poll (time and the interval now in force); does not bump `version`. */
  touchPoll(id: string, at: number, interval: number): Promise<void>;

  /** Appends entries; returns them numbered and chained. */
  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]>;

  /** Entries matching `filter`, in `seq` order. */
  queryAudit(filter: AuditFilter): Promise<AuditEntry[]>;

  /** The last entry's `seq` (0 when the log is empty): a cursor for tailing the log. */
  lastAuditSeq(): Promise<number>;

  /**
   * Records the first sighting of a token by its fingerprint, appending `audit` and storing the
   * hops `hops` returns (those not stored yet) with it. Returns `false` (and changes nothing)
   * when it was seen before; `hops` is then not called.
   */
  markSeen(
    fingerprint: string,
    audit: AuditInput,
    hops?: () => readonly HopRecord[],
  ): Promise<boolean>;

  addPolicy(policy: PolicyRecord, audit: AuditInput): Promise<void>;
  /** Removes the policy if it belongs to `grantor`; `false` when there is none. */
  removePolicy(id: string, grantor: string, audit: AuditInput): Promise<boolean>;
  /** The policies of one grantor (or all), oldest first. */
  listPolicies(grantor?: string): Promise<PolicyRecord[]>;
  /** After an escalation gave `grantor` a new token, policies it wrote with `from` use `to`. */
  replacePolicyToken(grantor: string, from: string, to: string): Promise<void>;

  /** The stored root keys, oldest first (secrets included: protect the store). */
  loadRootKeys(): Promise<ExportedRootKey[]>;
  /**
   * Stores a root key (ignored if its id is already stored), appending `audit`. With
   * `onlyIfNone`, only when the store holds no key at all: of several processes opening an
   * empty store at once, one key is stored, and each reads that one back.
   */
  saveRootKey(
    key: ExportedRootKey,
    audit: AuditInput,
    options?: { readonly onlyIfNone?: boolean },
  ): Promise<void>;
  /**
   * Retires a root key: deletes the stored key with this id, if there is one (a Delegator given
   * its keys stores none), and appends `audit` (its `key-retire` entry) in the same step.
   */
  retireRootKey(id: string, audit: AuditInput): Promise<void>;

  /** Stores the hops of the delegation tree not stored yet (by id); never changes one. */
  recordHops(hops: readonly HopRecord[]): Promise<void>;
  /** Matching hops, in the order they were first stored. */
  listHops(filter: HopFilter): Promise<HopRecord[]>;
  /**
   * Stores the revocations of targets not revoked yet, numbered in order, and appends `audit`
   * for them in the same step. Revoking twice changes nothing: the existing revocation is
   * returned in `existing`.
   */
  revoke(
    inputs: readonly RevocationInput[],
    audit: (created: readonly Revocation[]) => readonly AuditInput[],
  ): Promise<{ readonly created: Revocation[]; readonly existing: Revocation[] }>;
  /** The revocations after `cursor` (a `seq`), in order, at most `limit`. */
  revocationsSince(cursor: number, limit: number): Promise<Revocation[]>;

  /**
   * Optional: calls `listener` soon after any writer sharing the store (this one included)
   * commits audit entries, so that waiters and streams re-read at once instead of at their next
   * poll. A hint, not a feed: a change may be announced late, twice, or (when the store lost its
   * line to the database for a while) by a `StoreChange` without `kinds`, meaning "anything may
   * have changed"; readers keep polling as the fallback. Returns the function that stops it.
   */
  watch?(listener: (change: StoreChange) => void): () => void;

  /** Releases the store; later calls fail. */
  close(): Promise<void>;
}

/** What `RequestStore.watch` announces. */
export interface StoreChange {
  /** The audit log's last `seq` after the change (0 when unknown). */
  readonly seq: number;
  /** The kinds of the entries appended; absent when unknown (anything may have changed). */
  readonly kinds?: readonly AuditKind[];
}

/**
 * For implementations: the record after `input`, with its version bumped and frozen.
 *
 * @example
 * ```ts
 * const next = applyTransition(current, input); // then write `next` if `current.version === input.version`
 * ```
 */
export function applyTransition(current: RequestRecord, input: TransitionInput): RequestRecord {
  const next: RequestRecord = {
    ...current,
    version: current.version + 1,
    status: input.to,
    outcome: input.outcome !== undefined ? input.outcome : current.outcome,
    decidedBy: input.decidedBy !== undefined ? input.decidedBy : current.decidedBy,
    decidedAt: input.decidedAt !== undefined ? input.decidedAt : current.decidedAt,
    policyId: input.policyId !== undefined ? input.policyId : current.policyId,
    escalation: input.escalation !== undefined ? input.escalation : current.escalation,
  };
  return Object.freeze({ ...next, scope: Object.freeze([...next.scope]) });
}

/**
 * For implementations over a synchronous driver: runs one step and returns its result as a
 * promise, so that a throw becomes a rejection like any asynchronous store's.
 *
 * @example
 * ```ts
 * getRequest(id) { return settle(() => this.#get(id)); }
 * ```
 */
export function settle<T>(step: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(step()));
}
