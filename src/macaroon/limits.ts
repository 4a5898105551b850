/**
 * The size limits every macaroon from outside is held to, with their defaults.
 *
 * Decoding checks token size, caveat count and field length before it allocates anything in
 * proportion to them; verification checks the number and nesting depth of discharges before
 * any cryptography. Building a token (create, attenuate, encode) holds it to the defaults, so
 * whatever this library emits, it also accepts. Callers that read tokens can pass tighter (or
 * looser) limits through the `limits` option of `decodeMacaroon` and `verifyMacaroon`.
 */
import { mergeLimits } from '../_limits.js';

/**
 * Largest token, in bytes for binary input and in characters for text, in whatever form it
 * arrives (raw v2, base64, v2 JSON, v1). Default 65,536.
 *
 * @example
 * ```ts
 * if (header.length > MACAROON_MAX_TOKEN_SIZE) return reject(); // decodeMacaroon would refuse it too
 * ```
 */
export const MACAROON_MAX_TOKEN_SIZE = 65_536;
/**
 * Most caveats in one macaroon. Default 512.
 *
 * @example
 * ```ts
 * const room = MACAROON_MAX_CAVEATS - m.caveats.length; // caveats that can still be added
 * ```
 */
export const MACAROON_MAX_CAVEATS = 512;
/**
 * Longest identifier, caveat identifier, location or verification id, in bytes. Default 16,384.
 *
 * @example
 * ```ts
 * if (new TextEncoder().encode(caveat).length > MACAROON_MAX_FIELD_SIZE) split(caveat);
 * ```
 */
export const MACAROON_MAX_FIELD_SIZE = 16_384;
/**
 * Most discharges passed to one verification. Default 64.
 *
 * @example
 * ```ts
 * verifyMacaroon(m, key, { check, discharges, limits: { maxDischarges: 4 } }); // tighter than 64
 * ```
 */
export const MACAROON_MAX_DISCHARGES = 64;
/**
 * Deepest nesting of discharges (a discharge that itself needs a discharge is depth 2). Default 8.
 *
 * @example
 * ```ts
 * verifyMacaroon(m, key, { check, discharges, limits: { maxDischargeDepth: 1 } }); // no nesting
 * ```
 */
export const MACAROON_MAX_DISCHARGE_DEPTH = 8;

/**
 * Limits applied when reading or verifying tokens; pass any subset as the `limits` option.
 *
 * @example
 * ```ts
 * const strict: Partial<MacaroonLimits> = { maxTokenSize: 4096, maxCaveats: 32 };
 * decodeMacaroon(text, { limits: strict });
 * ```
 */
export interface MacaroonLimits {
  readonly maxTokenSize: number;
  readonly maxCaveats: number;
  readonly maxFieldSize: number;
  readonly maxDischarges: number;
  readonly maxDischargeDepth: number;
}

/**
 * The default limits, as one frozen object.
 *
 * @example
 * ```ts
 * decodeMacaroon(text, { limits: { ...MACAROON_DEFAULT_LIMITS, maxCaveats: 64 } });
 * ```
 */
export const MACAROON_DEFAULT_LIMITS: MacaroonLimits = Object.freeze({
  maxTokenSize: MACAROON_MAX_TOKEN_SIZE,
  maxCaveats: MACAROON_MAX_CAVEATS,
  maxFieldSize: MACAROON_MAX_FIELD_SIZE,
  maxDischarges: MACAROON_MAX_DISCHARGES,
  maxDischargeDepth: MACAROON_MAX_DISCHARGE_DEPTH,
});

/**
 * Merges a caller's partial limits over the defaults, checking each value.
 *
 * @example
 * ```ts
 * macaroonLimits({ maxCaveats: 32 }, 'options.limits').maxCaveats; // 32
 * ```
 */
export function macaroonLimits(partial: unknown, name: string): MacaroonLimits {
  return mergeLimits(MACAROON_DEFAULT_LIMITS, partial, name, 'a macaroon limit');
}
