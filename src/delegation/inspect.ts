/**
 * Reading a token's structure with nothing checked: `inspectToken`, for display and
 * debugging. Its result is typed and named so (`UnverifiedToken`, `verified: false`),
 * following biscuit and Fly.io's `UnsafeCaveats`: code that needs a verified token demands a
 * `Delegation` (from `verifyDelegation`) and cannot be handed an inspected one by mistake.
 */
import { assertString } from '../_assert.js';
import { readChain } from './_chain.js';
import { hopsOf, tokenBlock } from './delegation.js';
import type { TokenView } from './token-shapes.js';

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
  const chain = readChain(token);
  const marker = chain.lastMarker?.analysis;
  const hops = hopsOf(chain);
  return {
    verified: false,
    keyId: chain.keyId,
    delegationId: chain.delegationId,
    location: chain.location,
    principal: marker?.kind === 'marker' ? marker.principal : null,
    askFrom: chain.askFrom,
    id: hops.id,
    blocks: chain.blocks.map((b) => tokenBlock(b, hops)),
  };
}
