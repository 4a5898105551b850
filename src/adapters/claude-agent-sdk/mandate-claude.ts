/**
 * The Claude Agent SDK adapter: `mandateClaude({ session, subagents })` gives a `PreToolUse` hook
 * that has a token decide every tool call Claude Code makes — built-in and MCP alike — before it
 * runs, and an in-process MCP server with the two request tools. A refused call is denied with the
 * refusal text as the reason, which Claude Code hands the model as the call's error result.
 *
 * Whose token decides: the main agent's for calls of the main thread; a subagent's own for calls
 * inside it (the hook's `agent_id`), never its parent's. Starting a subagent (the `Agent` tool) is
 * itself a call the parent's token must allow, and then a rule names the subagent's principal and
 * narrows its delegation (see subagents.ts). The request tools act for the agent that called
 * them: Claude Code tags each MCP call with the id of the tool use the hook saw.
 *
 * Failing closed: every matcher sets `onFailure: 'block'` (a hook that throws blocks the call,
 * and the SDK refuses a Claude Code that would ignore that), the hook itself turns any fault into
 * a denial, and `options()` refuses a permission mode that skips permission checks.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { assertObject, assertString } from '../../_assert.js';
import { PERMISSION_TOOL_NAMES, type AgentSession } from '../../tools/index.js';
import { createGate, gateFor, type Gate, type MandateAdapterOptions } from '../_gate.js';
import type {
  ClaudeHookCallback,
  ClaudeHookOutput,
  ClaudeHooks,
  ClaudeQueryOptions,
  ClaudeSdkMcpServer,
} from './hook-types.js';
import { claudeNameMap, isAgentTool } from './names.js';
import { SubagentRegistry, type ClaudeSubagentRules } from './subagents.js';

/**
 * Options of `mandateClaude`.
 *
 * @example
 * ```ts
 * const options: MandateClaudeOptions = { session, subagents: { reviewer: { conditions: ['tool == "Read"'] } } };
 * ```
 */
export interface MandateClaudeOptions extends MandateAdapterOptions {
  /** How subagents get their delegations. Default: none can be started. */
  readonly subagents?: ClaudeSubagentRules;
  /** The name of the in-process MCP server with the request tools. Default `mandate`. */
  readonly mcpServerName?: string;
}

/**
 * The hooks and request tools of one query.
 *
 * @example
 * ```ts
 * const claude = mandateClaude({ session });
 * for await (const message of query({ prompt, options: claude.options({ cwd }) })) console.log(message);
 * ```
 */
export interface MandateClaude {
  /** `PreToolUse` (decides), `SubagentStart` and `SubagentStop` (bind subagents to delegations). */
  readonly hooks: ClaudeHooks;
  /** A fresh in-process MCP server with the request tools (each query connects its own). */
  mcpServer(): ClaudeSdkMcpServer;
  /**
   * `base` with the hooks first in `hooks` and the request server in `mcpServers`. Throws
   * `RangeError` for a permission mode that skips permission checks, or a server name in use.
   */
  options<O extends ClaudeQueryOptions>(
    base?: O,
  ): O & { hooks: ClaudeHooks; mcpServers: Record<string, ClaudeSdkMcpServer> };
  /** The session deciding a subagent's calls, once it has been seen. */
  subagentSession(agentId: string): AgentSession | undefined;
}

/** Tool uses of the request tools waiting for their MCP call (bounded). */
const MAX_WAITING_CALLS = 1024;

/**
 * Puts a Claude Agent SDK query under the session's delegation.
 *
 * @example
 * ```ts
 * import { query } from '@anthropic-ai/claude-agent-sdk';
 * import { mandateClaude } from 'mandate/adapters/claude-agent-sdk';
 *
 * const claude = mandateClaude({
 *   session: runner.startAgent({ principal: 'assistant', token }),
 *   subagents: { reviewer: { conditions: ['tool in ["Read", "Grep"]'], expiresIn: 900 } },
 * });
 * for await (const message of query({ prompt: 'Review src/', options: claude.options({ cwd: repo }) }))
 *   if (message.type === 'result') console.log(message);
 * ```
 */
