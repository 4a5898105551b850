/**
 * The base of every error this library throws for a token, policy or request failure, and the
 * list of their codes.
 *
 * Caller misuse (a wrong argument type or value) is a plain `TypeError` or `RangeError`
 * naming the argument; everything else is a `MandateError` subclass with a stable `code`
 * (`ERR_<AREA>_<REASON>`) to `switch` on, structured fields, an optional `cause`, and a
 * `toJSON()` that the CLI and server print as they are. Messages and fields never carry key
 * material or signatures. The codes of every area are listed here, in the ground floor that all
 * areas import, because the base class types `code` as their union: a code missing from the
 * list does not compile, and a `switch (err.code)` on any `MandateError` can be exhaustive.
 */

/**
 * Every code of the macaroon layer (`MacaroonError` and its subclasses).
 *
 * @example
 * ```ts
 * if (err instanceof MacaroonError && err.code === 'ERR_MACAROON_SIGNATURE') respond(401);
 * ```
 */
export type MacaroonErrorCode =
  | 'ERR_MACAROON_MALFORMED'
  | 'ERR_MACAROON_LIMIT'
  | 'ERR_MACAROON_SIGNATURE'
  | 'ERR_MACAROON_DISCHARGE'
  | 'ERR_MACAROON_CAVEAT';

/**
 * Every code of the scope language (`ScopeSyntaxError`, `ScopeTypeError`, `ScopeLimitError`).
 *
 * @example
 * ```ts
 * const code: ScopeErrorCode = 'ERR_SCOPE_SYNTAX';
 * ```
 */
export type ScopeErrorCode = 'ERR_SCOPE_SYNTAX' | 'ERR_SCOPE_TYPE' | 'ERR_SCOPE_LIMIT';

/**
 * Every code of the delegation layer. `ERR_TOKEN_INVALID` keeps its documented name: a token
 * that fails to decode or verify, whatever the reason.
 *
 * @example
 * ```ts
 * const code: DelegationErrorCode = 'ERR_TOKEN_INVALID';
 * ```
 */
export type DelegationErrorCode = 'ERR_TOKEN_INVALID' | 'ERR_DELEGATION_CONDITION_INVALID';

/**
 * Every code of the tool runner. `ERR_PERMISSION_DENIED` and the `ERR_TOOLS_*` codes keep their
 * documented names.
 *
 * @example
 * ```ts
 * const code: ToolErrorCode = 'ERR_PERMISSION_DENIED';
 * ```
 */
export type ToolErrorCode =
  | 'ERR_TOOLS_UNKNOWN_TOOL'
  | 'ERR_TOOLS_INVALID_ARGUMENTS'
  | 'ERR_PERMISSION_DENIED'
  | 'ERR_TOOLS_NO_BROKER'
  | 'ERR_TOOLS_PRINCIPAL_MISMATCH';

/**
 * Every code of the permission-request lifecycle.
 *
 * @example
 * ```ts
 * const code: RequestErrorCode = 'ERR_REQUEST_NOT_FOUND';
 * ```
 */
export type RequestErrorCode =
  | 'ERR_REQUEST_NOT_FOUND'
  | 'ERR_REQUEST_POLICY_NOT_FOUND'
  | 'ERR_REQUEST_NOT_PENDING'
  | 'ERR_REQUEST_EXPIRED'
  | 'ERR_REQUEST_FORBIDDEN'
  | 'ERR_REQUEST_EXCEEDS_AUTHORITY'
  | 'ERR_REQUEST_SCOPE_NOT_REQUESTED'
  | 'ERR_REQUEST_TOKEN_INVALID'
  | 'ERR_REQUEST_TOKEN_EXPIRED'
  | 'ERR_REQUEST_TOKEN_STALE'
  | 'ERR_REQUEST_TOKEN_REVOKED'
  | 'ERR_REQUEST_TOKEN_PRINCIPAL'
  | 'ERR_REQUEST_REVOKE_FORBIDDEN'
  | 'ERR_REQUEST_INVALID'
  | 'ERR_REQUEST_CANNOT_ESCALATE'
  | 'ERR_REQUEST_STORE'
  | 'ERR_REQUEST_STORE_UNAVAILABLE';

/**
 * Every code the HTTP service (`mandate/server`) raises itself: a caller it cannot identify,
 * a body it cannot read, a route or a request of someone else's, too many calls or streams, and
 * a service that answered something the client cannot use.
 *
 * @example
 * ```ts
 * const code: ServerErrorCode = 'ERR_SERVER_UNAUTHORIZED';
 * ```
 */
export type ServerErrorCode =
  | 'ERR_SERVER_UNAUTHORIZED'
  | 'ERR_SERVER_BAD_REQUEST'
  | 'ERR_SERVER_FORBIDDEN'
  | 'ERR_SERVER_NOT_FOUND'
  | 'ERR_SERVER_TOO_LARGE'
  | 'ERR_SERVER_RATE_LIMITED'
  | 'ERR_SERVER_UNAVAILABLE'
  | 'ERR_SERVER_INTERNAL';

/**
 * Every code the MCP gateway (`mandate/mcp`) raises itself: an upstream server that cannot be
 * started or reached, or that answered something the gateway will not pass on, and a downstream
 * connection whose credential is not accepted.
 *
 * @example
 * ```ts
 * const code: McpErrorCode = 'ERR_MCP_UPSTREAM_UNAVAILABLE';
 * ```
 */
export type McpErrorCode =
  | 'ERR_MCP_UPSTREAM_START'
  | 'ERR_MCP_UPSTREAM_UNAVAILABLE'
  | 'ERR_MCP_UPSTREAM_INVALID'
  | 'ERR_MCP_UNAUTHORIZED';

/**
 * Every code the command line raises itself (`CliError`), plus `ERR_CLI_UNEXPECTED`, which it
 * prints for a failure that is no `MandateError` at all.
 *
 * @example
 * ```ts
 * const code: CliErrorCode = 'ERR_CLI_USAGE';
 * ```
 */
export type CliErrorCode =
  | 'ERR_CLI_USAGE'
  | 'ERR_CLI_BAD_DURATION'
  | 'ERR_CLI_BAD_INPUT'
  | 'ERR_CLI_NO_HOME'
  | 'ERR_CLI_HOME_EXISTS'
  | 'ERR_CLI_UNSAFE_PERMISSIONS'
  | 'ERR_CLI_KEY_FILE'
  | 'ERR_CLI_COMMAND_FAILED'
  | 'ERR_CLI_UNEXPECTED';

/**
 * Every code a `MandateError` can carry, for an exhaustive `switch (err.code)`.
 *
 * @example
 * ```ts
 * function status(err: MandateError): number {
 *   switch (err.code) {
 *     case 'ERR_TOKEN_INVALID': return 401;
 *     case 'ERR_PERMISSION_DENIED': return 403;
 *     default: return 400;
 *   }
 * }
 * ```
 */
export type ErrorCode =
  | MacaroonErrorCode
  | ScopeErrorCode
  | DelegationErrorCode
  | ToolErrorCode
  | RequestErrorCode
  | ServerErrorCode
  | McpErrorCode
  | CliErrorCode;

/**
 * The base class of every token, policy and request failure.
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
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
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
