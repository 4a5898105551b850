/**
 * Creating delegations: `mintDelegation` (the owner, with a root key) and `delegate` (any
 * holder, offline, from its own token).
 *
 * Both only ever *append* caveats to a macaroon: there is no API here, or anywhere in the
 * library, that removes, reorders or rewrites a caveat, and the HMAC chain makes any such
 * change detectable. So a delegated token can never allow anything its parent does not. Every
 * condition is parsed and stored in canonical form before it is appended; markers and expiry
 * conditions are built as ASTs and printed, never assembled from strings.
 */
import { assertDate, assertObject, describe } from '../_assert.js';
import {
  addFirstPartyCaveat,
  createMacaroon,
  encodeMacaroon,
  MacaroonLimitError,
  type Macaroon,
} from '../macaroon/index.js';
import {
  MAX_INSTANT_MS,
  printCaveat,
  satisfiable,
  timeBefore,
  type Condition,
} from '../scope/index.js';
import { readChain } from './_chain.js';
import { newIdentifier } from './_identifier.js';
import { parseConditions, type ParsedCondition } from './conditions.js';
import { verifiedChain, type Delegation } from './delegation.js';
import { rootKeySecret, signingKeyOf, type RootKey, type RootKeyring } from './keys.js';
import { assertPrincipal } from './principal.js';
import { DELEGATION_TOKEN_LIMITS } from './token-limits.js';

/**
 * Options of `mintDelegation`.
 *
 * @example
 * ```ts
 * mintDelegation(ring, { to: 'planner', conditions: ['tool ~ "fs.*"'], location: 'https://runner', expiresIn: 3600 });
 * ```
 */
export interface MintOptions {
  /** The first grantee. Omit it to mint a bearer token (any holder may use it). */
  readonly to?: string;
  /** The owner's conditions (DSL texts); their conjunction is the token's scope. */
  readonly conditions: readonly string[];
  /** The macaroon's location hint (not checked). Default: none. */
  readonly location?: string;
  /** Lifetime in seconds: appends `time < <now + expiresIn>`. */
  readonly expiresIn?: number;
  /** The clock for `expiresIn`. Default: the current time. */
  readonly now?: Date;
}

/**
 * Options of `delegate`.
 *
 * @example
 * ```ts
 * delegate(token, { to: 'coder', conditions: ['tool == "fs.read"'], expiresIn: 600 });
 * ```
 */
export interface DelegateOptions {
  /** The subagent's principal. */
  readonly to: string;
  /** The conditions this hop adds (DSL texts). They can only narrow the parent's scope. */
  readonly conditions: readonly string[];
  /** Lifetime in seconds: appends `time < <now + expiresIn>`. */
  readonly expiresIn?: number;
  /** The clock for `expiresIn`. Default: the current time. */
  readonly now?: Date;
}

/**
 * Something about a new delegation worth telling its grantor.
 *
 * @example
 * ```ts
 * const { warnings } = delegate(token, { to: 'coder', conditions: ['tool == "nothing"'] });
 * if (warnings.some((w) => w.code === 'empty-scope')) console.warn('coder can do nothing');
 * ```
 */
export interface DelegationWarning {
  /**
   * `empty-scope`: no request satisfies all conditions of the new token (it allows nothing).
   * `scope-unchecked`: the scope is too large for the algebra to decide that within its limits.
   */
  readonly code: 'empty-scope' | 'scope-unchecked';
  readonly message: string;
}

/**
 * The result of `delegate`.
 *
 * @example
 * ```ts
 * const { token: coderToken, warnings } = delegate(plannerToken, { to: 'coder', conditions: [] });
 * ```
 */
export interface DelegationResult {
  /** The subagent's token (v2, base64url). */
  readonly token: string;
  readonly warnings: readonly DelegationWarning[];
}

/**
 * Mints a delegation under a root key (or a keyring's signing key): a v2 macaroon, base64url
 * without padding, whose identifier carries the key id and a fresh random delegation id.
 *
 * @example
 * ```ts
 * const ring = new RootKeyring([createRootKey()]);
 * const token = mintDelegation(ring, {
 *   to: 'planner',
 *   conditions: ['tool ~ "fs.*" and args.path ~ "/home/ana/project/**"'],
 *   expiresIn: 8 * 3600,
 * });
 * ```
 */
