/**
 * The service's own errors, and how every error becomes an HTTP answer: JSON with a stable
 * `code`, an OAuth-style `error` word and a message, with the status the kind of failure calls
 * for. Nothing a client sent ever produces a 500 or a stack trace; a failure that is no
 * `MandateError` is logged by the server and answered with one fixed message.
 */
import { MandateError, type ErrorCode } from '../errors.js';

/**
 * An error answered over HTTP: raised by the service itself (an `ERR_SERVER_*` code), or, in a
 * `DelegatorClient`, the error the service answered with (its code, message and status: a
 * request not found is `ERR_REQUEST_NOT_FOUND` with status 404, as the library would throw it).
 *
 * @example
 * ```ts
 * throw new ServiceError('ERR_SERVER_BAD_REQUEST', 'the body must be a JSON object', 400);
 * ```
 */
export class ServiceError extends MandateError {
  /** The HTTP status it is answered with. */
  readonly status: number;

  constructor(
    code: ErrorCode,
    message: string,
    status: number,
    options?: { readonly cause?: unknown },
  ) {
    super(code, message, options);
    this.status = status;
  }

  protected override details(): Record<string, unknown> {
    return { status: this.status };
  }
}

/**
 * The one answer to a credential that is not accepted, whatever is wrong with it (malformed,
 * unknown key, bad signature, expired, revoked, another principal's, a wrong owner credential):
 * a caller learns nothing from it.
 */
export const UNAUTHORIZED_MESSAGE = 'the credential is not valid here';

/** An HTTP answer for an error: its status and JSON body. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: {
    readonly error: string;
    readonly code: string;
    readonly message: string;
  } & Record<string, unknown>;
}

const STATUS: Readonly<Record<string, readonly [number, string]>> = {
  ERR_REQUEST_NOT_FOUND: [404, 'not_found'],
  ERR_REQUEST_POLICY_NOT_FOUND: [404, 'not_found'],
  ERR_SERVER_NOT_FOUND: [404, 'not_found'],
  ERR_REQUEST_NOT_PENDING: [409, 'conflict'],
  ERR_REQUEST_EXPIRED: [409, 'conflict'],
  ERR_REQUEST_CANNOT_ESCALATE: [409, 'conflict'],
  ERR_REQUEST_FORBIDDEN: [403, 'forbidden'],
  ERR_SERVER_FORBIDDEN: [403, 'forbidden'],
  ERR_REQUEST_REVOKE_FORBIDDEN: [403, 'forbidden'],
  ERR_REQUEST_EXCEEDS_AUTHORITY: [403, 'insufficient_scope'],
  ERR_REQUEST_SCOPE_NOT_REQUESTED: [400, 'invalid_request'],
  ERR_REQUEST_INVALID: [400, 'invalid_request'],
  ERR_SCOPE_SYNTAX: [400, 'invalid_request'],
  ERR_SCOPE_TYPE: [400, 'invalid_request'],
  ERR_SCOPE_LIMIT: [400, 'invalid_request'],
  ERR_DELEGATION_CONDITION_INVALID: [400, 'invalid_request'],
  ERR_SERVER_BAD_REQUEST: [400, 'invalid_request'],
  ERR_SERVER_TOO_LARGE: [413, 'invalid_request'],
  ERR_SERVER_RATE_LIMITED: [429, 'slow_down'],
  ERR_REQUEST_STORE: [503, 'temporarily_unavailable'],
  ERR_REQUEST_STORE_UNAVAILABLE: [503, 'temporarily_unavailable'],
  ERR_SERVER_UNAVAILABLE: [503, 'temporarily_unavailable'],
};

/** Token problems: every one is the same 401, so that a caller learns nothing from it. */
const UNAUTHORIZED_CODES = new Set([
  'ERR_SERVER_UNAUTHORIZED',
  'ERR_TOKEN_INVALID',
  'ERR_REQUEST_TOKEN_INVALID',
  'ERR_REQUEST_TOKEN_EXPIRED',
  'ERR_REQUEST_TOKEN_STALE',
  'ERR_REQUEST_TOKEN_REVOKED',
  'ERR_REQUEST_TOKEN_PRINCIPAL',
]);

/**
 * The HTTP answer for `err`; `undefined` for a failure that is not the client's (no
 * `MandateError`, and not a misuse the library reports as `TypeError`/`RangeError`), which the
 * caller logs and answers with `INTERNAL`.
 *
 * @example
 * ```ts
 * const answer = errorAnswer(err) ?? INTERNAL;
 * return c.json(answer.body, answer.status);
 * ```
 */
export function errorAnswer(err: unknown): ErrorAnswer | undefined {
  if (err instanceof MandateError) {
    if (UNAUTHORIZED_CODES.has(err.code)) return UNAUTHORIZED;
    const [status, error] = STATUS[err.code] ?? [400, 'invalid_request'];
    const { code, message, ...details } = err.toJSON() as { code: string; message: string };
    return { status, body: { error, code, message, ...details } };
  }
  // The library reports a malformed argument (a value of the wrong type or out of range) this
  // way; here every argument came from the client.
  if (err instanceof TypeError || err instanceof RangeError)
    return {
      status: 400,
      body: { error: 'invalid_request', code: 'ERR_SERVER_BAD_REQUEST', message: err.message },
    };
  return undefined;
}

/** The answer to a credential that is not accepted. */
export const UNAUTHORIZED: ErrorAnswer = Object.freeze({
  status: 401,
  body: Object.freeze({
    error: 'invalid_token',
    code: 'ERR_SERVER_UNAUTHORIZED',
    message: UNAUTHORIZED_MESSAGE,
  }),
});

/** The answer to a failure of the server's own (logged, never detailed to the client). */
export const INTERNAL: ErrorAnswer = Object.freeze({
  status: 500,
  body: Object.freeze({
    error: 'server_error',
    code: 'ERR_SERVER_INTERNAL',
    message: 'the service failed to answer; it has logged why',
  }),
});