export function mandateClaude(options: MandateClaudeOptions): MandateClaude {
  const main = createGate(options);
  const map = claudeNameMap(options.toolName, 'options.toolName');
  const names = options.permissionToolNames ?? PERMISSION_TOOL_NAMES;
  const serverName = options.mcpServerName ?? 'mandate';
  assertString(serverName, 'options.mcpServerName');
  if (options.subagents !== undefined && typeof options.subagents !== 'function')
    assertObject(options.subagents, 'options.subagents');
  const subagents = new SubagentRegistry(options.subagents);
  const gates = new WeakMap<AgentSession, Gate>();
  const gateOf = (session: AgentSession): Gate => {
    let gate = gates.get(session);
    if (gate === undefined) {
      gate = gateFor(session, map, names);
      gates.set(session, gate);
    }
    return gate;
  };
  gates.set(main.session, gateFor(main.session, map, names));
  const requestTool = new Map([
    [`mcp__${serverName}__${names.request}`, 'request' as const],
    [`mcp__${serverName}__${names.check}`, 'check' as const],
  ]);
  const waiting = new Map<string, Gate>();

  const decide = (input: Parameters<ClaudeHookCallback>[0]): ClaudeHookOutput => {
    if (input.hook_event_name !== 'PreToolUse') return {};
    const name = input.tool_name;
    if (typeof name !== 'string') return deny('the call names no tool');
    if (input.permission_mode === 'bypassPermissions')
      return deny('mandate refuses calls in the bypassPermissions mode');
    let session = main.session;
    if (input.agent_id !== undefined) {
      const sub = subagents.sessionOf(input.agent_id, input.agent_type);
      if (sub === undefined)
        return deny(`Refused: ${subagents.whyNone(input.agent_id, input.agent_type)}.`);
      session = sub;
    }
    const gate = gateOf(session);
    if (requestTool.has(name)) {
      if (typeof input.tool_use_id !== 'string') return deny('the call has no tool use id');
      if (waiting.size >= MAX_WAITING_CALLS) waiting.delete(waiting.keys().next().value!);
      waiting.set(input.tool_use_id, gate);
      return allow();
    }
    const verdict = gate.decide(name, input.tool_input);
    if (!verdict.allowed) return deny(verdict.result.text);
    if (isAgentTool(name)) {
      const why = subagents.start(session, verdict.args);
      if (why !== undefined) return deny(`Refused: ${why}.`);
    }
    return allow();
  };

  const preToolUse: ClaudeHookCallback = (input) => {
    try {
      return Promise.resolve(decide(input));
    } catch (err) {
      const message = err instanceof Error ? err.message : 'the call could not be decided';
      return Promise.resolve(deny(`Refused: mandate could not decide this call (${message}).`));
    }
  };
  const subagentStart: ClaudeHookCallback = (input) => {
    if (input.agent_id !== undefined) subagents.sessionOf(input.agent_id, input.agent_type);
    return Promise.resolve({});
  };
  const subagentStop: ClaudeHookCallback = (input) => {
    if (input.agent_id !== undefined) subagents.stop(input.agent_id);
    return Promise.resolve({});
  };
  const hooks: ClaudeHooks = {
    PreToolUse: [{ hooks: [preToolUse], onFailure: 'block' }],
    SubagentStart: [{ hooks: [subagentStart], onFailure: 'block' }],
    SubagentStop: [{ hooks: [subagentStop] }],
  };

  const mcpServer = (): ClaudeSdkMcpServer => {
    const server = new McpServer({ name: serverName, version: '1.0.0' });
    server.server.registerCapabilities({ tools: {} });
    server.server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: main.permissionTools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema as { type: 'object' },
      })),
    }));
    server.server.setRequestHandler(CallToolRequestSchema, async (request) => {
      const id = request.params._meta?.['claudecode/toolUseId'];
      const gate = typeof id === 'string' ? waiting.get(id) : undefined;
      if (typeof id === 'string') waiting.delete(id);
      const tool =
        request.params.name === names.request
          ? gate?.permission.request
          : request.params.name === names.check
            ? gate?.permission.check
            : undefined;
      if (tool === undefined)
        return {
          content: [{ type: 'text', text: 'mandate: this call was not seen by the mandate hook' }],
          isError: true,
        };
      const result = await tool.run(request.params.arguments ?? {});
      return { content: [{ type: 'text', text: result.text }], isError: result.isError };
    });
    return { type: 'sdk', name: serverName, instance: server };
  };

  return {
    hooks,
    mcpServer,
    options(base = {} as never) {
      assertObject(base, 'base');
      if (
        base.permissionMode === 'bypassPermissions' ||
        base.allowDangerouslySkipPermissions === true
      )
        throw new RangeError(
          'base.permissionMode: bypassPermissions would skip the permission checks mandate relies on',
        );
      const servers = base.mcpServers ?? {};
      if (Object.hasOwn(servers, serverName))
        throw new RangeError(`base.mcpServers: the name ${JSON.stringify(serverName)} is in use`);
      const own = base.hooks ?? {};
      const merged = { ...own } as Record<string, unknown[]>;
      for (const [event, matchers] of Object.entries(hooks))
        merged[event] = [...(matchers as unknown[]), ...(own[event] ?? [])];
      return {
        ...base,
        hooks: merged as unknown as ClaudeHooks,
        mcpServers: { ...servers, [serverName]: mcpServer() } as Record<string, ClaudeSdkMcpServer>,
      };
    },
    subagentSession: (agentId) => subagents.sessionOf(agentId, undefined),
  };
}

function allow(): ClaudeHookOutput {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } };
}

function deny(reason: string): ClaudeHookOutput {
  return {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: reason,
    },
  };
}
