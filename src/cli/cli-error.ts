/**
 * The CLI's own failures: bad command-line input, a missing or unsafe home directory, an
 * unreadable token file. They are `MandateError`s like the library's, so the output layer prints
 * every failure the same way (one line, or `toJSON()` with `--json`) and scripts can switch on a
 * stable `code`.
 */
import { MandateError, type CliErrorCode } from '../errors.js';

/**
 * A failure of the command line itself (as opposed to a token, policy or request failure, which
 * the library reports with its own error classes).
 *
 * @example
 * ```ts
 * throw new CliError('ERR_CLI_BAD_INPUT', '--args is not JSON', { option: '--args' });
 * ```
 */
export class CliError extends MandateError {
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    code: CliErrorCode,
    message: string,
    fields: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.fields = fields;
  }

  protected override details(): Record<string, unknown> {
    return { ...this.fields };
  }
}

/**
 * A library error told in the command line's terms: its message replaced (`--allow #2: …` in
 * front, or `--expires` where the library said `options.expiresIn`), keeping its code, fields
 * and caret excerpt, and the original as `cause`. `fields` adds to the original's (the option).
 *
 * @example
 * ```ts
 * try { parseCondition(text); } catch (err) { throw inContext(err, '--allow #1'); }
 * ```
 */
export class ContextualError extends MandateError {
  readonly original: MandateError;
  readonly #fields: Readonly<Record<string, unknown>>;

  constructor(original: MandateError, message: string, fields: Record<string, unknown> = {}) {
    super(original.code, message, { cause: original });
    this.original = original;
    this.#fields = fields;
  }

  protected override details(): Record<string, unknown> {
    const fields = this.original.toJSON();
    delete fields['code'];
    delete fields['message'];
    return { ...fields, ...this.#fields };
  }
}

/**
 * `err` with `context` in front when it is a `MandateError`; anything else unchanged.
 *
 * @example
 * ```ts
 * catch (err) { throw inContext(err, '--allow #2'); }
 * ```
 */
export function inContext(err: unknown, context: string): unknown {
  return err instanceof MandateError ? new ContextualError(err, `${context}: ${err.message}`) : err;
}
