/**
 * The verified `Delegation` value: what `verifyDelegation` returns and what every layer above
 * passes around instead of token text, so that a token is decoded, verified and parsed once.
 *
 * A `Delegation` is frozen and carries everything the other layers need: the token, its key id
 * and delegation id, the principal it is delegated to, whom to ask, its blocks (grantor,
 * grantee, conditions parsed and printed), its place in the delegation tree and its whole
 * scope. Only this module makes them: each one is registered, with the chain it was read from
 * and the root key that verified it, in a private `WeakMap`. Functions that take a
 * `Delegation` (`authorize`, `accessForTool`, `delegate`, the place predicates) look it up
 * there, so an object that merely has the right shape is refused, and they check that the key
 * that verified it is still live under the caller's keys, so retiring a key retires its values.
 * An unverified read (`inspectToken`) has a different type (`verified: false`) and is never
 * registered.
 */
import { assertObject, assertString, describe } from '../_assert.js';
import type { Condition } from '../scope/index.js';
import { chainHops, stillLive, verifyChain, type Chain } from './_chain.js';
import { TokenInvalidError } from './errors.js';
import { assertRootKeys, type RootKey, type RootKeys } from './keys.js';
import type {
  DelegationBlock,
  DelegationHops,
  TokenBlock,
  TokenBlockView,
  TokenView,
} from './token-shapes.js';

/**
 * A token whose HMAC chain verified under a live root key, read once. Pass it wherever a token
 * is taken; it serializes (`JSON.stringify`) without the token itself.
 *
 * @example
 * ```ts
 * const delegation: Delegation = verifyDelegation(token, { rootKeys: ring });
 * authorize(delegation, { tool: 'fs.read', args: { path: '/repo/a.ts' }, principal: 'coder' }, { rootKeys: ring });
 * ```
 */
export interface Delegation {
  readonly verified: true;
  /** The token text (v2 base64url as received): a credential, never log it. */
  readonly token: string;
  readonly keyId: string;
  readonly delegationId: string;
  /** The macaroon's location hint (not covered by the signature). */
  readonly location: string | null;
  /** The principal the token is delegated to (its last `to` marker), or `null` for a bearer token. */
  readonly principal: string | null;
  /** The grantor of the last block: whom the holder asks for more. */
  readonly askFrom: string;
  readonly blocks: readonly DelegationBlock[];
  /**
   * The token's place in the delegation tree: the grantee of every block in order (`null` for
   * a bearer block 0). Two tokens with the same place belong to the same agent.
   */
  readonly place: readonly (string | null)[];
  /** Every condition of every block, parsed: the token's whole scope (a conjunction). */
  readonly scope: readonly Condition[];
  /** The same conditions, printed in canonical form. */
  readonly conditions: readonly string[];
  /** Whether a caveat cannot be evaluated here: such a token allows nothing. */
  readonly hasUnknownCaveats: boolean;
  /** The hop ids of the token and of each block (computed on first read). */
  readonly hops: DelegationHops;
  /** The public view (no token, no parsed scope): what `JSON.stringify` writes. */
  toJSON(): TokenView & { readonly verified: true };
}

interface Internals {
  readonly chain: Chain;
  readonly key: RootKey;
}

const registry = new WeakMap<Delegation, Internals>();
const byChain = new WeakMap<Chain, Delegation>();

/**
 * Verifies a token's HMAC chain under `rootKeys` and returns it read once, as a `Delegation`.
 * This checks authenticity only, not any condition: use `authorize` to decide a call. Throws
 * the uninformative `TokenInvalidError` for a malformed token, unknown key or bad signature.
 * Given a `Delegation` already, it returns it unchanged when its key is still live under
 * `rootKeys`, and verifies its token afresh under `rootKeys` otherwise (another keyring object
 * holding the same key, for instance).
 *
 * @example
 * ```ts
 * const delegation = verifyDelegation(token, { rootKeys: ring });
 * console.log(delegation.principal, delegation.askFrom);
 * ```
 */
export function verifyDelegation(
  token: string | Delegation,
  options: { readonly rootKeys: RootKeys },
): Delegation {
  assertObject(options, 'options');
  assertRootKeys(options.rootKeys, 'options.rootKeys');
  if (typeof token !== 'string') {
    const internals = registry.get(token);
    if (internals === undefined) assertString(token, 'token');
    else if (stillLive(internals.chain, internals.key, options.rootKeys)) return token;
    else return verifyDelegation(token.token, options);
  }
  const { chain, key } = verifyChain(token, options.rootKeys);
  return delegationOf(chain, key);
}

