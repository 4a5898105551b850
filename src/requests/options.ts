/**
 * The options and argument shapes of the Delegator's methods, with their defaults: how it is
 * opened (a SQLite file or any store, keys supplied or stored, the clock, how often it watches
 * for other processes' changes), and what minting, rotating a key, waiting, cancelling,
 * approving, denying, escalating, adding a policy, querying the audit log and verifying it take.
 */
import type { Delegation, RootKeys } from '../delegation/index.js';
import type { PostgresStoreOptions } from './store/postgres-store.js';
import type { SqliteStoreOptions } from './store/sqlite-store.js';
import type { RequestStore } from './store/store.js';

/** Who acts on the grantor side: the owner, or an agent by its current token. */
export type GrantorRef = 'owner' | { readonly token: string | Delegation };

/** Options shared by every way of opening a Delegator. */
export interface DelegatorOptions {
  /**
   * The owner's root keys. When given they are used as they are and never written to the
   * store (keep them in a secrets manager or a 0600 file); when omitted the keys stored in the
   * store are used, and a first key is created and stored if there is none.
   */
  readonly rootKeys?: RootKeys;
  /** The clock (default: the system clock). Injected by tests. */
  readonly now?: () => Date;
  /**
   * How often, in ms, waiting requesters and subscribers re-read the store for changes made by
   * other processes (default 250; 0 listens to this process only).
   */
  readonly watchIntervalMs?: number;
  /**
   * How often, in ms, the Delegator re-reads the revocations that other processes sharing the
   * store made (default 1000; 0 never: only this process's own). It bounds how long such a
   * revocation takes to reach this process's verifiers (`revocations()`).
   */
  readonly revocationRefreshMs?: number;
}

/**
 * Options of `Delegator.open`: a SQLite file (`path`), a PostgreSQL database (`url`, a
 * `postgres://` URL, optionally `?schema=name`), or any store (`store`).
 */
export type OpenOptions = DelegatorOptions &
  (
    | {
        readonly path: string;
        readonly sqlite?: SqliteStoreOptions;
        readonly store?: undefined;
        readonly url?: undefined;
        readonly postgres?: undefined;
      }
    | {
        readonly url: string;
        readonly postgres?: PostgresStoreOptions;
        readonly path?: undefined;
        readonly sqlite?: undefined;
        readonly store?: undefined;
      }
    | {
        readonly store: RequestStore;
        readonly path?: undefined;
        readonly sqlite?: undefined;
        readonly url?: undefined;
        readonly postgres?: undefined;
      }
  );

/** Options of `delegator.mint`. */
export interface DelegatorMintOptions {
  /** The first grantee; omit for a bearer token (which cannot ask for more). */
  readonly to?: string;
  /** The owner's conditions (DSL texts). */
  readonly conditions: readonly string[];
  /** Lifetime in seconds, written into the token as `time < …`. */
  readonly expiresIn?: number;
  readonly location?: string;
}

/** Options of `delegator.rotateKey`. */
export interface RotateKeyOptions {
  /** The new key's id, written into the tokens it signs (default: random). */
  readonly id?: string;
}

/** Options of `delegator.verifyAudit`. */
export interface VerifyAuditOptions {
  /**
   * A head hash kept from an earlier `verifyAudit()` (64 hex digits): the log must still hold
   * the entry it names, so a log cut short after it no longer verifies.
   */
  readonly expectHead?: string;
}

/** Options of `delegator.approve`. */
export interface ApproveRequestOptions {
  readonly by: GrantorRef;
  /** What to grant, inside what was asked (default: all of it). */
  readonly scope?: string | readonly string[];
  /** Time box on the grant, in seconds. */
  readonly expiresIn?: number;
  /** Why, for the audit log (optional; up to 2,000 characters). */
  readonly reason?: string;
}

/** Options of `delegator.deny`. */
export interface DenyRequestOptions {
  readonly by: GrantorRef;
  /** What the requester reads (1 to 2,000 characters, one paragraph of plain text). */
  readonly reason: string;
}

/** Options of `delegator.escalate`. */
export interface EscalateRequestOptions {
  readonly by: GrantorRef;
  /** Approve the request at once when the escalation is approved (default `false`: reopen it). */
  readonly autoApprove?: boolean;
}

/** Options of `delegator.cancel`: only the requester, by a current token, withdraws a request. */
export interface CancelRequestOptions {
  readonly by: { readonly token: string };
}

/** Options of `delegator.awaitResponse` and `delegator.subscribe`. */
export interface WaitOptions {
  /** Ends the wait (or the subscription) when it aborts. */
  readonly signal?: AbortSignal;
}

/** Options of `delegator.addPolicy`. */
export interface AddPolicyOptions {
  readonly grantor: GrantorRef;
  readonly effect: 'approve' | 'deny';
  readonly scope: string | readonly string[];
  /** Lifetime of the policy in seconds (default: until removed). */
  readonly expiresIn?: number;
  /**
   * For an `approve` policy only: the time box of each grant it makes, in seconds from the
   * approval (cut to the grantor's own expiry, as for a manual approval). Default: none, and a
   * grant ends when the requester's token would have ended.
   */
  readonly grantExpiresIn?: number;
}

export type { AuditQuery } from './answers/views.js';
export type { AttachableSession } from './answers/sessions.js';
