/**
 * The shapes a token is shown in: its blocks (who granted what to whom) and the view a person
 * reads. The chain a token is read into (`_chain.ts`) and the verified `Delegation` share them.
 */
import type { Condition } from '../scope/index.js';

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

/**
 * What a token shows a person: who granted what to whom. `inspectToken` returns it unverified;
 * a `Delegation` serializes to it (`toJSON`), verified and without the token itself.
 *
 * @example
 * ```ts
 * const shown: TokenView = delegation.toJSON();
 * console.log(shown.verified, shown.blocks.length);
 * ```
 */
export interface TokenView {
  readonly verified: boolean;
  readonly keyId: string;
  readonly delegationId: string;
  readonly location: string | null;
  /** The principal the token is delegated to (its last `to` marker), or `null` for a bearer token. */
  readonly principal: string | null;
  /** The grantor of the last block: whom the holder asks for more. */
  readonly askFrom: string;
  /** The token's own hop id (its last block's): what `revoke` takes to refuse it and its subtree. */
  readonly id: string;
  readonly blocks: readonly TokenBlockView[];
}

/**
 * A block as a view shows it: with its hop id, the id of the token its grantee held (as far as
 * this token shows). Revoking that id refuses this block and every one after it.
 *
 * @example
 * ```ts
 * for (const b of inspectToken(token).blocks) console.log(b.id, b.grantee);
 * ```
 */
export interface TokenBlockView extends TokenBlock {
  readonly id: string;
}

/**
 * A token's hop ids (see hops.ts).
 *
 * @example
 * ```ts
 * const { id, blocks } = delegation.hops;
 * ```
 */
export interface DelegationHops {
  /** The token's own id: its last block's. */
  readonly id: string;
  /** Block k's id, for every block. */
  readonly blocks: readonly string[];
  /** Every prefix id: `prefixes[i]` names the token of the first `i` caveats (0: the bare mint). */
  readonly prefixes: readonly string[];
}

/**
 * One verified delegation hop, with its conditions parsed as well as printed.
 *
 * @example
 * ```ts
 * const last = delegation.blocks.at(-1);
 * console.log(last?.grantor, last?.scope.length);
 * ```
 */
export interface DelegationBlock extends TokenBlock {
  /** The block's conditions, parsed (same order as `conditions`). */
  readonly scope: readonly Condition[];
}
