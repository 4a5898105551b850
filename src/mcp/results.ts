/**
 * What a model gets back from the gateway itself, as MCP `tools/call` results: a refused call,
 * a call that could not be decided or reached the server no more, and the answers of mandate's
 * request tools. The text is for the model; the machine-readable part is `_meta.mandate` — never
 * `structuredContent`, which a client validates against the tool's output schema, and which a
 * refusal of a tool with one could not satisfy.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MandateError } from '../errors.js';
import type { AgentToolResult } from '../tools/index.js';

/**
 * An `AgentToolResult` (a refusal, or a request tool's answer) as an MCP result.
 *
 * @example
 * ```ts
 * return toolResult(authority.permissions.refused(verdict.error));
 * // { content: [{ type: 'text', text: 'Refused: …' }], isError: true, _meta: { mandate: { code: 'ERR_PERMISSION_DENIED', … } } }
 * ```
 */
export function toolResult(result: AgentToolResult): CallToolResult {
  const data = result.data;
  const mandate = 'mandate' in data ? data['mandate'] : data;
  return {
    content: [{ type: 'text', text: result.text }],
    isError: result.isError,
    _meta: { mandate },
  };
}

/**
 * The result of a call the gateway did not make or could not finish, for a reason of its own
 * (the service gave no decision, the upstream server is gone): the model reads why.
 *
 * @example
 * ```ts
 * return failedResult('the call was not made', err);
 * ```
 */
export function failedResult(what: string, err: unknown): CallToolResult {
  const message = err instanceof Error ? err.message : 'it failed';
  const detail =
    err instanceof MandateError ? err.toJSON() : { code: 'ERR_MCP_UPSTREAM_INVALID', message };
  return {
    content: [{ type: 'text', text: `mandate: ${what}: ${message}` }],
    isError: true,
    _meta: { mandate: detail },
  };
}
