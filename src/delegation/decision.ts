/**
 * The shape of an authorization decision: what `authorize` returns and what a denied agent
 * reads to understand why and whom to ask.
 *
 * A denial lists *every* failed caveat (evaluation never stops at the first), each located by
 * block and index and attributed to the principal who wrote it, and, when asking could help,
 * the scope that would let the call through and the principal to ask for it.
 */

/**
 * What kind of check failed.
 *
 * @example
 * ```ts
 * const stolen = decision.failures.some((f) => f.kind === 'principal');
 * ```
 */
export type FailureKind =
  /** A condition did not evaluate to true for this request. */
  | 'condition'
  /** The request's principal is not the one the token was delegated to. */
  | 'principal'
  /** A caveat this verifier cannot evaluate (not the DSL, or a third-party caveat): always denies. */
  | 'unknown-caveat'
  /** The token, a token it was derived from, or one of its grantees was revoked (see `revoked`). */
  | 'revoked';

/**
 * One failed caveat.
 *
 * @example
 * ```ts
 * // { kind: 'condition', block: 2, index: 7, caveat: 'args.amount <= 100', author: 'planner',
 * //   reason: 'args.amount is 500, not <= 100', term: 'args.amount <= 100' }
 * ```
 */
export interface AuthorizationFailure {
  readonly kind: FailureKind;
  /** The block the caveat belongs to (0 is the owner's). */
  readonly block: number;
  /** The caveat's position in the whole token, counting from 0. */
  readonly index: number;
  /** The caveat, printed in canonical form (or as received when it is not the DSL). */
  readonly caveat: string;
  /** Who wrote it: `owner` for block 0, else the principal that block 0…k-1 delegated to. */
  readonly author: string;
  /** A sentence an agent can act on. */
  readonly reason: string;
  /** The failing sub-term, printed, when the scope layer can point at one. */
  readonly term?: string;
}

/**
 * A generalization of the needed scope, from the algebra's `neededScope`.
 *
 * @example
 * ```ts
 * for (const s of decision.needed?.suggestions ?? []) console.log(s.kind, s.scope, s.grantable);
 * ```
 */
export interface ScopeSuggestion {
  /** What was generalized: the file's directory, a bound, a list, the tool's namespace. */
  readonly kind: 'directory' | 'bound' | 'list' | 'namespace';
  /** The suggested conditions (a conjunction), printed. It allows the request. */
  readonly scope: readonly string[];
  /** Whether `askFrom` holds this scope itself (`'unknown'` past an algebra limit). */
  readonly grantable: boolean | 'unknown';
}

/**
 * What would let a denied call through, and whom to ask.
 *
 * @example
 * ```ts
 * if (!decision.allowed && decision.needed) {
 *   await session.requestPermission({ scope: decision.needed.scope, reason: 'needed for the fix' });
 * }
 * ```
 */
export interface NeededPermission {
  /** The minimal conditions describing the request (a conjunction), printed. */
  readonly scope: readonly string[];
  /**
   * Whether `askFrom` holds `scope` itself, so it can approve without escalating to its own
   * grantor (`'unknown'` past an algebra limit: treat as no).
   */
  readonly grantable: boolean | 'unknown';
  /** Up to three broader scopes that would still allow the request. */
  readonly suggestions: readonly ScopeSuggestion[];
  /**
   * Values of the request that no condition can describe, with why (e.g. `args.path is
   * missing`): the call needs different arguments, not more authority, for those.
   */
  readonly unexpressible: readonly string[];
  /** The grantor of the token's last block: the principal to send a permission request to. */
  readonly askFrom: string;
  /**
   * The nearest grantor up the chain whose own authority allows the call: `askFrom` when its
   * token does (it can approve without escalating), else the one `askFrom`'s escalation will
   * have to reach (`owner` at the top).
   */
  readonly grantableBy: string;
  /**
   * Present when the algebra budget of the call (`AUTHORIZE_ALGEBRA_LIMITS`) ran out: why, and
   * what was cut (`grantable` answers past it are `'unknown'`; suggestions may be fewer). The
   * minimal `scope` and `unexpressible` are always complete.
   */
  readonly incomplete?: string;
}

