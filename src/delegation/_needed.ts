/**
 * The "needed permission" part of a denial: what would let the call through, and whom to ask.
 *
 * The minimal scope and up to three generalizations come from the algebra's `neededScope`. Each
 * is tagged with whether the grantor to ask can grant it now from its own authority: the grantor
 * of the last block holds the token without that block, so its scope is the conjunction of the
 * conditions of every earlier block. An approval keeps every restriction of the token that the
 * granted scope does not speak to (docs/requests.md), so "can grant now" is containment in that
 * scope of the proposal together with the token's restrictions beside it, restricted to the
 * current instant. (Without the restriction to now, any expiry in the grantor's own token would
 * make every unbounded proposal "not grantable", although a grant derived from that token simply
 * inherits the expiry.) `grantableBy` is the author of the first block that refuses the call:
 * every grantor above it holds a token that allows it.
 */
import {
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
  contains,
  fieldsRead,
  neededScope,
  pinnedTool,
  restrictionsBeside,
  timeAt,
  compileCaveat,
  type Condition,
  type ScopeRequest,
} from '../scope/index.js';
import type { NeededPermission } from './decision.js';

/**
 * Builds `needed` for a request that `scope` refuses; `grantableBy` is the author of the first
 * refusing block.
 */
export function neededPermission(
  scope: readonly Condition[],
  grantorScope: readonly Condition[],
  request: ScopeRequest,
  askFrom: string,
  grantableBy: string,
): NeededPermission {
  // `within: []` (everything) keeps neededScope's own containment tags trivial: ours differ.
  const needed = neededScope(scope, request, { within: [] });
  const grantable = grantableNow(scope, grantorScope, request.time);
  return {
    scope: needed.conditions,
    grantable: grantable(needed.conditions),
    suggestions: needed.suggestions.map((s) => ({
      kind: s.kind,
      scope: s.conditions,
      grantable: grantable(s.conditions),
    })),
    unexpressible: needed.unexpressible,
    askFrom,
    grantableBy,
  };
}

function grantableNow(
  scope: readonly Condition[],
  grantorScope: readonly Condition[],
  time: Date,
): (proposal: readonly string[]) => boolean | 'unknown' {
  const ms = time.getTime();
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) return () => 'unknown';
  const now = timeAt(ms);
  return (proposal) => {
    const granted = proposal.map((text) => compileCaveat(text).condition);
    const kept = restrictionsBeside(scope, granted.flatMap(fieldsRead), pinnedTool(granted));
    return contains([...grantorScope], [...granted, ...kept, now]).contained;
  };
}
