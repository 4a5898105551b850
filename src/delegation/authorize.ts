/**
 * `authorize`: the decision on one tool call, offline, from the token and the root keys.
 *
 * Verification and policy are separate steps. First the HMAC chain is verified (or found in
 * the cache of verified chains); any failure there is the single, uninformative
 * `TokenInvalidError`. Then the policy: the request's principal must be the one the last `to`
 * marker names (a bearer token, with no marker, accepts any principal), every unknown caveat
 * denies, and *every* condition is evaluated — none is skipped after a failure — so that a
 * denial lists all that blocked the call. Passing conditions cost one call of their compiled
 * predicate; the explanation (reason and failing term) is computed only for the ones that fail.
 */
import { assertBoolean, assertDate, assertObject, assertString } from '../_assert.js';
import { evaluateCaveat, expiryOf, type ScopeRequest } from '../scope/index.js';
import { neededPermission } from './_needed.js';
import { grantorScope, type ChainCaveat } from './_chain.js';
import { assertRevocationOptions, revocationDenial, type RevocationSource } from './revocation.js';
import { AUTHORIZE_ALGEBRA_LIMITS, delegationBudget } from './budgets.js';
import type { Budget } from '../scope/algebra/limits.js';
import { chainOf, type Delegation } from './delegation.js';
import type {
  AuthorizationAllowed,
  AuthorizationDecision,
  AuthorizationFailure,
} from './decision.js';
import { assertRootKeys, type RootKeys } from './keys.js';

/**
 * The call being decided.
 *
 * @example
 * ```ts
 * const request: AuthorizeRequest = { tool: 'fs.read', args: { path: '/repo/a.ts' }, principal: 'coder' };
 * ```
 */
export interface AuthorizeRequest {
  /** The tool's name. */
  readonly tool: string;
  /** The call's arguments (a JSON object). */
  readonly args: Readonly<Record<string, unknown>>;
  /** Who is calling. Required by any token delegated with `to`; ignored by a bearer token. */
  readonly principal?: string;
}

/**
 * Options of `authorize`.
 *
 * @example
 * ```ts
 * authorize(token, request, { rootKeys: ring, now: new Date('2026-03-01T12:00:00Z') });
 * ```
 */
export interface AuthorizeOptions {
  /** The live root keys: a `RootKeyring` or an array of `RootKey`. */
  readonly rootKeys: RootKeys;
  /** The verifier's clock, the value of `time` in conditions. Default: the current time. */
  readonly now?: Date;
  /**
   * Use the cache of verified chains (default `true`). `false` verifies the HMAC chain afresh
   * and leaves the cache untouched; compiled conditions are cached by text either way.
   */
  readonly cache?: boolean;
  /**
   * Where to learn of revocations (`delegator.revocations()`, a `RevocationList` fed by the
   * service, or your own). A token that is revoked, or derived from a revoked one, or held
   * through a revoked principal, is denied with `revoked`. Without it nothing is checked.
   */
  readonly revocations?: RevocationSource;
  /**
   * With `revocations`: the most its view may lag, in seconds. When the source was last
   * complete longer ago than this before `now` (or never was), every call is denied with
   * `revocationsStale`: fail closed rather than honour a token revoked meanwhile.
   */
  readonly maxRevocationStaleness?: number;
}

/**
 * Decides whether `request` may run under `token` (token text, or a `Delegation` from
 * `verifyDelegation`, whose key must still be among `rootKeys`).
 *
 * Returns a decision (never throws for a denial); throws `TokenInvalidError` when the token is
 * malformed, minted under a key that is not in `rootKeys`, or has a bad signature, and
 * `TypeError`/`RangeError` for misuse.
 *
 * @example
 * ```ts
 * const decision = authorize(token, { tool: 'bank.transfer', args: { to: 'bob', amount: 500 }, principal: 'coder' },
 *   { rootKeys: ring, now: new Date() });
 * if (!decision.allowed) {
 *   for (const f of decision.failures) console.log(`block ${f.block} by ${f.author}: ${f.caveat} — ${f.reason}`);
 *   console.log('ask', decision.needed?.askFrom, 'for', decision.needed?.scope);
 * }
 * ```
 */
