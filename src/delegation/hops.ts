/**
 * The identity of every hop of a token, for revocation and the delegation tree.
 *
 * A token is its identifier and its caveats in order; every token derived from it (a subagent's
 * delegation, an approval made from it, the holder's own attenuation) starts with exactly those
 * caveats. So each prefix of a token names a token that was, or could have been, handed out,
 * and a token is derived from another exactly when the other's caveats are a prefix of its own.
 * The prefix ids are the macaroon layer's prefix digests (a hash chain, see
 * macaroon/prefix-digests.ts), shown as `hop_` and the first 16 bytes in hex. The ids cover what the HMAC chain covers (not
 * the location hints), so two encodings of one token have the same ids, and a token's ids are
 * those of every token it was derived from, then its own. An id is a one-way digest of public
 * parts: anyone holding a token can compute its ids and its ancestors', nobody can rebuild a
 * token (that needs the signature) from one.
 *
 * A block's id is the id of the prefix that ends with the block: the token its grantee held, as
 * far as this token shows. A token's own id is its last block's.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { macaroonPrefixDigests, type Macaroon } from '../macaroon/index.js';

/** The text form of a hop id: `hop_` and 32 lowercase hex digits. */
export const HOP_ID_PATTERN = /^hop_[0-9a-f]{32}$/;

/**
 * Every prefix id of `macaroon`: `ids[i]` names the token made of its first `i` caveats, so
 * `ids[0]` is the bare mint and `ids[caveats.length]` the token itself.
 *
 * @example
 * ```ts
 * const ids = prefixIds(decodeMacaroon(token));
 * ids.at(-1); // 'hop_…': the token's own id
 * ```
 */
export function prefixIds(macaroon: Macaroon): string[] {
  return macaroonPrefixDigests(macaroon).map((d) => `hop_${bytesToHex(d.subarray(0, 16))}`);
}

/**
 * Whether `text` is written as a hop id.
 *
 * @example
 * ```ts
 * isHopId('hop_00112233445566778899aabbccddeeff'); // true
 * ```
 */
export function isHopId(text: unknown): text is string {
  return typeof text === 'string' && HOP_ID_PATTERN.test(text);
}
