/**
 * The OpenAI Agents SDK adapter (`@openai/agents`): a tool input guardrail that has the session's
 * token decide every function tool call before it runs, rejecting a refused call with the
 * refusal text as the tool's output (`rejectContent`: the run goes on and the model reads why),
 * a guard for MCP servers that does the same for their tools, and the two request tools as
 * function tools.
 *
 * The guardrail reads the call's arguments from the same JSON text the tool then parses, so the
 * tool runs with the arguments the policy judged. Tools the SDK does not run itself (hosted
 * tools, run by the provider; computer, shell and patch tools) cannot be decided here, and
 * `tools()` refuses them rather than let them through.
 */
import {
  defineToolInputGuardrail,
  tool,
  ToolGuardrailFunctionOutputFactory,
  type FunctionTool,
  type MCPServer,
  type Tool,
  type ToolInputGuardrailDefinition,
} from '@openai/agents';
import { assertObject, describe } from '../_assert.js';
import type { AgentTool } from '../tools/index.js';
import { createGate, type MandateAdapterOptions } from './_gate.js';

export type { MandateAdapterOptions, ToolNameMap } from './_gate.js';

/**
 * What `mandateAgents` gives: one gate over one session, in the SDK's shapes.
 *
 * @example
 * ```ts
 * const m = mandateAgents({ session });
 * const agent = new Agent({ name: 'assistant', tools: m.tools([readFile]), mcpServers: [m.guardMcpServer(fs)] });
 * ```
 */
export interface MandateAgents {
  /** The guardrail, to put in a function tool's `inputGuardrails` yourself. */
  readonly inputGuardrail: ToolInputGuardrailDefinition;
  /** `mandate_request_permission` and `mandate_check_request` as function tools. */
  readonly permissionTools: readonly FunctionTool[];
  /**
   * Each function tool with the guardrail first in its `inputGuardrails`, then the request
   * tools. Throws `TypeError` for a tool the SDK does not run itself.
   */
  tools(tools: readonly Tool[]): Tool[];
  /**
   * The server with every tool call decided first; a refused call returns the refusal text as
   * an error result and never reaches the server. Its tools are named `<prefix><tool>` for the
   * policy (default prefix: the server's name and a dot, e.g. `fs.read_file`).
   */
  guardMcpServer<S extends MCPServer>(server: S, options?: { readonly prefix?: string }): S;
}

/**
 * The guardrail, request tools and MCP guard of one session, sharing one gate (so a refused
 * call is attached to the request that follows it).
 *
 * @example
 * ```ts
 * import { Agent, run } from '@openai/agents';
 * import { mandateAgents } from 'mandate/adapters/openai-agents';
 *
 * const m = mandateAgents({ session: runner.startAgent({ principal: 'assistant', token }) });
 * const agent = new Agent({ name: 'assistant', instructions: '…', tools: m.tools([readFile, writeFile]) });
 * const result = await run(agent, 'Fix the typo in README.md');
 * ```
 */
export function mandateAgents(options: MandateAdapterOptions): MandateAgents {
  const gate = createGate(options);
  const inputGuardrail = defineToolInputGuardrail({
    name: 'mandate',
    run: ({ toolCall }) => {
      let args: unknown;
      try {
        args = toolCall.arguments === '' ? {} : (JSON.parse(toolCall.arguments) as unknown);
      } catch {
        return Promise.resolve(
          ToolGuardrailFunctionOutputFactory.rejectContent(
            'Refused: the arguments are not valid JSON.',
          ),
        );
      }
      const verdict = gate.decide(toolCall.name, args);
      return Promise.resolve(
        verdict.allowed
          ? ToolGuardrailFunctionOutputFactory.allow()
          : ToolGuardrailFunctionOutputFactory.rejectContent(
              verdict.result.text,
              verdict.result.data,
            ),
      );
    },
  });
  const permissionTools = gate.permissionTools.map(functionTool);
  return {
    inputGuardrail,
    permissionTools,
    tools(tools) {
      if (!Array.isArray(tools))
        throw new TypeError(`tools must be an array, got ${describe(tools)}`);
      const out: Tool[] = tools.map((t: Tool, i) => {
        assertObject(t, `tools[${i}]`);
        if (t.type !== 'function')
          throw new TypeError(
            `tools[${i}] (${t.type}) is not run by the SDK's function tool runner, where mandate decides calls`,
          );
        if (gate.isPermissionTool(t.name))
          throw new RangeError(`tools[${i}]: the name is taken by a mandate request tool`);
        return { ...t, inputGuardrails: [inputGuardrail, ...(t.inputGuardrails ?? [])] };
      });
      return [...out, ...permissionTools];
    },
    guardMcpServer(server, serverOptions = {}) {
      assertObject(server, 'server');
      const prefix = serverOptions.prefix ?? `${server.name}.`;
      if (typeof prefix !== 'string') throw new TypeError('options.prefix must be a string');
      const guarded = (
        call: (
          name: string,
          args: Record<string, unknown> | null,
          ...rest: unknown[]
        ) => Promise<unknown>,
        wrap: (text: string) => unknown,
      ) =>
        function (
          this: unknown,
          name: string,
          args: Record<string, unknown> | null,
          ...rest: unknown[]
        ) {
          const verdict = gate.decide(`${prefix}${name}`, args ?? {});
          if (!verdict.allowed) return Promise.resolve(wrap(verdict.result.text));
          return call.call(server, name, verdict.args, ...rest);
        };
      return new Proxy(server, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver);
          if (key === 'callTool' && typeof value === 'function')
            return guarded(value as never, (text) => [{ type: 'text', text }]);
          if (key === 'callToolResult' && typeof value === 'function')
            return guarded(value as never, (text) => ({
              content: [{ type: 'text', text }],
              isError: true,
            }));
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        },
      });
    },
  };
}

/**
 * Shorthand for `mandateAgents(options).tools(tools)`: the tools, guarded, and the request tools.
 *
 * @example
 * ```ts
 * const agent = new Agent({ name: 'assistant', tools: withMandate([readFile, writeFile], { session }) });
 * ```
 */
export function withMandate(tools: readonly Tool[], options: MandateAdapterOptions): Tool[] {
  return mandateAgents(options).tools(tools);
}

/** A mandate request tool as a function tool; the model reads its text. */
function functionTool(agentTool: AgentTool): FunctionTool {
  // A JSON Schema of mandate's own, not strict: the tool checks its input itself.
  const options = {
    name: agentTool.name,
    description: agentTool.description,
    parameters: agentTool.inputSchema,
    strict: false,
    execute: async (input: unknown) => (await agentTool.run(input)).text,
  } as unknown as Parameters<typeof tool>[0];
  return tool(options) as FunctionTool;
}
