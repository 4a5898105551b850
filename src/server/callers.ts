/**
 * Who is calling the service. The owner presents the owner credential; an agent presents its
 * own current mandate token, verified on every call as the library does (the HMAC chain under
 * a live root key, a principal named by its last marker, not revoked; the Delegator's verbs then
 * check it is not expired or stale). Anything else, and any token that fails, gets the one fixed
 * 401 answer. A bearer token (no marker) names nobody, so it cannot call the service as an agent.
 */
import {
  revocationFor,
  verifyDelegation,
  type Delegation,
  type RevocationSource,
  type RootKeyring,
} from '../delegation/index.js';
import type { GrantorRef } from '../requests/index.js';
import { MandateError } from '../errors.js';
import { ServiceError, UNAUTHORIZED_MESSAGE } from './errors.js';
import { OWNER_CREDENTIAL_PREFIX } from './owner-credential.js';

/** An identified caller. */
export type Caller =
  | { readonly kind: 'owner' }
  | {
      readonly kind: 'agent';
      readonly delegation: Delegation;
      /** Its principal. */
      readonly name: string;
      /** One key per agent (its place in the tree), for rate limits and stream counts. */
      readonly key: string;
    };

/** What identifying a caller needs. */
export interface CallerCheck {
  readonly rootKeys: RootKeyring;
  readonly revocations: RevocationSource;
  /** Whether a presented owner credential is the current one (constant time). */
  readonly isOwner: (presented: string) => boolean;
}

/**
 * The caller an `Authorization` header names, or the fixed 401 `ServiceError`.
 *
 * @example
 * ```ts
 * const caller = callerOf(c.req.header('authorization'), check);
 * ```
 */
export function callerOf(header: string | undefined, check: CallerCheck): Caller {
  const bearer = bearerOf(header);
  if (bearer.startsWith(OWNER_CREDENTIAL_PREFIX)) {
    if (check.isOwner(bearer)) return { kind: 'owner' };
    throw unauthorized();
  }
  let delegation: Delegation;
  try {
    delegation = verifyDelegation(bearer, { rootKeys: check.rootKeys });
  } catch (err) {
    if (err instanceof MandateError || err instanceof TypeError) throw unauthorized();
    throw err;
  }
  const name = delegation.principal;
  if (name === null || revocationFor(delegation, check.revocations) !== undefined)
    throw unauthorized();
  return { kind: 'agent', delegation, name, key: JSON.stringify(delegation.place) };
}

/**
 * The bearer value of an `Authorization` header, or the fixed 401.
 *
 * @example
 * ```ts
 * bearerOf('Bearer abc'); // 'abc'
 * ```
 */
export function bearerOf(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer +([^\s]+)\s*$/i.exec(header);
  if (match === null) throw unauthorized();
  return match[1] as string;
}

/**
 * The caller as the Delegator's verbs take it.
 *
 * @example
 * ```ts
 * await delegator.approve(id, { by: grantorRef(caller) });
 * ```
 */
export function grantorRef(caller: Caller): GrantorRef {
  return caller.kind === 'owner' ? 'owner' : { token: caller.delegation };
}

/** The caller must be the owner: a 403 for an agent. */
export function ownerOnly(caller: Caller, what: string): void {
  if (caller.kind !== 'owner')
    throw new ServiceError('ERR_SERVER_FORBIDDEN', `${what} is for the owner only`, 403);
}

function unauthorized(): ServiceError {
  return new ServiceError('ERR_SERVER_UNAUTHORIZED', UNAUTHORIZED_MESSAGE, 401);
}
