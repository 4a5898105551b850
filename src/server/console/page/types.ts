/**
 * The JSON the console reads from the service, as it arrives over the wire (times as RFC 3339
 * text). These mirror the library's views (`requests/answers/views.ts`, `scope-views.ts`,
 * `routes-scope.ts`); the page cannot import those, which are typed for Node and hold `Date`s.
 * Every string in them that an agent could have written is hostile: the page shows it only
 * through `agentText`.
 */

/** One block of a requester's chain. */
export interface TokenBlock {
  readonly block: number;
  readonly grantor: string;
  readonly grantee: string | null;
  readonly conditions: readonly string[];
  readonly unknownCaveats: readonly { readonly caveat: string; readonly reason: string }[];
}

/** The denied call a request came from. */
export interface RequestCall {
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** A request the algebra found: allowed by one scope, refused by another. */
export interface Witness extends RequestCall {
  readonly time: string;
}

/** A scope as alternatives, one per line. */
export interface Alternatives {
  readonly alternatives: readonly string[];
  readonly complete: boolean;
}

/** The verdict on an approval against the grantor's own authority. */
export type Containment =
  | { readonly contained: true }
  | { readonly contained: false; readonly witness: Witness }
  | { readonly contained: 'unknown'; readonly reason: string };

/** What approving would do. */
export interface ApprovalPreview {
  readonly verdict: Containment;
  readonly effect: Alternatives;
  readonly grantEnds: string | null;
  readonly timeBoxCut: boolean;
  readonly callAllowedAfter: boolean | null;
}

/** A request in the owner's inbox. */
export interface InboxItem extends ApprovalPreview {
  readonly id: string;
  readonly status: string;
  readonly requester: string;
  readonly grantor: string;
  readonly reason: string;
  readonly scope: readonly string[];
  readonly call: RequestCall | null;
  readonly chain: readonly TokenBlock[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly escalationOf: string | null;
  readonly escalatedTo: string | null;
}

/** An error the service answered with. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly excerpt?: string;
}

/** One condition as typed, checked. */
export type ConditionCheck =
  | { readonly text: string; readonly ok: true; readonly condition: string }
  | { readonly text: string; readonly ok: false; readonly error: ErrorBody };

/** The answer of `POST /v1/requests/{id}/check`. */
export interface ApprovalCheck {
  readonly conditions: readonly ConditionCheck[];
  readonly preview: ApprovalPreview | null;
  readonly problem: ErrorBody | null;
  readonly beyondCall: Witness | null;
  readonly globstar: readonly string[];
}

/** The answer of `POST /v1/scope/check`. */
export interface ConditionsCheck {
  readonly conditions: readonly ConditionCheck[];
  readonly globstar: readonly string[];
}

/** A revocation. */
export interface Revocation {
  readonly kind: 'hop' | 'principal';
  readonly target: string;
  readonly by: string;
  readonly at: number;
  readonly reason: string;
}

/** One hop of the delegation tree. */
export interface DelegationNode {
  readonly id: string;
  readonly parent: string | null;
  readonly via: string | null;
  readonly block: number;
  readonly grantor: string;
  readonly grantee: string | null;
  readonly conditions: readonly string[];
  readonly expiresAt: string | null;
  readonly firstSeenAt: string;
  readonly source: 'mint' | 'approval' | 'seen';
  readonly status: 'live' | 'expired' | 'revoked';
  readonly revoked?: Revocation;
}

/** A principal's effective scope. */
export interface EffectiveScope {
  readonly principal: string;
  readonly delegations: readonly {
    readonly id: string;
    readonly grantor: string;
    readonly block: number;
    readonly expiresAt: string | null;
    readonly scope: Alternatives;
  }[];
  readonly scope: Alternatives;
}

/** One audit entry. */
export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  readonly actor: string;
  readonly subject: string | null;
  readonly requestId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly hash: string;
}

/** The audit log's verification. */
export type AuditCheck =
  | {
      readonly ok: true;
      readonly count: number;
      readonly head: string;
      readonly requests: number;
      readonly mismatches: readonly unknown[];
    }
  | {
      readonly ok: false;
      readonly seq: number | null;
      readonly problem: string;
      readonly mismatches: readonly {
        readonly requestId: string;
        readonly seq: number | null;
        readonly problem: string;
      }[];
    };

/** A standing policy. */
export interface PolicyView {
  readonly id: string;
  readonly effect: 'approve' | 'deny';
  readonly scope: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly grantExpiresIn: number | null;
}
