/**
 * What a model reads and calls when it meets mandate inside its own loop, in no SDK's format:
 * the text of a refused call (which condition blocked it, who wrote it, the needed scope, whom to
 * ask and how), and two tools, `mandate_request_permission` and `mandate_check_request`, bound
 * to one agent session. The MCP gateway and every SDK adapter wrap these in their own format,
 * so every harness tells the model the same thing.
 *
 * Nothing here throws at the model: a bad input, a refused request or a broker failure comes
 * back as a result with `isError`, whose text says what went wrong.
 */
import { MandateError } from '../errors.js';
import { printConjunction } from './_conjunction.js';
import type { PermissionCall, PollAnswer } from './broker.js';
import { InvalidArgumentsError, PermissionDenied } from './errors.js';
import type { ToolInputSchema } from './registry.js';
import type { AgentSession } from './session.js';

/**
 * What a model gets back from a mandate tool or a refused call: `text` for the model, `data`
 * for machines (an MCP result's `_meta`, an SDK's structured output).
 *
 * @example
 * ```ts
 * const result = await tools.request.run({ scope: 'tool == "fs.write"', reason: 'save the fix' });
 * console.log(result.isError, result.text);
 * ```
 */
export interface AgentToolResult {
  readonly text: string;
  readonly isError: boolean;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * A tool the model may call, in no SDK's format: name, description, JSON Schema for its input,
 * and `run`, which never throws.
 *
 * @example
 * ```ts
 * const { name, description, inputSchema } = tools.check;
 * const result = await tools.check.run({ id: 'req_…' });
 * ```
 */
export interface AgentTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  run(input: unknown): Promise<AgentToolResult>;
}

/**
 * The two request tools of one session, and the text of a refused call.
 *
 * @example
 * ```ts
 * const tools = permissionTools(session);
 * const check = session.authorizeCall('fs.write', args);
 * if (!check.allowed) return tools.refused(check.error); // the model reads how to ask
 * ```
 */
export interface PermissionTools {
  /** `mandate_request_permission`: asks the grantor; the id comes back at once. */
  readonly request: AgentTool;
  /** `mandate_check_request`: where a request stands; on approval the new token is installed. */
  readonly check: AgentTool;
  /**
   * The result a model sees for a refused call. A denied call is remembered and attached to the
   * next `mandate_request_permission`, so the grantor sees what was tried.
   */
  refused(error: PermissionDenied | InvalidArgumentsError): AgentToolResult;
}

/**
 * What the request tools need of a session: asking, and polling (which installs an approved
 * token). An `AgentSession` is one; so is anything that asks and polls elsewhere (the MCP
 * gateway's session that verifies through the service, without the root keys).
 *
 * @example
 * ```ts
 * const asker: PermissionSession = runner.startAgent({ principal: 'coder', token });
 * ```
 */
export type PermissionSession = Pick<AgentSession, 'requestPermission' | 'poll'>;

/** The names the model sees, unless the caller renames them. */
export const PERMISSION_TOOL_NAMES = Object.freeze({
  request: 'mandate_request_permission',
  check: 'mandate_check_request',
});

/**
 * The request tools bound to `session` (an `AgentSession` whose runner has a broker — a
 * `Delegator` or a `DelegatorClient` — or any `PermissionSession`).
 *
 * @example
 * ```ts
 * const runner = createToolRunner({ rootKeys, tools: [], broker: delegator });
 * const session = runner.startAgent({ principal: 'coder', token });
 * const tools = permissionTools(session);
 * await tools.request.run({ scope: ['tool == "fs.write"'], reason: 'write the summary' });
 * ```
 */
