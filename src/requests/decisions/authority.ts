/**
 * Who is acting, and how far their authority reaches. A requester and an agent grantor both
 * prove themselves with their current token: it must verify under the Delegator's root keys,
 * name a principal in its last marker (and the principal claimed, when one is), and still allow
 * something now. A token that verifies but can no longer allow any request (expired, or
 * carrying a caveat nobody here can evaluate) is *stale* and refused, so that nobody asks or
 * decides on authority that is already gone. The owner's authority is everything; an agent's is
 * the conjunction of every condition in its token, and the algebra's `contains` says whether a
 * scope lies inside it. Containment is checked *at this moment* (the scope conjoined with
 * `time == now`): an agent token with an expiry cannot contain a timeless scope for all time,
 * but the token it derives carries that expiry anyway, so "now" is the question that matters.
 */
import {
  BEARER_PRINCIPAL,
  OWNER_PRINCIPAL,
  TokenInvalidError,
  verifyDelegation,
  type RootKeyring,
  type VerifiedDelegation,
} from '../../delegation/index.js';
import { contains, satisfiable, type Containment } from '../../scope/index.js';
import { describe } from '../../_assert.js';
import { RequestTokenError } from '../errors.js';
import { timeAt } from './grant.js';
import { REQUEST_LIMITS, fingerprint } from '../input.js';
import type { RequestStore } from '../store/store.js';

/** An agent that proved itself with its current token. */
export interface Holder {
  readonly token: string;
  /** The principal its last marker names. */
  readonly principal: string;
  /** The grantor of its last block: whom it asks, and whom its requests are addressed to. */
  readonly askFrom: string;
  readonly delegation: VerifiedDelegation;
  /** Every condition of every block, canonical: the token's scope. */
  readonly conditions: readonly string[];
  readonly fingerprint: string;
}

/**
 * Verifies `token` as the credential of an agent: signature, a named principal (equal to
 * `claimed` when given), and not stale at `now`. Throws `RequestTokenError` otherwise.
 *
 * @example
 * ```ts
 * const holder = verifyHolder(token, { rootKeys, now: new Date(), claimed: 'coder' });
 * console.log(holder.principal, holder.askFrom);
 * ```
 */
export function verifyHolder(
  token: string,
  options: { readonly rootKeys: RootKeyring; readonly now: Date; readonly claimed?: string },
): Holder {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  if (token.length > REQUEST_LIMITS.maxTokenLength)
    throw new RequestTokenError('invalid', 'token is invalid');
  let delegation: VerifiedDelegation;
  try {
    delegation = verifyDelegation(token, { rootKeys: options.rootKeys });
  } catch (err) {
    if (err instanceof TokenInvalidError)
      throw new RequestTokenError('invalid', 'token is invalid');
    throw err;
  }
  const principal = delegation.principal;
  if (principal === OWNER_PRINCIPAL || principal === BEARER_PRINCIPAL)
    throw new RequestTokenError('invalid', 'token is invalid');
  if (principal === null) {
    throw new RequestTokenError(
      'no-principal',
      'a bearer token names no principal: it cannot ask or decide',
    );
  }
  if (options.claimed !== undefined && options.claimed !== principal) {
    throw new RequestTokenError(
      'principal-mismatch',
      `the token is delegated to ${JSON.stringify(principal)}, not ${JSON.stringify(options.claimed)}`,
    );
  }
  if (delegation.blocks.some((b) => b.unknownCaveats.length > 0)) {
    throw new RequestTokenError(
      'stale',
      'the token carries a caveat that cannot be evaluated here, so it allows nothing',
    );
  }
  const conditions = delegation.blocks.flatMap((b) => b.conditions);
  const alive = satisfiable([...conditions, timeAt(options.now.getTime())]);
  if (alive.satisfiable === false) {
    throw new RequestTokenError(
      'stale',
      'the token no longer allows anything (it has expired or its conditions contradict)',
    );
  }
  return {
    token,
    principal,
    askFrom: delegation.askFrom,
    delegation,
    conditions,
    fingerprint: fingerprint(token),
  };
}

/**
 * Whether the grantor's authority contains `scope` at `now`: always for the owner; for an agent,
 * the algebra's verdict on its token's conditions, with `contained: false` carrying a witness
 * request that `scope` allows and the token refuses. `'unknown'` must be read as "not contained".
 *
 * @example
 * ```ts
 * const verdict = authorityContains(holder, ['tool == "fs.write"'], new Date());
 * if (verdict.contained !== true) console.log('escalate', verdict);
 * ```
 */
export function authorityContains(
  grantor: 'owner' | Holder,
  scope: readonly string[],
  now: Date,
): Containment {
  if (grantor === 'owner') return { contained: true };
  return contains([...grantor.conditions], [...scope, timeAt(now.getTime())]);
}

/**
 * `verifyHolder`, then records the first sighting of the token in the audit log
 * (`delegation-seen`, with its chain and fingerprint, never the token).
 *
 * @example
 * ```ts
 * const holder = await authenticate(store, token, { rootKeys, now: new Date(), claimed: 'coder' });
 * ```
 */
export async function authenticate(
  store: RequestStore,
  token: unknown,
  options: { readonly rootKeys: RootKeyring; readonly now: Date; readonly claimed?: string },
): Promise<Holder> {
  if (typeof token !== 'string')
    throw new TypeError(`token must be a string, got ${describe(token)}`);
  const holder = verifyHolder(token, options);
  await store.markSeen(holder.fingerprint, {
    at: options.now.getTime(),
    kind: 'delegation-seen',
    actor: holder.principal,
    subject: holder.askFrom,
    requestId: null,
    details: {
      token: holder.fingerprint,
      delegationId: holder.delegation.delegationId,
      keyId: holder.delegation.keyId,
      chain: holder.delegation.blocks.map((b) => `${b.grantor} -> ${b.grantee ?? '(bearer)'}`),
    },
  });
  return holder;
}
