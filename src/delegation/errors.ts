/**
 * The typed failures of the delegation area.
 *
 * `TokenInvalidError` is deliberately uninformative: a token that does not decode, names an
 * unknown key, or carries a wrong signature gets the same code and message, with no cause and no
 * fields, so that a caller probing with forged tokens learns nothing about which check failed. A
 * condition that does not parse while *delegating* is the caller's own input, so that error says
 * exactly which condition and why.
 */
import { MandateError } from '../errors.js';

/**
 * A token that cannot be trusted: malformed, minted under a key that is not live, or with a
 * signature that does not verify. Always the same message, never any detail.
 *
 * @example
 * ```ts
 * try { authorize(token, request, { rootKeys }); }
 * catch (err) { if (err instanceof TokenInvalidError) reply(401, err.toJSON()); }
 * // { code: 'ERR_TOKEN_INVALID', message: 'token is invalid' }
 * ```
 */
export class TokenInvalidError extends MandateError {
  constructor() {
    super('ERR_TOKEN_INVALID', 'token is invalid');
  }
}

/**
 * A condition given to `mintDelegation` or `delegate` that is not a valid scope condition (a
 * syntax or limit error, or a `to` marker where a condition belongs). `argument` and `index` say
 * where it was; `cause` is the scope layer's error.
 *
 * @example
 * ```ts
 * try { delegate(token, { to: 'coder', conditions: ['tool =='] }); }
 * catch (err) { if (err instanceof ConditionInvalidError) console.log(err.index, err.message); }
 * ```
 */
export class ConditionInvalidError extends MandateError {
  /** The argument that held the condition, e.g. `conditions`. */
  readonly argument: string;
  /** Position of the offending condition in that argument. */
  readonly index: number;

  constructor(argument: string, index: number, problem: string, options?: { cause?: unknown }) {
    super(
      'ERR_DELEGATION_CONDITION_INVALID',
      `${argument}[${index}] is not a valid condition: ${problem}`,
      options,
    );
    this.argument = argument;
    this.index = index;
  }

  protected override details(): Record<string, unknown> {
    return { argument: this.argument, index: this.index };
  }
}
