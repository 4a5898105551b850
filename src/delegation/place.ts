/**
 * A token's place in the delegation tree, and the rules that depend on it. A principal name
 * alone proves nothing — any holder can append `to "<name>"` to its own token — so who may
 * decide a request, cancel it or speak for a grantor is decided by where verified tokens stand:
 * the sequence of grantees of their blocks. These predicates take `Delegation` values only
 * (verified, read once), never token text.
 */
import { verifiedChain, type Delegation } from './delegation.js';

/**
 * Whether `grantor` holds the place in the delegation tree that wrote the last block of
 * `requester`: its blocks' grantees are the requester's, less the last.
 *
 * @example
 * ```ts
 * isGrantorOf(planner, coder); // true when coder's token was delegated by this planner
 * ```
 */
export function isGrantorOf(grantor: Delegation, requester: Delegation): boolean {
  verifiedChain(grantor, 'grantor');
  verifiedChain(requester, 'requester');
  const a = grantor.place;
  const b = requester.place;
  return a.length === b.length - 1 && a.every((x, i) => x === b[i]);
}

/**
 * Whether two tokens stand at the same place in the delegation tree (same grantee path): the
 * same agent, with an older or newer token.
 *
 * @example
 * ```ts
 * samePlace(session.delegation, requesterOfRecord);
 * ```
 */
export function samePlace(a: Delegation, b: Delegation): boolean {
  verifiedChain(a, 'a');
  verifiedChain(b, 'b');
  return a.place.length === b.place.length && a.place.every((x, i) => x === b.place[i]);
}
