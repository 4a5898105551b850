/**
 * The records the permission-request lifecycle keeps: requests, audit entries and standing
 * policies, in the plain JSON-friendly shape a store persists (times are milliseconds since the
 * Unix epoch, scopes are arrays of canonical DSL texts). The Delegator turns them into the
 * public views; stores only ever see these.
 */
import type { Json } from '../../_json.js';
import type { Revocation } from '../../delegation/index.js';
import type { PermissionStatus } from '../../tools/broker.js';
import type { RequestCall } from '../input.js';
import { AUDIT_KINDS } from './audit-kinds.js';

/** Where a request is in its life. `pending` and `escalated` are open; the rest are final. */
export type RequestStatus = PermissionStatus;

/** The grantor a request is addressed to: `'owner'`, or the principal that wrote the last block. */
export type GrantorName = string;

/** How a request ended, as stored. */
export type StoredOutcome =
  | {
      readonly status: 'approved';
      /** The requester's new token. */
      readonly token: string;
      /** The granted conditions (canonical texts), without the time box. */
      readonly scope: readonly string[];
      /** End of the time box on the granted scope, or `null` when it has none. */
      readonly expiresAt: number | null;
    }
  | { readonly status: 'denied'; readonly reason: string }
  | { readonly status: 'expired' }
  | { readonly status: 'cancelled' };

/** Set on a request its grantor escalated: the linked request that went up the chain. */
export interface EscalationLink {
  readonly linkedId: string;
  /** Approve this request as soon as the linked one is approved. */
  readonly autoApprove: boolean;
}

/** One permission request, as stored. */
export interface RequestRecord {
  readonly id: string;
  /** Bumped by every state change; decisions compare-and-set on it. */
  readonly version: number;
  readonly status: RequestStatus;
  /** The principal asking: the last marker of `token`. */
  readonly requester: string;
  /** Whom it is addressed to: the author of `token`'s last block (`'owner'` for the first). */
  readonly grantor: GrantorName;
  /** The requester's token when it asked (kept so the chain can be shown and re-derived). */
  readonly token: string;
  /** The conditions asked for (canonical texts): a conjunction. */
  readonly scope: readonly string[];
  readonly reason: string;
  /** The denied call the request came from (canonical JSON), when the requester said. */
  readonly call: RequestCall | null;
  /** Digest of (token, scope): at most one open request per key. */
  readonly idempotencyKey: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Current RFC 8628 polling interval in seconds (grows by 5 on each `slow_down`). */
  readonly interval: number;
  readonly lastPolledAt: number | null;
  /** The request this one was created to escalate, if it is a linked request. */
  readonly escalationOf: string | null;
  /** Set once this request has been escalated (kept afterwards, for the record). */
  readonly escalation: EscalationLink | null;
  readonly outcome: StoredOutcome | null;
  /** `'owner'`, a principal, or `'system'` (expiry, cascades). */
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  /** The standing policy that decided it, if one did. */
  readonly policyId: string | null;
}

/** A JSON value, for audit details and a request's call. */
export type { Json };

/** What an audit entry records. */
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** An audit entry before the store numbers and chains it. */
export interface AuditInput {
  readonly at: number;
  readonly kind: AuditKind;
  /** Who acted: `'owner'`, a principal, or `'system'`. */
  readonly actor: string;
  /** Whom it concerns (the grantor a request goes to, the requester a decision answers), if anyone. */
  readonly subject: string | null;
  readonly requestId: string | null;
  /** What and why. Never a token, a key or a signature: tokens appear as fingerprints. */
  readonly details: { readonly [key: string]: Json };
}

/** An audit entry as stored: numbered from 1 and chained by SHA-256 to the one before. */
export interface AuditEntry extends AuditInput {
  readonly seq: number;
  /** Hex SHA-256 of the previous entry (64 zeros for the first). */
  readonly prevHash: string;
  /** Hex SHA-256 over `prevHash` and this entry's canonical JSON. */
  readonly hash: string;
}

/** Which audit entries to read; every field narrows the result. */
export interface AuditFilter {
  /** Entries with `seq` greater than this. */
  readonly afterSeq?: number;
  /** Entries at or after this time (ms). */
  readonly since?: number;
  /** Entries before this time (ms). */
  readonly until?: number;
  readonly requestId?: string;
  /** Entries whose actor or subject is this principal. */
  readonly principal?: string;
  readonly kind?: AuditKind;
  /** At most this many, in `seq` order (default: all). */
  readonly limit?: number;
}

/** A standing policy of one grantor. */
export interface PolicyRecord {
  readonly id: string;
  readonly grantor: GrantorName;
  readonly effect: 'approve' | 'deny';
  /** Canonical condition texts: a conjunction. */
  readonly scope: readonly string[];
  /** For an agent grantor, the token it authenticated with (its authority for auto-approvals). */
  readonly token: string | null;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  /** For an approve policy: the time box of each grant it makes, in seconds (`null`: none). */
  readonly grantLifetime: number | null;
}

/** Which requests to list. */
export interface RequestFilter {
  readonly grantor?: GrantorName;
  readonly requester?: string;
  readonly status?: readonly RequestStatus[];
  /** Requests escalated to this linked request. */
  readonly escalatedTo?: string;
  /** Requests whose `expiresAt` is at or before this time (ms). */
  readonly expiresBy?: number;
  readonly limit?: number;
}

/**
 * One hop of the delegation tree as the store keeps it: a block of a token the Delegator minted,
 * approved or was shown, named by its hop id (see delegation/hops.ts).
 */
export interface HopRecord {
  /** The block's hop id: the token its grantee held, as far as the token showed. */
  readonly id: string;
  /** The previous block's id (`null` for block 0). */
  readonly parent: string | null;
  /** For an approval's last block: the id of the requester's token it answered. */
  readonly via: string | null;
  readonly delegationId: string;
  readonly keyId: string;
  readonly block: number;
  readonly grantor: string;
  /** `null` for a bearer block 0. */
  readonly grantee: string | null;
  /** The grantees of blocks 0 to this one: who holds it, as a place in the tree. */
  readonly place: readonly (string | null)[];
  /** The block's conditions (canonical texts). */
  readonly conditions: readonly string[];
  /** When the token up to this block stops allowing anything (ms), or `null`. */
  readonly expiresAt: number | null;
  /** Every prefix id from the mint to this block's end (its own id last). */
  readonly prefixes: readonly string[];
  /** How the Delegator learned of it. */
  readonly source: 'mint' | 'approval' | 'seen';
  readonly firstSeenAt: number;
}

/** Which hops to list. */
export interface HopFilter {
  /** Hops delegated to this principal. */
  readonly grantee?: string;
  /** Hops derived from any of these ids (one of their prefixes is among them). */
  readonly derivedFrom?: readonly string[];
  /** Approvals that answered any of these tokens. */
  readonly via?: readonly string[];
  /** Hops with these ids. */
  readonly ids?: readonly string[];
}

/** A revocation before the store numbers it. */
export type RevocationInput = Omit<Revocation, 'seq'>;

export type { Revocation };