/**
 * A denial caused by the token's own expiry: no permission request can help, only a new
 * delegation.
 *
 * @example
 * ```ts
 * if (!d.allowed && d.expired) console.log(`expired at ${d.expired.at}; ask ${d.expired.askFrom}`);
 * ```
 */
export interface TokenExpiry {
  /** When the token stopped allowing anything (RFC 3339, UTC). */
  readonly at: string;
  /** Whom to ask for a new delegation: the grantor of the token's last block. */
  readonly askFrom: string;
}

/**
 * The call may go ahead.
 *
 * @example
 * ```ts
 * const d = authorize(token, request, { rootKeys: ring });
 * if (d.allowed) audit(d.delegationId);
 * ```
 */
export interface AuthorizationAllowed {
  readonly allowed: true;
  readonly failures: readonly [];
  readonly keyId: string;
  readonly delegationId: string;
}

/**
 * The call must not go ahead. `needed` is present when every failure is a condition that more
 * authority could satisfy; it is absent when the principal is wrong (asking cannot fix a stolen
 * token), a caveat is one this verifier cannot evaluate, the token has expired (`expired`
 * says when, and whom to ask for a new delegation), or the tool's name is too long to be
 * written in a condition (no permission can name the call).
 *
 * @example
 * ```ts
 * const d = authorize(token, request, { rootKeys: ring });
 * if (!d.allowed) throw new PermissionDenied(request.tool, d, request.args);
 * ```
 */
export interface AuthorizationDenied {
  readonly allowed: false;
  readonly failures: readonly AuthorizationFailure[];
  readonly needed?: NeededPermission;
  /**
   * Present, instead of `needed`, when asking could help but computing the needed permission
   * failed: why. A denial stays a denial whatever goes wrong there; this should never appear
   * (the tests assert so), and is reported rather than thrown so that a harness handling
   * denials keeps working.
   */
  readonly neededUnavailable?: string;
  readonly expired?: TokenExpiry;
  /** Present when a revocation reaches the token: which hop, by whom, when and why. */
  readonly revoked?: RevokedHop;
  /**
   * Present when the verifier's view of revocations is older than its `maxRevocationStaleness`
   * allows: the call is refused without looking at the token's conditions (`failures` is empty).
   */
  readonly revocationsStale?: RevocationStaleness;
  readonly keyId: string;
  readonly delegationId: string;
}

/**
 * Why a verifier refused every call: its view of revocations is too old to trust.
 *
 * @example
 * ```ts
 * if (!d.allowed && d.revocationsStale) console.log(`revocations last complete ${d.revocationsStale.completeAt}`);
 * ```
 */
export interface RevocationStaleness {
  /** When the view was last complete (RFC 3339, UTC), or `null` when it never was. */
  readonly completeAt: string | null;
  /** The most the verifier accepts, in seconds. */
  readonly maxStaleness: number;
}

/**
 * The result of `authorize`; switch on `allowed`.
 *
 * @example
 * ```ts
 * const decision = authorize(token, { tool: 'fs.read', args: { path }, principal: 'coder' }, { rootKeys });
 * if (!decision.allowed) for (const f of decision.failures) console.log(f.block, f.author, f.reason);
 * ```
 */
export type AuthorizationDecision = AuthorizationAllowed | AuthorizationDenied;

/**
 * What a denial says of a revoked token: the hop that was revoked (a block of this token) and
 * the revocation.
 *
 * @example
 * ```ts
 * if (!d.allowed && d.revoked) console.log(`block ${d.revoked.block} revoked by ${d.revoked.by}: ${d.revoked.reason}`);
 * ```
 */
export interface RevokedHop {
  /** The revoked id (a hop of this token), or the revoked principal's name. */
  readonly target: string;
  readonly kind: 'hop' | 'principal';
  /** The block of this token that the revocation reaches first. */
  readonly block: number;
  /** The caveat (index in the token) the revoked hop ends with, or its grantee's marker. */
  readonly index: number;
  readonly grantor: string;
  readonly grantee: string | null;
  readonly by: string;
  /** When (RFC 3339, UTC). */
  readonly at: string;
  readonly reason: string;
}
