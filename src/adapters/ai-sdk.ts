/**
 * The Vercel AI SDK adapter (`ai` 6.x): `withMandate(tools, { session })` wraps a tool set so
 * that every `execute` is decided by the session's token first, and adds the two request tools
 * in the SDK's own format. A refused call never reaches the tool: its result is the refusal
 * text, sent to the model as an error result (`error-text`), which says which condition blocked
 * the call, who wrote it, the needed scope and how to ask for it.
 *
 * The decision is synchronous, so a tool whose `execute` streams (returns an async iterable)
 * keeps streaming. A tool the adapter cannot gate — one with no `execute` (the application runs
 * it) or one the provider runs — is refused when the set is wrapped, not let through.
 */
import { jsonSchema, tool, type Tool, type ToolExecutionOptions, type ToolSet } from 'ai';
import { assertObject } from '../_assert.js';
import type { AgentTool, AgentToolResult } from '../tools/index.js';
import { createGate, type MandateAdapterOptions } from './_gate.js';

export type { MandateAdapterOptions, ToolNameMap } from './_gate.js';

/**
 * What a refused call returns in place of the tool's output (`steps[].toolResults`); the model
 * reads `text`.
 *
 * @example
 * ```ts
 * for (const r of result.steps.flatMap((s) => s.toolResults))
 *   if (isMandateRefusal(r.output)) console.log(r.toolName, r.output.text);
 * ```
 */
export interface MandateRefusal {
  readonly mandate: 'refused';
  /** What the model reads. */
  readonly text: string;
  /** The denial as JSON (`PermissionDenied.toJSON()`): failures, needed scope, whom to ask. */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * True for the output of a refused call.
 *
 * @example
 * ```ts
 * if (isMandateRefusal(output)) console.log(output.text);
 * ```
 */
export function isMandateRefusal(output: unknown): output is MandateRefusal {
  return (
    typeof output === 'object' &&
    output !== null &&
    (output as { mandate?: unknown }).mandate === 'refused' &&
    typeof (output as { text?: unknown }).text === 'string'
  );
}

/**
 * A wrapped tool set: each tool's output may also be a `MandateRefusal`, and the two request
 * tools are added (their output is the `AgentToolResult` the model read). The type names the
 * request tools by their default names.
 *
 * @example
 * ```ts
 * const tools: MandateToolSet<typeof myTools> = withMandate(myTools, { session });
 * ```
 */
export type MandateToolSet<T extends ToolSet> = {
  [K in keyof T]: T[K] extends Tool<infer I, infer O> ? Tool<I, O | MandateRefusal> : T[K];
} & {
  mandate_request_permission: Tool<unknown, AgentToolResult>;
  mandate_check_request: Tool<unknown, AgentToolResult>;
};

/**
 * Wraps every tool of `tools` so that the session's token decides each call before `execute`
 * runs (with the frozen snapshot of arguments that was authorized), and adds
 * `mandate_request_permission` and `mandate_check_request`. Throws `TypeError` for a tool it
 * cannot gate (no `execute`, or run by the provider) and `RangeError` when a tool already has
 * the name of a request tool.
 *
 * @example
 * ```ts
 * import { generateText, stepCountIs, tool } from 'ai';
 * import { withMandate } from 'mandate/adapters/ai-sdk';
 *
 * const session = runner.startAgent({ principal: 'assistant', token });
 * const result = await generateText({
 *   model,
 *   tools: withMandate({ read_file: readFile, write_file: writeFile }, { session }),
 *   stopWhen: stepCountIs(10),
 *   prompt: 'Fix the typo in README.md',
 * });
 * ```
 */
export function withMandate<T extends ToolSet>(
  tools: T,
  options: MandateAdapterOptions,
): MandateToolSet<T> {
  assertObject(tools, 'tools');
  const gate = createGate(options);
  const out: Record<string, Tool> = {};
  for (const [name, original] of Object.entries(tools)) {
    const at = `tools[${JSON.stringify(name)}]`;
    assertObject(original, at);
    if (gate.isPermissionTool(name))
      throw new RangeError(`${at}: the name is taken by a mandate request tool`);
    if ((original as { type?: unknown }).type === 'provider')
      throw new TypeError(`${at} is run by the provider, where mandate cannot decide its calls`);
    const execute = original.execute;
    if (typeof execute !== 'function')
      throw new TypeError(
        `${at} has no execute: the application runs it, so decide its calls there with session.authorizeCall`,
      );
    const toModelOutput = original.toModelOutput;
    out[name] = {
      ...original,
      // Not async: a streaming execute's async iterable must reach the SDK as it is.
      execute: (input: unknown, callOptions: ToolExecutionOptions) => {
        const verdict = gate.decide(name, input);
        if (!verdict.allowed)
          return { mandate: 'refused', text: verdict.result.text, data: verdict.result.data };
        return execute(verdict.args, callOptions) as unknown;
      },
      toModelOutput: (output: { toolCallId: string; input: unknown; output: unknown }) => {
        if (isMandateRefusal(output.output))
          return { type: 'error-text' as const, value: output.output.text };
        if (toModelOutput !== undefined) return toModelOutput(output);
        // The SDK's own default, which a toModelOutput replaces.
        const value = output.output;
        return typeof value === 'string'
          ? { type: 'text' as const, value }
          : { type: 'json' as const, value: (value ?? null) as never };
      },
    };
  }
  for (const agentTool of gate.permissionTools) out[agentTool.name] = requestTool(agentTool);
  return out as MandateToolSet<T>;
}

/** A mandate request tool in the SDK's format; the model reads its text. */
function requestTool(agentTool: AgentTool): Tool<unknown, AgentToolResult> {
  return tool<unknown, AgentToolResult>({
    description: agentTool.description,
    inputSchema: jsonSchema(agentTool.inputSchema as Parameters<typeof jsonSchema>[0]),
    execute: (input) => agentTool.run(input),
    toModelOutput: ({ output }) =>
      output.isError
        ? { type: 'error-text', value: output.text }
        : { type: 'text', value: output.text },
  });
}
