/**
 * A digest of every prefix of a macaroon: `digests[i]` names the macaroon made of the identifier
 * and the first `i` caveats, and a macaroon derived from another by adding caveats has the
 * other's digests as a prefix of its own. They form a hash chain over what the HMAC chain
 * covers (the identifier, then each caveat's identifier and verification id; not the location
 * hints), each part preceded by its length:
 *
 * ```
 * d0     = SHA-256("macaroon prefix v1" ‖ len ‖ identifier)
 * d(i+1) = SHA-256(d(i) ‖ kind ‖ len ‖ caveat identifier ‖ len ‖ verification id)
 * ```
 *
 * A digest is a one-way function of public parts: it reveals no signature, so no holder can
 * rebuild a macaroon from it. The delegation layer names hops with them (revocation).
 */
import { sha256 } from './_hmac.js';
import type { Macaroon } from './macaroon.js';

const DOMAIN = new TextEncoder().encode('macaroon prefix v1');
const EMPTY = new Uint8Array(0);
const FIRST = Uint8Array.of(1);
const THIRD = Uint8Array.of(3);

/**
 * The digest of every prefix of `macaroon`, from the bare identifier (`[0]`) to the whole
 * macaroon (`[caveats.length]`), 32 bytes each.
 *
 * @example
 * ```ts
 * const digests = macaroonPrefixDigests(decodeMacaroon(token));
 * digests.length === decodeMacaroon(token).caveats.length + 1; // true
 * ```
 */
export function macaroonPrefixDigests(macaroon: Macaroon): Uint8Array[] {
  let digest = sha256(frame([DOMAIN, macaroon.identifier]));
  const out = [digest];
  for (const caveat of macaroon.caveats) {
    const third = caveat.kind === 'third-party';
    digest = sha256(
      frame([
        digest,
        third ? THIRD : FIRST,
        caveat.identifier,
        third ? caveat.verificationId : EMPTY,
      ]),
    );
    out.push(digest);
  }
  return out;
}

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
