/**
 * The layout of a delegation's macaroon identifier: `md1.<keyId>.<delegationId>`, ASCII.
 *
 * `md1` names this layout (so a later one can coexist), `keyId` selects the root key among the
 * live ones (rotation), and `delegationId` is 16 random bytes in base64url (22 characters) that
 * name the chain for revocation and audit. Every token derived from a minted one (by `delegate`)
 * keeps the identifier, so the delegation id names the whole tree of hops under one mint. Text,
 * not binary, so that the v2 JSON form, logs and other macaroon libraries show it as it is.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { base64urlEncode } from '../_base64url.js';
import { utf8Decode } from '../_utf8.js';

const LAYOUT = /^md1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{21}[AQgw])$/;
const encoder = new TextEncoder();

/** The two fields of an identifier. */
export interface DelegationIdentifier {
  readonly keyId: string;
  readonly delegationId: string;
}

/** A fresh identifier for a mint under `keyId`. */
export function newIdentifier(keyId: string): {
  readonly bytes: Uint8Array;
  readonly delegationId: string;
} {
  const delegationId = base64urlEncode(randomBytes(16));
  return { bytes: encoder.encode(`md1.${keyId}.${delegationId}`), delegationId };
}

/** Reads an identifier; `undefined` when it does not have this layout exactly. */
export function parseIdentifier(bytes: Uint8Array): DelegationIdentifier | undefined {
  if (bytes.length > 90) return undefined;
  const text = utf8Decode(bytes);
  if (text === undefined) return undefined;
  const match = LAYOUT.exec(text);
  if (match === null) return undefined;
  return { keyId: match[1] as string, delegationId: match[2] as string };
}
