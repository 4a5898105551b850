/**
 * The macaroon layer's public names: libmacaroons-compatible HMAC-SHA256 macaroons (mint,
 * attenuate, third-party caveats and discharges, v1/v2/v2 JSON encodings, verification). It
 * knows nothing of the scope DSL: caveats are bytes here. Re-exports only.
 */
export { Macaroon } from './macaroon.js';
export type { FirstPartyCaveat, MacaroonCaveat, ThirdPartyCaveat } from './macaroon.js';
export {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  createMacaroon,
} from './create.js';
export type { CreateMacaroonOptions, ThirdPartyCaveatOptions } from './create.js';
export {
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  normalizeMacaroonText,
} from './codec.js';
export type { DecodeMacaroonOptions, EncodeMacaroonOptions, MacaroonFormat } from './codec.js';
export { verifyMacaroon, verifyMacaroonSignature } from './verify.js';
export { macaroonPrefixDigests } from './prefix-digests.js';
export type { VerifyMacaroonOptions, VerifyMacaroonSignatureOptions } from './verify.js';
export {
  MACAROON_DEFAULT_LIMITS,
  MACAROON_MAX_CAVEATS,
  MACAROON_MAX_DISCHARGE_DEPTH,
  MACAROON_MAX_DISCHARGES,
  MACAROON_MAX_FIELD_SIZE,
  MACAROON_MAX_TOKEN_SIZE,
} from './limits.js';
export type { MacaroonLimits } from './limits.js';
export {
  MACAROON_SIGNATURE_MESSAGE,
  MacaroonCaveatError,
  MacaroonDischargeError,
  MacaroonError,
  MacaroonLimitError,
  MacaroonMalformedError,
  MacaroonSignatureError,
} from './errors.js';
export type {
  MacaroonCaveatFailure,
  MacaroonDischargeProblem,
  MacaroonFormatName,
  MacaroonLimitName,
} from './errors.js';
export type { MacaroonErrorCode } from '../errors.js';
