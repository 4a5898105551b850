/**
 * The macaroon layer's errors: one class per way a token can fail, each with a stable `code`.
 *
 * Decoding fails with `MacaroonMalformedError` or `MacaroonLimitError` and nothing else (a
 * wrong argument *type* is a `TypeError`). Verification adds `MacaroonSignatureError`, whose
 * message is fixed and carries no detail (a forger learns nothing from it),
 * `MacaroonDischargeError` for discharge bookkeeping, and `MacaroonCaveatError`, which lists
 * every first-party caveat that `check` refused. None of them ever holds key material or a
 * signature.
 */
import { MandateError, type MacaroonErrorCode } from '../errors.js';
import { clip } from './_bytes.js';

/**
 * The base of every macaroon-layer error.
 *
 * @example
 * ```ts
 * try { decodeMacaroon(text); } catch (err) {
 *   if (err instanceof MacaroonError) console.log(err.code); // e.g. ERR_MACAROON_MALFORMED
 * }
 * ```
 */
export abstract class MacaroonError extends MandateError {
  declare readonly code: MacaroonErrorCode;
}

/**
 * The wire format a malformed token was being read as.
 *
 * @example
 * ```ts
 * const where: MacaroonFormatName | undefined = (err as MacaroonMalformedError).format; // e.g. 'v2j'
 * ```
 */
export type MacaroonFormatName = 'v1' | 'v2' | 'v2j' | 'base64';

/**
 * The input is not a well-formed macaroon in any supported format, or a caveat identifier read
 * as text is not UTF-8. `format` is the form being read when that is known; `offset` is where
 * reading stopped: a byte offset into the decoded bytes, or a character offset into text.
 *
 * @example
 * ```ts
 * try { decodeMacaroon('not a token'); } catch (err) {
 *   if (err instanceof MacaroonMalformedError) console.log(err.format, err.reason, err.offset);
 * }
 * ```
 */
export class MacaroonMalformedError extends MacaroonError {
  readonly reason: string;
  readonly format: MacaroonFormatName | undefined;
  readonly offset: number | undefined;

  constructor(
    reason: string,
    where: { readonly format?: MacaroonFormatName; readonly offset?: number } = {},
  ) {
    const format = where.format === undefined ? '' : ` (${where.format})`;
    const offset = where.offset === undefined ? '' : ` at offset ${where.offset}`;
    super('ERR_MACAROON_MALFORMED', `malformed macaroon${format}: ${reason}${offset}`);
    this.reason = reason;
    this.format = where.format;
    this.offset = where.offset;
  }

  protected override details(): Record<string, unknown> {
    return {
      reason: this.reason,
      ...(this.format === undefined ? {} : { format: this.format }),
      ...(this.offset === undefined ? {} : { offset: this.offset }),
    };
  }
}

/**
 * The names of the limits in `MacaroonLimits`.
 *
 * @example
 * ```ts
 * if (err instanceof MacaroonLimitError && err.limit === 'maxCaveats') console.log('too many caveats');
 * ```
 */
export type MacaroonLimitName =
  'maxTokenSize' | 'maxCaveats' | 'maxFieldSize' | 'maxDischarges' | 'maxDischargeDepth';

/**
 * A token, or a set of discharges, goes over one of the documented limits.
 *
 * @example
 * ```ts
 * try { decodeMacaroon(hugeText); } catch (err) {
 *   if (err instanceof MacaroonLimitError) console.log(err.limit, err.max, err.actual);
 * }
 * ```
 */
export class MacaroonLimitError extends MacaroonError {
  readonly limit: MacaroonLimitName;
  readonly max: number;
  readonly actual: number;

  constructor(limit: MacaroonLimitName, max: number, actual: number) {
    super('ERR_MACAROON_LIMIT', `macaroon exceeds ${limit}: ${actual} > ${max}`);
    this.limit = limit;
    this.max = max;
    this.actual = actual;
  }

  protected override details(): Record<string, unknown> {
    return { limit: this.limit, max: this.max, actual: this.actual };
  }
}

/**
 * The one message every signature failure carries.
 *
 * @example
 * ```ts
 * expect(err.message).toBe(MACAROON_SIGNATURE_MESSAGE); // 'macaroon signature is not valid'
 * ```
 */
export const MACAROON_SIGNATURE_MESSAGE = 'macaroon signature is not valid';

