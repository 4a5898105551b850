/**
 * The MCP gateway's own failures: an upstream server that would not start, that went away, or
 * that answered something the gateway will not pass on, and a downstream credential that is not
 * accepted. A denied tool call is none of these: it is a result the model reads (see
 * `results.ts`), never an error.
 */
import { MandateError, type McpErrorCode } from '../errors.js';

/**
 * A failure of the gateway itself, with a stable `code`.
 *
 * @example
 * ```ts
 * try { await upstream.start(); }
 * catch (err) { if (err instanceof McpGatewayError && err.code === 'ERR_MCP_UPSTREAM_START') … }
 * ```
 */
export class McpGatewayError extends MandateError {
  declare readonly code: McpErrorCode;

  constructor(code: McpErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(code, message, options);
  }
}
