/**
 * The delegation tree's records of one token: a hop per block, named by its hop id, each with
 * its parent, its place, its conditions and when it stops allowing anything, and every prefix id
 * up to its end (what the store indexes to find the hops derived from a revoked one).
 */
import type { Delegation } from '../../delegation/index.js';
import { expiryOf } from '../../scope/index.js';
import type { HopRecord } from '../store/model.js';

/** How the Delegator came to know a token. */
export interface HopSource {
  /** `mint` and `approval` name the token's last block's origin; the blocks before it are `seen`. */
  readonly source: HopRecord['source'];
  readonly at: number;
  /** For an approval: the id of the requester's token it answered. */
  readonly via?: string;
}

/**
 * The records of every block of `delegation`.
 *
 * @example
 * ```ts
 * await store.recordHops(hopRecords(delegation, { source: 'seen', at: Date.now() }));
 * ```
 */
export function hopRecords(delegation: Delegation, from: HopSource): HopRecord[] {
  const { blocks, prefixes } = delegation.hops;
  const last = delegation.blocks.length - 1;
  return delegation.blocks.map((b, k): HopRecord => {
    const id = blocks[k] as string;
    const upTo = delegation.blocks.slice(0, k + 1);
    return {
      id,
      parent: k === 0 ? null : (blocks[k - 1] as string),
      via: k === last ? (from.via ?? null) : null,
      delegationId: delegation.delegationId,
      keyId: delegation.keyId,
      block: k,
      grantor: b.grantor,
      grantee: b.grantee,
      place: upTo.map((x) => x.grantee),
      conditions: b.conditions,
      expiresAt: expiryOf(upTo.flatMap((x) => x.scope)),
      prefixes: prefixes.slice(0, prefixes.indexOf(id) + 1),
      source: k === last ? from.source : 'seen',
      firstSeenAt: from.at,
    };
  });
}
