/**
 * How large a delegation token may be. Tighter than the macaroon layer's own limits (65,536
 * characters, 512 caveats), for two reasons. A token is read on every call, and its holder
 * chooses what is in it: reading a fresh token costs in proportion to its caveats (about 10 µs
 * each, parsing included), so the caveat count bounds what an agent can make one call cost
 * before any budget starts. And a token travels in an HTTP `Authorization` header, where
 * servers and proxies commonly cap all headers together at 8–16 KiB (Node's default is 16 KiB).
 * A real chain uses a few dozen caveats: a marker, a few conditions and an expiry per hop, and an
 * approval replaces the token rather than extending it.
 *
 * Reading refuses a larger token as `TokenInvalidError`; `mintDelegation`, `delegate` and
 * approvals refuse to make one with `MacaroonLimitError` (`ERR_MACAROON_LIMIT`).
 *
 * @example
 * ```ts
 * if (header.length > DELEGATION_TOKEN_LIMITS.maxTokenSize) return reject(); // authorize would refuse it too
 * ```
 */
export const DELEGATION_TOKEN_LIMITS = Object.freeze({
  /** Longest token text, in characters, as received (whitespace of a wrapped copy included). */
  maxTokenSize: 16_384,
  /** Most caveats in one token, every hop's markers, conditions and expiries together. */
  maxCaveats: 128,
});
