/**
 * Who is acting, and how far their authority reaches. One type says who acts (`Actor`): the
 * owner, who holds the root key, or an agent, proven by its current token read once into a
 * verified `Delegation`. A requester and an agent grantor both prove themselves so: the token
 * must verify under the Delegator's root keys, name a principal in its last marker (and the
 * principal claimed, when one is), and still allow something now. A token that verifies but
 * can no longer allow any request (expired, or carrying a caveat nobody here can evaluate) is
 * *stale* and refused, so that nobody asks or decides on authority that is already gone. The
 * owner's authority is everything; an agent's is the conjunction of every condition in its
 * token, and the algebra's `contains` says whether a scope lies inside it. Containment is
 * checked *at this moment* (the scope conjoined with `time == now`): an agent token with an
 * expiry cannot contain a timeless scope for all time, but the token it derives carries that
 * expiry anyway, so "now" is the question that matters.
 */
import {
  BEARER_PRINCIPAL,
  OWNER_PRINCIPAL,
  TokenInvalidError,
  inspectToken,
  isDelegation,
  parseConditions,
  revocationFor,
  revocationSentence,
  verifyDelegation,
  type Delegation,
  type RevocationSource,
  type RootKeyring,
} from '../../delegation/index.js';
import {
  contains,
  expiryOf,
  satisfiable,
  timeAt,
  type Condition,
  type Containment,
} from '../../scope/index.js';
import { describe } from '../../_assert.js';
import { RequestTokenError } from '../errors.js';
import { REQUEST_LIMITS, fingerprint } from '../input.js';
import type { KeyLog } from '../store/key-log.js';
import type { RequestStore } from '../store/store.js';
import { hopRecords } from './hop-records.js';

/**
 * Who acts: the owner, or an agent with its current, verified delegation.
 *
 * @example
 * ```ts
 * const who: Actor = OWNER;
 * console.log(who.name); // 'owner'
 * ```
 */
export type Actor = { readonly kind: 'owner'; readonly name: typeof OWNER_PRINCIPAL } | AgentActor;

/**
 * An agent that proved itself with its current token.
 *
 * @example
 * ```ts
 * const agent: AgentActor = verifyAgent(token, { rootKeys, now: new Date() });
 * console.log(agent.name, agent.delegation.askFrom);
 * ```
 */
export interface AgentActor {
  readonly kind: 'agent';
  /** The principal its last marker names. */
  readonly name: string;
  readonly delegation: Delegation;
  /** SHA-256 of the token, for the audit log (never the token). */
  readonly fingerprint: string;
}

/** The owner as an actor. */
export const OWNER: Actor = Object.freeze({ kind: 'owner', name: OWNER_PRINCIPAL });

/**
 * Verifies `token` as the credential of an agent: signature, a named principal (equal to
 * `claimed` when given), and not stale at `now`. Throws `RequestTokenError` otherwise.
 *
 * @example
 * ```ts
 * const agent = verifyAgent(token, { rootKeys, now: new Date(), claimed: 'coder' });
 * console.log(agent.name, agent.delegation.askFrom);
 * ```
 */
export function verifyAgent(
  token: string | Delegation,
  options: AgentCheck & { readonly claimed?: string },
): AgentActor {
  if (typeof token === 'string' && token.length > REQUEST_LIMITS.maxTokenLength)
    throw new RequestTokenError('invalid', 'token is invalid');
  const delegation = verifiedOrInvalid(token, options.rootKeys);
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
  refuseRevoked(delegation, options.revocations);
  if (delegation.hasUnknownCaveats) {
    throw new RequestTokenError(
      'stale',
      'the token carries a caveat that cannot be evaluated here, so it allows nothing',
    );
  }
  const expiry = expiryOf(delegation.scope);
  if (expiry !== null && options.now.getTime() >= expiry) {
    const at = new Date(expiry).toISOString();
    throw new RequestTokenError(
      'expired',
      `the token expired at ${at}; ask ${JSON.stringify(delegation.askFrom)} for a new delegation`,
    );
  }
  const alive = satisfiable([...delegation.scope, timeAt(options.now.getTime())]);
  if (alive.satisfiable === false) {
    throw new RequestTokenError(
      'stale',
      'the token no longer allows anything (it has expired or its conditions contradict)',
    );
  }
  return { kind: 'agent', name: principal, delegation, fingerprint: fingerprint(delegation.token) };
}

/**
 * A token (text or `Delegation`) verified under `rootKeys`, with a verification failure as
 * `RequestTokenError('invalid')`: the form every requests operation reports it in.
 *
 * @example
 * ```ts
 * const requester = verifiedOrInvalid(record.token, rootKeys);
 * ```
 */
export function verifiedOrInvalid(token: string | Delegation, rootKeys: RootKeyring): Delegation {
  try {
    return verifyDelegation(token, { rootKeys });
  } catch (err) {
    if (err instanceof TokenInvalidError)
      throw new RequestTokenError('invalid', 'token is invalid');
    throw err;
  }
}

/**
 * A token the Delegator kept after verifying it (a requester's, with its request), verified
 * again. When that fails and the store has recorded the retirement of the root key the token
 * names (and that key is not live here), the error says so, as `key-retired`: which key, when,
 * and that the requester must ask its grantor for a fresh delegation. The token verified once under
 * that key, so its retirement is what stopped it. The key id is read from the kept token
 * without verifying it, only to name the key; every other failure stays the opaque `invalid`.
 *
 * @example
 * ```ts
 * const requester = verifiedKept(record.token, { rootKeys, keyLog }, record);
 * ```
 */
