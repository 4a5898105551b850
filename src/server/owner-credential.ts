/**
 * The owner's credential for the service: a random bearer secret that is not a root key (it
 * signs nothing, and leaking it does not let anyone mint tokens offline), kept in the home
 * (`owner.credential`, mode 0600) and rotatable. The service compares what a caller presents
 * against it in constant time, by SHA-256 digest, so the comparison takes the same time however
 * much of it matches.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64urlEncode } from '../_base64url.js';

/** Every owner credential starts with this, so a bearer value says which kind it is. */
export const OWNER_CREDENTIAL_PREFIX = 'mandate-owner.';

/**
 * A fresh owner credential: the prefix and 32 random bytes in base64url.
 *
 * @example
 * ```ts
 * writeFileSync(join(home, 'owner.credential'), createOwnerCredential(), { mode: 0o600 });
 * ```
 */
export function createOwnerCredential(): string {
  return `${OWNER_CREDENTIAL_PREFIX}${base64urlEncode(randomBytes(32))}`;
}

/**
 * Whether `value` is written as an owner credential (not whether it is the right one).
 *
 * @example
 * ```ts
 * isOwnerCredentialForm(bearer); // true for 'mandate-owner.…'
 * ```
 */
export function isOwnerCredentialForm(value: string): boolean {
  return /^mandate-owner\.[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * A check of presented credentials against `current()` (read on each call, so a rotated
 * credential takes effect at once), in constant time.
 *
 * @example
 * ```ts
 * const isOwner = ownerCheck(() => readFileSync(path, 'utf8').trim());
 * if (isOwner(bearer)) …
 * ```
 */
export function ownerCheck(current: () => string | undefined): (presented: string) => boolean {
  return (presented) => {
    const expected = current();
    if (expected === undefined || !isOwnerCredentialForm(expected)) return false;
    const a = sha256(utf8ToBytes(presented));
    const b = sha256(utf8ToBytes(expected));
    return timingSafeEqual(a, b);
  };
}
