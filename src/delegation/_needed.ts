/**
 * The "needed permission" part of a denial: what would let the call through, and whom to ask.
 *
 * The minimal scope and up to three generalizations come from the algebra's `neededScope`. Each
 * is tagged with whether the grantor to ask can grant it now from its own authority: the grantor
 * of the last block holds the token without that block, so its scope is the conjunction of the
 * conditions of every earlier block, and "can grant now" is containment of the proposed scope,
 * restricted to the current instant, in that scope. (Without the restriction to now, any expiry
 * in the grantor's own token would make every unbounded proposal "not grantable", although a
 * grant derived from that token simply inherits the expiry.)
 */
import {
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
  contains,
  neededScope,
  timeAt,
  type Condition,
  type ScopeRequest,
} from '../scope/index.js';
import type { NeededPermission } from './decision.js';

/** Builds `needed` for a request that `scope` refuses. */
export function neededPermission(
  scope: readonly Condition[],
  grantorScope: readonly Condition[],
  request: ScopeRequest,
  askFrom: string,
): NeededPermission {
  // `within: []` (everything) keeps neededScope's own containment tags trivial: ours differ.
  const needed = neededScope(scope, request, { within: [] });
  const grantable = grantableNow(grantorScope, request.time);
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
  };
}

function grantableNow(
  grantorScope: readonly Condition[],
  time: Date,
): (proposal: readonly string[]) => boolean | 'unknown' {
  const ms = time.getTime();
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) return () => 'unknown';
  const now = timeAt(ms);
  return (proposal) => contains([...grantorScope], [...proposal, now]).contained;
}
