/**
 * What the decisions of the request lifecycle share: what they need from their Delegator (the
 * store, the root keys, the clock, how to wake listeners and hand a grantor its new token), the
 * options of an approval, who denies, and the operations escalation and standing policies drive
 * on the lifecycle. Kept apart so that the lifecycle, its escalation half and the policies
 * depend on these types, not on each other.
 */
import type { Delegation, RootKeyring } from '../../delegation/index.js';
import type { KeyLog } from '../store/key-log.js';
import type { StoreRevocations } from './revocations.js';
import type { RequestRecord } from '../store/model.js';
import type { RequestStore } from '../store/store.js';
import type { Actor } from './authority.js';

/**
 * What the lifecycle needs from its Delegator.
 *
 * @example
 * ```ts
 * const context: LifecycleContext = { store, rootKeys, keyLog, now: () => new Date(), notify, deliver };
 * ```
 */
export interface LifecycleContext {
  readonly store: RequestStore;
  readonly rootKeys: RootKeyring;
  /** The store's record of added and retired root keys. */
  readonly keyLog: KeyLog;
  /** The revocations: a revoked token neither asks nor decides, and is not approved. */
  readonly revocations: StoreRevocations;
  now(): Date;
  /** Wakes local listeners after a write. */
  notify(): Promise<void>;
  /** Hands a grantor's new token to its attached sessions that hold `from`. */
  deliver(principal: string, from: string, to: string): void;
}

/**
 * Options of an approval.
 *
 * @example
 * ```ts
 * const options: ApproveOptions = { scope: ['tool == "fs.read"'], timeBox: null, via: 'manual' };
 * ```
 */
export interface ApproveOptions {
  /** Conditions granted (canonical texts), inside the requested scope (default: all that was asked). */
  readonly scope?: readonly string[];
  /** End of the time box on the grant (ms), or `null`. */
  readonly timeBox: number | null;
  readonly policyId?: string | null;
  /** How it was decided, for the audit log. */
  readonly via: 'manual' | 'policy' | 'escalation';
  /** Why, for the audit log. */
  readonly reason?: string;
}

/**
 * Who made a denial, for the request and the audit log.
 *
 * @example
 * ```ts
 * const by: DeniedBy = { name: 'owner', place: [], via: 'manual', policyId: null };
 * ```
 */
export interface DeniedBy {
  /** `'owner'`, a principal, or `'system'`. */
  readonly name: string;
  /**
   * The decider's place in the delegation tree (`placeOf`), or `null` when no decider of its own
   * acted here (a denial coming down an escalation: the entry of the denial above records it).
   */
  readonly place: readonly (string | null)[] | null;
  readonly via: 'manual' | 'policy' | 'escalation';
  /** The standing policy that denied it, if one did. */
  readonly policyId: string | null;
}

/**
 * The lifecycle operations that escalation drives when a linked request is decided, and that
 * standing policies decide with.
 *
 * @example
 * ```ts
 * const escalations = new Escalations(lifecycle, context); // lifecycle implements Decisions
 * ```
 */
export interface Decisions {
  load(id: string): Promise<RequestRecord>;
  requesterIfValid(record: RequestRecord): Delegation | undefined;
  isAddressedTo(record: RequestRecord, actor: Actor): boolean;
  checkDecider(record: RequestRecord, actor: Actor): void;
  applyPolicies(record: RequestRecord): Promise<RequestRecord>;
  approve(record: RequestRecord, actor: Actor, options: ApproveOptions): Promise<RequestRecord>;
  denyBy(record: RequestRecord, reason: string, by: DeniedBy): Promise<RequestRecord>;
  cancel(record: RequestRecord, by: string, why: string): Promise<RequestRecord>;
  reopen(record: RequestRecord, why: string): Promise<void>;
}