export function mintDelegation(rootKey: RootKey | RootKeyring, options: MintOptions): string {
  const key = signingKeyOf(rootKey, 'rootKey');
  assertObject(options, 'options');
  if (options.to !== undefined) assertPrincipal(options.to, 'options.to');
  if (options.location !== undefined && typeof options.location !== 'string') {
    throw new TypeError(`options.location must be a string, got ${describe(options.location)}`);
  }
  const conditions = parseConditions(options.conditions, 'options.conditions');
  const expiry = expiryCondition(options.expiresIn, options.now);
  const { bytes } = newIdentifier(key.id);
  let macaroon = createMacaroon({
    rootKey: rootKeySecret(key),
    identifier: bytes,
    ...(options.location === undefined ? {} : { location: options.location }),
  });
  macaroon = append(macaroon, options.to, conditions, expiry);
  return tokenText(macaroon);
}

/**
 * Derives a subagent's token from `token` (text, or a `Delegation` from `verifyDelegation`),
 * offline: appends `to "<to>"`, then the conditions, then the expiry. Every condition must parse
 * (else `ConditionInvalidError`); conditions that leave the new scope empty are allowed but
 * reported in `warnings`. Token text that does not decode throws `TokenInvalidError` (its
 * signature is not checked: that needs the root key).
 *
 * @example
 * ```ts
 * const { token: coderToken, warnings } = delegate(plannerToken, {
 *   to: 'coder',
 *   conditions: ['tool in ["fs.read", "fs.write"]', 'args.path ~ "/home/ana/project/src/**"'],
 *   expiresIn: 3600,
 * });
 * ```
 */
export function delegate(token: string | Delegation, options: DelegateOptions): DelegationResult {
  const { token: encoded, scope } = appendBlock(token, options);
  return { token: encoded, warnings: scopeWarnings(scope) };
}

/**
 * @internal `delegate` without the emptiness check (an algebra call), for callers that know the
 * new block cannot empty the scope (an approval adds a disjunction that keeps what was held).
 */
export function appendBlock(
  token: string | Delegation,
  options: DelegateOptions,
): { readonly token: string; readonly scope: readonly Condition[] } {
  if (typeof token !== 'string' && (typeof token !== 'object' || token === null))
    throw new TypeError(`token must be a string or a Delegation, got ${describe(token)}`);
  assertObject(options, 'options');
  assertPrincipal(options.to, 'options.to');
  const conditions = parseConditions(options.conditions, 'options.conditions');
  const expiry = expiryCondition(options.expiresIn, options.now);
  const parent = typeof token === 'string' ? readChain(token) : verifiedChain(token, 'token');
  const next = append(parent.macaroon, options.to, conditions, expiry);
  const scope = [...parent.scope, ...conditions.map((c) => c.ast), ...(expiry ? [expiry] : [])];
  return { token: tokenText(next), scope };
}

function append(
  macaroon: Macaroon,
  to: string | undefined,
  conditions: readonly ParsedCondition[],
  expiry: Condition | undefined,
): Macaroon {
  let out = macaroon;
  if (to !== undefined)
    out = addFirstPartyCaveat(out, printCaveat({ kind: 'marker', principal: to }));
  for (const condition of conditions) out = addFirstPartyCaveat(out, condition.text);
  if (expiry !== undefined) out = addFirstPartyCaveat(out, printCaveat(expiry));
  return out;
}

/** The token's text, refused when it is past `DELEGATION_TOKEN_LIMITS` (no reader would take it). */
function tokenText(macaroon: Macaroon): string {
  const { maxCaveats, maxTokenSize } = DELEGATION_TOKEN_LIMITS;
  if (macaroon.caveats.length > maxCaveats)
    throw new MacaroonLimitError('maxCaveats', maxCaveats, macaroon.caveats.length);
  const text = encodeMacaroon(macaroon, { format: 'v2' });
  if (text.length > maxTokenSize)
    throw new MacaroonLimitError('maxTokenSize', maxTokenSize, text.length);
  return text;
}

function expiryCondition(expiresIn: unknown, now: unknown): Condition | undefined {
  if (now !== undefined) assertDate(now, 'options.now');
  if (expiresIn === undefined) return undefined;
  if (typeof expiresIn !== 'number')
    throw new TypeError(`options.expiresIn must be a number, got ${describe(expiresIn)}`);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0)
    throw new RangeError('options.expiresIn must be a positive number of seconds');
  const start = (now ?? new Date()).getTime();
  const ms = start + Math.round(expiresIn * 1000);
  if (ms > MAX_INSTANT_MS) throw new RangeError('options.expiresIn reaches past the year 9999');
  return timeBefore(ms);
}

function scopeWarnings(scope: readonly Condition[]): DelegationWarning[] {
  const result = satisfiable([...scope]);
  if (result.satisfiable === true) return [];
  if (result.satisfiable === false) {
    return [
      {
        code: 'empty-scope',
        message: 'no request satisfies every condition of the new token: it allows nothing',
      },
    ];
  }
  return [
    {
      code: 'scope-unchecked',
      message: `the new scope could not be checked for emptiness: ${result.reason}`,
    },
  ];
}