export function authorize(
  token: string | Delegation,
  request: AuthorizeRequest,
  options: AuthorizeOptions,
): AuthorizationDecision {
  assertObject(request, 'request');
  assertString(request.tool, 'request.tool');
  assertObject(request.args, 'request.args');
  const proto: unknown = Object.getPrototypeOf(request.args);
  if (proto !== Object.prototype && proto !== null)
    throw new TypeError('request.args must be a plain object');
  if (request.principal !== undefined) assertString(request.principal, 'request.principal');
  assertObject(options, 'options');
  assertRootKeys(options.rootKeys, 'options.rootKeys');
  const now = options.now ?? new Date();
  assertDate(now, 'options.now');
  if (options.cache !== undefined) assertBoolean(options.cache, 'options.cache');
  assertRevocationOptions(options);

  const { chain, readMs } = chainOf(token, options.rootKeys, 'token', options.cache !== false);
  const revocations = options.revocations;
  if (revocations !== undefined) {
    const refused = revocationDenial(chain, revocations, options.maxRevocationStaleness, now);
    if (refused !== undefined) return refused;
  }
  const scopeRequest: ScopeRequest = { tool: request.tool, args: request.args, time: now };

  let failures: AuthorizationFailure[] | undefined;
  let failing: string[] | undefined;
  let principalFailed = false;
  const marker = chain.lastMarker;
  if (
    marker !== null &&
    marker.analysis.kind === 'marker' &&
    request.principal !== marker.analysis.principal
  ) {
    principalFailed = true;
    failures = [principalFailure(marker, marker.analysis.principal, request.principal)];
  }
  let unknown = false;
  // One budget for the whole of a denial: explaining its failures and working out what would
  // help share it, so the token's holder cannot make one call cost more by adding caveats.
  let budget: Budget | undefined;
  for (const check of chain.checks) {
    const analysis = check.analysis;
    if (analysis.kind === 'condition') {
      if (analysis.test(scopeRequest)) continue;
      (failing ??= []).push(analysis.text);
      budget ??= delegationBudget(AUTHORIZE_ALGEBRA_LIMITS, readMs);
      (failures ??= []).push(conditionFailure(check, scopeRequest, budget));
    } else {
      unknown = true;
      const reason =
        analysis.kind === 'unknown' ? analysis.reason : (analysis.problem ?? 'unusable marker');
      (failures ??= []).push(failure(check, 'unknown-caveat', analysis.text, reason));
    }
  }

  if (failures === undefined) {
    const allowed: AuthorizationAllowed = {
      allowed: true,
      failures: [],
      keyId: chain.keyId,
      delegationId: chain.delegationId,
    };
    return allowed;
  }
  if (principalFailed && failures.length > 1) failures.sort((a, b) => a.index - b.index);
  const base = {
    allowed: false as const,
    failures,
    keyId: chain.keyId,
    delegationId: chain.delegationId,
  };
  if (principalFailed || unknown) return base;
  const expiry = expiryOf(chain.scope);
  if (expiry !== null && now.getTime() >= expiry) {
    // No permission request can help an expired token (a request needs a live one): no
    // `needed`, only when it expired and whom to ask for a new delegation.
    return { ...base, expired: { at: new Date(expiry).toISOString(), askFrom: chain.askFrom } };
  }
  const firstRefusing = failures.reduce((a, b) => (b.block < a.block ? b : a));
  // A denial is a denial: nothing that goes wrong while working out what would help may turn it
  // into an exception (a harness that handles denials would crash on it).
  try {
    const needed = neededPermission(
      budget ?? delegationBudget(AUTHORIZE_ALGEBRA_LIMITS, readMs),
      chain.scope,
      failing ?? [],
      grantorScope(chain),
      scopeRequest,
      chain.askFrom,
      firstRefusing.author,
    );
    return needed === undefined ? base : { ...base, needed };
  } catch (err) {
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { ...base, neededUnavailable: `the needed permission could not be computed (${why})` };
  }
}

/**
 * A failed condition with the evaluator's reason and failing term; once the call's budget is
 * spent, with a plain reason instead (the failure itself is still reported, in its place).
 */
function conditionFailure(
  check: ChainCaveat,
  request: ScopeRequest,
  budget: Budget,
): AuthorizationFailure {
  const analysis = check.analysis;
  if (analysis.kind !== 'condition') throw new Error('unreachable: not a condition');
  if (budget.spent !== undefined) {
    const reason = `${analysis.text} is not true for this request (not explained: the work budget of this call was spent)`;
    return failure(check, 'condition', analysis.text, reason);
  }
  const result = evaluateCaveat(analysis.ast, request);
  const reason = result.reason ?? `${analysis.text} is not true for this request`;
  return result.term === undefined
    ? failure(check, 'condition', analysis.text, reason)
    : { ...failure(check, 'condition', analysis.text, reason), term: result.term };
}

function principalFailure(
  marker: ChainCaveat,
  expected: string,
  actual: string | undefined,
): AuthorizationFailure {
  const text = marker.analysis.text;
  const reason =
    actual === undefined
      ? `the token is delegated to ${JSON.stringify(expected)} and the request names no principal`
      : `the token is delegated to ${JSON.stringify(expected)}, not ${JSON.stringify(actual)}`;
  return failure(marker, 'principal', text, reason);
}

function failure(
  check: ChainCaveat,
  kind: AuthorizationFailure['kind'],
  caveat: string,
  reason: string,
): AuthorizationFailure {
  return { kind, block: check.block, index: check.index, caveat, author: check.author, reason };
}
