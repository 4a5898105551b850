/**
 * The base of every error this library throws for a token, policy or request failure.
 *
 * Caller misuse (a wrong argument type or value) is a plain `TypeError` or `RangeError`
 * naming the argument; everything else is a `MandateError` subclass with a stable `code`
 * (`ERR_<AREA>_<REASON>`) to `switch` on, structured fields, an optional `cause`, and a
 * `toJSON()` that the CLI and server print as they are. Messages and fields never carry key
 * material or signatures.
 *
 * @example
 * ```ts
 * try { decodeMacaroon(text); } catch (err) {
 *   if (err instanceof MandateError) console.log(err.code, JSON.stringify(err));
 * }
 * ```
 */
export class MandateError extends Error {
  /** Stable machine-readable code, `ERR_<AREA>_<REASON>`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  /** Structured fields for `toJSON()`; subclasses override to add theirs. */
  protected details(): Record<string, unknown> {
    return {};
  }

  /** `{ code, message, ...fields }`: what the CLI and server print. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details() };
  }
}