export function verifiedKept(
  token: string,
  keys: {
    readonly rootKeys: RootKeyring;
    readonly keyLog: KeyLog;
    readonly revocations: RevocationSource;
  },
  who: { readonly requester: string; readonly grantor: string },
): Delegation {
  let kept: Delegation;
  try {
    kept = verifiedOrInvalid(token, keys.rootKeys);
  } catch (err) {
    if (!(err instanceof RequestTokenError)) throw err;
    const keyId = keyIdOf(token);
    const retiredAt = keyId === undefined ? undefined : keys.keyLog.retiredAt(keyId);
    if (keyId === undefined || retiredAt === undefined || keys.rootKeys.get(keyId) !== undefined)
      throw err;
    throw new RequestTokenError(
      'key-retired',
      `the requester's token was signed by root key ${JSON.stringify(keyId)}, retired at ${new Date(retiredAt).toISOString()}, so it can no longer be approved: ${who.requester} must get a fresh delegation from ${who.grantor} and ask again`,
    );
  }
  refuseRevoked(kept, keys.revocations);
  return kept;
}

/** What checking an agent's token needs: the live keys, the clock, and the revocations. */
export interface AgentCheck {
  readonly rootKeys: RootKeyring;
  readonly now: Date;
  readonly revocations: RevocationSource;
}

/** Throws `RequestTokenError('revoked')` when a revocation reaches `delegation`. */
function refuseRevoked(delegation: Delegation, revocations: RevocationSource): void {
  const revoked = revocationFor(delegation, revocations);
  if (revoked !== undefined) throw new RequestTokenError('revoked', revocationSentence(revoked));
}

/** The key id a token names, read without verifying it; `undefined` when it does not decode. */
function keyIdOf(token: string): string | undefined {
  try {
    return inspectToken(token).keyId;
  } catch (err) {
    if (err instanceof TokenInvalidError) return undefined;
    throw err;
  }
}

/**
 * The place of `actor` in the delegation tree, as the audit log records it: the grantees of its
 * token's blocks (`[]` for the owner, who holds the root).
 *
 * @example
 * ```ts
 * placeOf(agent); // ['planner', 'coder']
 * ```
 */
export function placeOf(actor: Actor): (string | null)[] {
  return actor.kind === 'owner' ? [] : [...actor.delegation.place];
}

/**
 * A stored scope (canonical condition texts) as ASTs, read through the one cache by text.
 *
 * @example
 * ```ts
 * contains(scopeOf(policy.scope), scopeOf(record.scope));
 * ```
 */
export function scopeOf(texts: readonly string[]): Condition[] {
  return parseConditions(texts, 'scope').map((c) => c.ast);
}

/**
 * Whether the actor's authority contains `scope` at `now`: always for the owner; for an agent,
 * the algebra's verdict on its token's conditions, with `contained: false` carrying a witness
 * request that `scope` allows and the token refuses. `'unknown'` must be read as "not contained".
 *
 * @example
 * ```ts
 * const verdict = authorityContains(agent, scopeOf(['tool == "fs.write"']), new Date());
 * if (verdict.contained !== true) console.log('escalate', verdict);
 * ```
 */
export function authorityContains(
  actor: Actor,
  scope: readonly Condition[],
  now: Date,
): Containment {
  if (actor.kind === 'owner') return { contained: true };
  return contains([...actor.delegation.scope], [...scope, timeAt(now.getTime())]);
}

/**
 * `verifyAgent`, then records the first sighting of the token in the audit log
 * (`delegation-seen`, with its chain and fingerprint, never the token).
 *
 * @example
 * ```ts
 * const agent = await authenticate(store, token, { rootKeys, now: new Date(), claimed: 'coder' });
 * ```
 */
export async function authenticate(
  store: RequestStore,
  token: unknown,
  options: AgentCheck & { readonly claimed?: string },
): Promise<AgentActor> {
  if (typeof token !== 'string' && (typeof token !== 'object' || token === null))
    throw new TypeError(`token must be a string, got ${describe(token)}`);
  const agent = verifyAgent(token as string | Delegation, options);
  const delegation = agent.delegation;
  const at = options.now.getTime();
  await store.markSeen(
    agent.fingerprint,
    {
      at,
      kind: 'delegation-seen',
      actor: agent.name,
      subject: delegation.askFrom,
      requestId: null,
      details: {
        token: agent.fingerprint,
        delegationId: delegation.delegationId,
        keyId: delegation.keyId,
        chain: delegation.blocks.map((b) => `${b.grantor} -> ${b.grantee ?? '(bearer)'}`),
        hop: delegation.hops.id,
      },
    },
    () => hopRecords(delegation, { source: 'seen', at }),
  );
  return agent;
}

/**
 * The actor a caller names in `by` (or `grantor`): `'owner'` for the holder of the Delegator,
 * or `{ token }` for an agent, authenticated as `authenticate` does.
 *
 * @example
 * ```ts
 * const actor = await actorFrom(store, options.by, 'options.by', { rootKeys, now: new Date() });
 * ```
 */
export async function actorFrom(
  store: RequestStore,
  by: unknown,
  field: string,
  options: AgentCheck,
): Promise<Actor> {
  if (by === 'owner') return OWNER;
  const token =
    typeof by === 'object' && by !== null ? (by as { token?: unknown }).token : undefined;
  if (typeof token !== 'string' && !isDelegation(token)) {
    throw new TypeError(`${field} must be 'owner' or { token }, got ${describe(by)}`);
  }
  return authenticate(store, token, options);
}
