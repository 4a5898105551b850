/**
 * The LangChain adapter (`langchain` 1.x, `createAgent`): `mandateMiddleware({ session })` is
 * agent middleware whose `wrapToolCall` has the session's token decide every tool call before
 * the tool runs, and which registers the two request tools with the agent. A refused call is
 * answered with a `ToolMessage` (status `error`) holding the refusal text — returned, never
 * thrown, because LangGraph's tool node rewrites thrown errors into text of its own.
 *
 * An allowed call runs with the frozen snapshot of arguments that was authorized, so the tool
 * sees exactly what the policy judged.
 */
import { ToolMessage } from '@langchain/core/messages';
import { DynamicStructuredTool } from '@langchain/core/tools';
import { createMiddleware } from 'langchain';
import type { AgentTool } from '../tools/index.js';
import { createGate, type MandateAdapterOptions } from './_gate.js';

export type { MandateAdapterOptions, ToolNameMap } from './_gate.js';

/**
 * Middleware for `createAgent({ middleware: [mandateMiddleware({ session })] })`: every tool
 * call is decided by the session's token, and the agent gets `mandate_request_permission` and
 * `mandate_check_request`. Throws `TypeError` for bad options.
 *
 * @example
 * ```ts
 * import { createAgent } from 'langchain';
 * import { mandateMiddleware } from 'mandate/adapters/langchain';
 *
 * const session = runner.startAgent({ principal: 'assistant', token });
 * const agent = createAgent({ model, tools: [readFile, writeFile], middleware: [mandateMiddleware({ session })] });
 * await agent.invoke({ messages: [{ role: 'user', content: 'Fix the typo in README.md' }] });
 * ```
 */
export function mandateMiddleware(options: MandateAdapterOptions) {
  const gate = createGate(options);
  const own = new Set(gate.permissionTools.map(langChainTool));
  return createMiddleware({
    name: 'mandate',
    tools: [...own],
    wrapToolCall: (request, handler) => {
      const { toolCall } = request;
      // Only the middleware's own instances are let through as request tools; a tool of the
      // application that merely shares the name is decided like any other.
      if (own.has(request.tool as DynamicStructuredTool) && gate.isPermissionTool(toolCall.name))
        return handler(request);
      const verdict = gate.decide(toolCall.name, toolCall.args);
      if (!verdict.allowed)
        return new ToolMessage({
          content: verdict.result.text,
          tool_call_id: toolCall.id ?? '',
          name: toolCall.name,
          status: 'error',
          artifact: verdict.result.data,
        });
      return handler({ ...request, toolCall: { ...toolCall, args: verdict.args } });
    },
  });
}

/** A mandate request tool as a LangChain tool: the model reads the text; the data is the artifact. */
function langChainTool(agentTool: AgentTool): DynamicStructuredTool {
  return new DynamicStructuredTool({
    name: agentTool.name,
    description: agentTool.description,
    schema: agentTool.inputSchema,
    responseFormat: 'content_and_artifact',
    func: async (input: unknown) => {
      const result = await agentTool.run(input);
      return [result.text, result.data];
    },
  });
}