/**
 * Whether `value` is a `Delegation` made by `verifyDelegation` (not merely shaped like one).
 *
 * @example
 * ```ts
 * isDelegation(verifyDelegation(token, { rootKeys })); // true
 * isDelegation({ ...delegation });                      // false
 * ```
 */
export function isDelegation(value: unknown): value is Delegation {
  return typeof value === 'object' && value !== null && registry.has(value as Delegation);
}

/**
 * @internal The chain behind a token argument: a `Delegation` (whose verifying key must still
 * be live under `rootKeys`) or token text, verified now. Throws `TypeError` for anything else
 * and `TokenInvalidError` for a token or value that does not verify under `rootKeys`.
 */
export function chainOf(
  value: unknown,
  rootKeys: RootKeys,
  name: string,
  useCache = true,
): { readonly chain: Chain; readonly key: RootKey; readonly readMs?: number } {
  if (typeof value === 'string') return verifyChain(value, rootKeys, useCache);
  const internals =
    typeof value === 'object' && value !== null ? registry.get(value as Delegation) : undefined;
  if (internals === undefined) {
    throw new TypeError(
      `${name} must be token text or a Delegation from verifyDelegation, got ${describe(value)}`,
    );
  }
  if (!stillLive(internals.chain, internals.key, rootKeys)) throw new TokenInvalidError();
  return internals;
}

/** @internal The chain behind a registered `Delegation`; `TypeError` for anything else. */
export function verifiedChain(value: Delegation, name: string): Chain {
  const internals = registry.get(value);
  if (internals === undefined) {
    throw new TypeError(
      `${name} must be a Delegation from verifyDelegation, got ${describe(value)}`,
    );
  }
  return internals.chain;
}

/** @internal The one `Delegation` for a verified chain (made on first use, then reused). */
export function delegationOf(chain: Chain, key: RootKey): Delegation {
  const known = byChain.get(chain);
  if (known !== undefined) return known;
  const blocks = chain.blocks.map(freezeBlock);
  const marker = chain.lastMarker?.analysis;
  const value: Omit<Delegation, 'toJSON' | 'hops'> = {
    verified: true as const,
    token: chain.token,
    keyId: chain.keyId,
    delegationId: chain.delegationId,
    location: chain.location,
    principal: marker?.kind === 'marker' ? marker.principal : null,
    askFrom: chain.askFrom,
    blocks: Object.freeze(blocks),
    place: Object.freeze(blocks.map((b) => b.grantee)),
    scope: Object.freeze([...chain.scope]),
    conditions: Object.freeze(blocks.flatMap((b) => b.conditions)),
    hasUnknownCaveats: blocks.some((b) => b.unknownCaveats.length > 0),
  };
  // `toJSON` is not enumerable, so spreading a Delegation copies only its data; it leaves the
  // token out, so logging a Delegation never logs a credential.
  Object.defineProperty(value, 'toJSON', { value: () => viewOf(chain, value), enumerable: false });
  // The hop ids cost a hash per caveat: computed when first read (revocation, display, audit).
  Object.defineProperty(value, 'hops', { get: () => hopsOf(chain), enumerable: true });
  const delegation = Object.freeze(value) as Delegation;
  registry.set(delegation, { chain, key });
  byChain.set(chain, delegation);
  return delegation;
}

/** @internal The hop ids of a chain, as a `Delegation` and the views show them. */
export function hopsOf(chain: Chain): DelegationHops {
  const { blocks, prefixes } = chainHops(chain);
  return { id: blocks[blocks.length - 1] as string, blocks, prefixes };
}

/** @internal A block as the public views show it (no parsed scope; its hop id). */
export function tokenBlock(b: TokenBlock, hops: DelegationHops): TokenBlockView {
  return {
    id: hops.blocks[b.block] as string,
    block: b.block,
    grantor: b.grantor,
    grantee: b.grantee,
    conditions: b.conditions,
    unknownCaveats: b.unknownCaveats,
  };
}

function freezeBlock(b: DelegationBlock): DelegationBlock {
  return Object.freeze({
    block: b.block,
    grantor: b.grantor,
    grantee: b.grantee,
    conditions: Object.freeze([...b.conditions]),
    scope: Object.freeze([...b.scope]),
    unknownCaveats: Object.freeze(b.unknownCaveats.map((u) => Object.freeze({ ...u }))),
  });
}

function viewOf(
  chain: Chain,
  d: Omit<Delegation, 'toJSON' | 'hops'>,
): TokenView & { readonly verified: true } {
  const hops = hopsOf(chain);
  return {
    verified: true,
    keyId: d.keyId,
    delegationId: d.delegationId,
    location: d.location,
    principal: d.principal,
    askFrom: d.askFrom,
    id: hops.id,
    blocks: d.blocks.map((b) => tokenBlock(b, hops)),
  };
}
