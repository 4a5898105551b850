/**
 * Reading a token's structure: `inspectToken` (no key, nothing checked, and named and typed
 * so) and `verifyDelegation` (the same view, after the HMAC chain verified under a live key).
 *
 * The two results differ in type (`verified: false` versus `verified: true`), following
 * biscuit and Fly.io's `UnsafeCaveats`: code that needs a verified token can demand
 * `VerifiedDelegation` and cannot be handed an inspected one by mistake.
 */
import { assertString } from '../_assert.js';
import { readChain, verifyChain, type Chain } from './_chain.js';
import { assertRootKeys, type RootKeys } from './keys.js';
import { OWNER_PRINCIPAL } from './principal.js';

/**
 * A caveat that no verifier here can evaluate; it makes every request fail.
 *
 * @example
 * ```ts
 * for (const u of inspectToken(token).blocks.flatMap((b) => b.unknownCaveats)) console.log(u.index, u.reason);
 * ```
 */
export interface UnknownTokenCaveat {
  readonly index: number;
  /** The caveat as received (or a description, for binary or third-party caveats). */
  readonly caveat: string;
  readonly reason: string;
}

/**
 * One delegation hop.
 *
 * @example
 * ```ts
 * for (const b of inspectToken(token).blocks) console.log(`${b.grantor} → ${b.grantee ?? '(bearer)'}`, b.conditions);
 * ```
 */
export interface TokenBlock {
  readonly block: number;
  /** Who wrote the block: `owner` for block 0, else the previous block's grantee. */
  readonly grantor: string;
  /** Whom the block delegates to (its `to` marker), or `null` for a bearer block 0. */
  readonly grantee: string | null;
  /** The block's conditions, printed in canonical form. */
  readonly conditions: readonly string[];
  readonly unknownCaveats: readonly UnknownTokenCaveat[];
}

/** What every view of a token shows. */
interface TokenView {
  readonly keyId: string;
  readonly delegationId: string;
  readonly location: string | null;
  /** The principal the token is delegated to (its last `to` marker), or `null` for a bearer token. */
  readonly principal: string | null;
  /** The grantor of the last block: whom the holder asks for more. */
  readonly askFrom: string;
  readonly blocks: readonly TokenBlock[];
}

/**
 * A token's structure as read, with *nothing* verified: anyone can forge this.
 *
 * @example
 * ```ts
 * const view: UnverifiedToken = inspectToken(token); // view.verified === false
 * ```
 */
export interface UnverifiedToken extends TokenView {
  readonly verified: false;
}

/**
 * A token's structure after its signature chain verified under a live root key.
 *
 * @example
 * ```ts
 * const checked: VerifiedDelegation = verifyDelegation(token, { rootKeys: ring }); // checked.verified === true
 * ```
 */
export interface VerifiedDelegation extends TokenView {
  readonly verified: true;
}

/**
 * Reads a token WITHOUT verifying it: key id, delegation id, and the blocks with their
 * grantors, grantees and conditions. For display and debugging only — the result says
 * `verified: false` because none of it is authenticated. Throws `TokenInvalidError` when the
 * token does not decode.
 *
 * @example
 * ```ts
 * const view = inspectToken(token);
 * for (const b of view.blocks) console.log(`${b.grantor} → ${b.grantee}:`, b.conditions);
 * ```
 */
export function inspectToken(token: string): UnverifiedToken {
  assertString(token, 'token');
  return { verified: false, ...view(readChain(token)) };
}

/**
 * Verifies a token's HMAC chain under `rootKeys` and returns its structure. This checks
 * authenticity only, not any condition: use `authorize` to decide a call. Throws the
 * uninformative `TokenInvalidError` for a malformed token, unknown key or bad signature.
 *
 * @example
 * ```ts
 * const delegation = verifyDelegation(token, { rootKeys: ring });
 * console.log(delegation.principal, delegation.askFrom);
 * ```
 */
export function verifyDelegation(
  token: string,
  options: { readonly rootKeys: RootKeys },
): VerifiedDelegation {
  assertString(token, 'token');
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  assertRootKeys(options.rootKeys, 'options.rootKeys');
  return { verified: true, ...view(verifyChain(token, options.rootKeys)) };
}

function view(chain: Chain): TokenView {
  const marker = chain.lastMarker?.analysis;
  const blocks: {
    block: number;
    grantor: string;
    grantee: string | null;
    conditions: string[];
    unknownCaveats: UnknownTokenCaveat[];
  }[] = [{ block: 0, grantor: OWNER_PRINCIPAL, grantee: null, conditions: [], unknownCaveats: [] }];
  for (const c of chain.caveats) {
    if (c.block === blocks.length)
      blocks.push({
        block: c.block,
        grantor: c.author,
        grantee: null,
        conditions: [],
        unknownCaveats: [],
      });
    const current = blocks[c.block]!;
    const a = c.analysis;
    if (a.kind === 'marker') {
      current.grantee = a.principal;
      if (a.problem !== undefined)
        current.unknownCaveats.push({ index: c.index, caveat: a.text, reason: a.problem });
    } else if (a.kind === 'condition') current.conditions.push(a.text);
    else current.unknownCaveats.push({ index: c.index, caveat: a.text, reason: a.reason });
  }
  return {
    keyId: chain.keyId,
    delegationId: chain.delegationId,
    location: chain.location,
    principal: marker?.kind === 'marker' ? marker.principal : null,
    askFrom: chain.askFrom,
    blocks,
  };
}