export function permissionTools(
  session: PermissionSession,
  names: { readonly request: string; readonly check: string } = PERMISSION_TOOL_NAMES,
): PermissionTools {
  let lastDenied: PermissionCall | undefined;

  const request: AgentTool = {
    name: names.request,
    description:
      'Ask your grantor for more permission after a tool call was refused. Give the scope the ' +
      'refusal said is needed (or narrower) and a reason a person will read. Returns a request ' +
      `id at once; keep working and check it later with ${names.check}. The last refused call ` +
      'is attached so the grantor sees what you tried.',
    inputSchema: {
      type: 'object',
      properties: {
        scope: {
          description: 'The conditions asked for (mandate scope language), one or a list.',
          anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
        },
        reason: { type: 'string', description: 'Why you need it; shown to the grantor.' },
        expires_in: {
          type: 'number',
          description: 'Seconds the request stays open (optional).',
        },
      },
      required: ['scope', 'reason'],
      additionalProperties: false,
    },
    run: (input) =>
      answer(async () => {
        const { scope, reason, expires_in: expiresIn } = fieldsOf(input);
        const call = lastDenied;
        const ticket = await session.requestPermission({
          scope: scope as string | string[],
          reason: reason as string,
          ...(expiresIn === undefined ? {} : { expiresIn: expiresIn as number }),
          ...(call === undefined ? {} : { call }),
        });
        lastDenied = undefined;
        const data = {
          id: ticket.id,
          status: ticket.status,
          interval: ticket.interval,
          expiresAt: ticket.expiresAt.toISOString(),
        };
        const next =
          ticket.status === 'pending' || ticket.status === 'escalated'
            ? `Keep working; call ${names.check} with {"id": ${JSON.stringify(ticket.id)}} to see the answer, at most every ${ticket.interval} s. It expires at ${data.expiresAt}.`
            : `Call ${names.check} with {"id": ${JSON.stringify(ticket.id)}} for the answer.`;
        return ok(`Request ${ticket.id} is ${ticket.status}. ${next}`, data);
      }),
  };

  const check: AgentTool = {
    name: names.check,
    description:
      'See where a permission request stands: pending, approved (your permission is updated: ' +
      'retry the call), denied (with the reason) or expired.',
    inputSchema: {
      type: 'object',
      properties: { id: { type: 'string', description: `The id ${names.request} returned.` } },
      required: ['id'],
      additionalProperties: false,
    },
    run: (input) =>
      answer(async () => {
        const { id } = fieldsOf(input);
        if (typeof id !== 'string') throw new TypeError('id must be a string');
        return pollResult(id, await session.poll(id));
      }),
  };

  return {
    request,
    check,
    refused(error) {
      if (error instanceof InvalidArgumentsError)
        return { text: error.message, isError: true, data: { mandate: error.toJSON() } };
      lastDenied = { tool: error.tool, args: error.args };
      return {
        text: refusalText(error, names.request),
        isError: true,
        data: { mandate: error.toJSON() },
      };
    },
  };
}

/** What the model reads for a denied call: the denial, and how to ask when asking can help. */
function refusalText(error: PermissionDenied, requestTool: string): string {
  const needed = error.decision.needed;
  if (needed === undefined) return `Refused: ${error.message}.`;
  const scope = printConjunction(needed.scope);
  const example = JSON.stringify({ scope, reason: '<why you need it>' });
  return (
    `Refused: ${error.message}.\nNeeded scope: ${scope}\n` +
    `To ask for it, call ${requestTool} with ${example}; you get a request id at once and ` +
    'can keep working meanwhile.'
  );
}

function pollResult(id: string, answer: PollAnswer): AgentToolResult {
  if ('status' in answer)
    return ok(
      `Request ${id} was approved: your permission now includes ${printConjunction(answer.scope)}. Retry the call.`,
      {
        id,
        status: 'approved',
        scope: answer.scope,
        ...(answer.expiresAt === undefined ? {} : { expiresAt: answer.expiresAt.toISOString() }),
      },
    );
  switch (answer.error) {
    case 'authorization_pending':
    case 'slow_down':
      return ok(
        `Request ${id} is still pending. Keep working; check again in ${answer.interval} s or later.`,
        { id, status: 'pending', interval: answer.interval },
      );
    case 'access_denied':
      return ok(`Request ${id} was denied: ${answer.reason}`, {
        id,
        status: 'denied',
        reason: answer.reason,
      });
    case 'expired_token':
      return ok(`Request ${id} expired without an answer; ask again if you still need it.`, {
        id,
        status: 'expired',
      });
  }
}

/** The input's fields, when it is an object (the tool's own checks name what is wrong). */
function fieldsOf(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new TypeError('the input must be an object');
  return input as Record<string, unknown>;
}

function ok(text: string, data: Record<string, unknown>): AgentToolResult {
  return { text, isError: false, data };
}

/** Runs a tool's work; an error becomes a result the model reads, never a throw. */
async function answer(work: () => Promise<AgentToolResult>): Promise<AgentToolResult> {
  try {
    return await work();
  } catch (err) {
    const data = err instanceof MandateError ? err.toJSON() : { message: messageOf(err) };
    return { text: `mandate: ${messageOf(err)}`, isError: true, data: { mandate: data } };
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : 'the request failed';
}
