/**
 * The identity of every hop of a token, for revocation and the delegation tree.
 *
 * A token is its identifier and its caveats in order; every token derived from it (a subagent's
 * delegation, an approval made from it, the holder's own attenuation) starts with exactly those
 * caveats. So each prefix of a token names a token that was, or could have been, handed out,
 * and a token is derived from another exactly when the other's caveats are a prefix of its own.
 * The prefix ids form a hash chain:
 *
 * ```
 * p0     = SHA-256("mandate hop v1" ‖ len ‖ identifier)
 * p(i+1) = SHA-256(p(i) ‖ kind ‖ len ‖ caveat i's identifier ‖ len ‖ its verification id)
 * ```
 *
 * shown as `hop_` and the first 16 bytes in hex. The ids cover what the HMAC chain covers (not
 * the location hints), so two encodings of one token have the same ids, and a token's ids are
 * those of every token it was derived from, then its own. An id is a one-way digest of public
 * parts: anyone holding a token can compute its ids and its ancestors', nobody can rebuild a
 * token (that needs the signature) from one.
 *
 * A block's id is the id of the prefix that ends with the block: the token its grantee held, as
 * far as this token shows. A token's own id is its last block's.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Macaroon } from '../macaroon/index.js';

/** The text form of a hop id: `hop_` and 32 lowercase hex digits. */
export const HOP_ID_PATTERN = /^hop_[0-9a-f]{32}$/;

const DOMAIN = utf8ToBytes('mandate hop v1');
const EMPTY = new Uint8Array(0);

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
  let state = sha256(frame([DOMAIN, macaroon.identifier]));
  const ids = [idText(state)];
  for (const caveat of macaroon.caveats) {
    const third = caveat.kind === 'third-party';
    state = sha256(
      frame([
        state,
        third ? THIRD : FIRST,
        caveat.identifier,
        third ? caveat.verificationId : EMPTY,
      ]),
    );
    ids.push(idText(state));
  }
  return ids;
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

const FIRST = Uint8Array.of(1);
const THIRD = Uint8Array.of(3);

/** The parts, each preceded by its length (4 bytes, big-endian), as one array. */
function frame(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += 4 + p.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

function idText(digest: Uint8Array): string {
  return `hop_${bytesToHex(digest.subarray(0, 16))}`;
}