/**
 * The HMAC chain of the macaroon or of one of its discharges does not verify under the given
 * root key (wrong key, tampered token, unbound or wrongly bound discharge). The message is
 * always `MACAROON_SIGNATURE_MESSAGE` and there are no fields, by design.
 *
 * @example
 * ```ts
 * try { verifyMacaroon(m, wrongKey, { check: () => true }); } catch (err) {
 *   if (err instanceof MacaroonSignatureError) console.log(err.message); // macaroon signature is not valid
 * }
 * ```
 */
export class MacaroonSignatureError extends MacaroonError {
  constructor() {
    super('ERR_MACAROON_SIGNATURE', MACAROON_SIGNATURE_MESSAGE);
  }
}

/**
 * Why a set of discharges does not fit a macaroon.
 *
 * @example
 * ```ts
 * if (err instanceof MacaroonDischargeError && err.problem === 'missing') fetchDischarge(err.caveat);
 * ```
 */
export type MacaroonDischargeProblem = 'missing' | 'reused' | 'unused';

/**
 * A third-party caveat has no discharge (`missing`), a discharge would be used a second time
 * (`reused`: two caveats with one identifier, or a cycle), or a discharge was passed that no
 * caveat asked for (`unused`). `caveat` is the identifier of the third-party caveat concerned
 * (UTF-8, lossy for binary identifiers), `discharge` the index into the `discharges` option.
 *
 * @example
 * ```ts
 * try { verifyMacaroon(m, key, { check, discharges: [] }); } catch (err) {
 *   if (err instanceof MacaroonDischargeError) console.log(err.problem); // missing
 * }
 * ```
 */
export class MacaroonDischargeError extends MacaroonError {
  readonly problem: MacaroonDischargeProblem;
  readonly caveat: string | undefined;
  readonly discharge: number | undefined;

  constructor(problem: MacaroonDischargeProblem, caveat?: string, discharge?: number) {
    const what =
      problem === 'missing'
        ? `no discharge for third-party caveat ${JSON.stringify(clip(caveat ?? ''))}`
        : problem === 'reused'
          ? `discharge ${discharge} would be used twice (third-party caveat ${JSON.stringify(clip(caveat ?? ''))})`
          : `discharge ${discharge} is not required by any third-party caveat`;
    super('ERR_MACAROON_DISCHARGE', what);
    this.problem = problem;
    this.caveat = caveat;
    this.discharge = discharge;
  }

  protected override details(): Record<string, unknown> {
    return {
      problem: this.problem,
      ...(this.caveat === undefined ? {} : { caveat: this.caveat }),
      ...(this.discharge === undefined ? {} : { discharge: this.discharge }),
    };
  }
}

/**
 * One first-party caveat that `check` did not accept.
 *
 * @example
 * ```ts
 * for (const { discharge, index, caveat } of err.failures) console.log(discharge ?? 'token', index, caveat);
 * ```
 */
export interface MacaroonCaveatFailure {
  /** `null` for the macaroon itself, else the index into the `discharges` option. */
  readonly discharge: number | null;
  /** Index of the caveat in that macaroon's `caveats`. */
  readonly index: number;
  /** The caveat identifier as UTF-8 text (lossy for binary identifiers). */
  readonly caveat: string;
}

/**
 * The signatures verified, but `check` refused one or more first-party caveats; `failures`
 * lists all of them, in order (the macaroon's own caveats first, then each discharge's).
 *
 * @example
 * ```ts
 * try { verifyMacaroon(m, key, { check: () => false }); } catch (err) {
 *   if (err instanceof MacaroonCaveatError) for (const f of err.failures) console.log(f.index, f.caveat);
 * }
 * ```
 */
export class MacaroonCaveatError extends MacaroonError {
  readonly failures: readonly MacaroonCaveatFailure[];

  constructor(failures: readonly MacaroonCaveatFailure[]) {
    const first = failures[0];
    const where = first === undefined ? '' : `: ${JSON.stringify(clip(first.caveat))}`;
    const more = failures.length > 1 ? ` and ${failures.length - 1} more` : '';
    super('ERR_MACAROON_CAVEAT', `caveat not satisfied${where}${more}`);
    this.failures = Object.freeze(failures.map((f) => Object.freeze({ ...f })));
  }

  protected override details(): Record<string, unknown> {
    return { failures: this.failures };
  }
}
