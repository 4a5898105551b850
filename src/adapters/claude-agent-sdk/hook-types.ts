/**
 * The parts of the Claude Agent SDK's hook protocol the adapter speaks, written out here so that
 * the adapter imports nothing of the SDK (whose package carries a ~400 MB binary): a hook gets
 * JSON and returns JSON. The SDK's own types accept these (the adapter's test workspace checks
 * that against the real `@anthropic-ai/claude-agent-sdk` types).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/**
 * What a hook receives (the fields the adapter reads; the SDK sends more).
 *
 * @example
 * ```ts
 * const input: ClaudeHookInput = { hook_event_name: 'PreToolUse', session_id: 's', tool_name: 'Read', tool_input: { file_path: '/repo/a.md' }, tool_use_id: 'toolu_1' };
 * ```
 */
export interface ClaudeHookInput {
  readonly hook_event_name: string;
  readonly session_id: string;
  readonly permission_mode?: string;
  /** Present only when the hook fires inside a subagent. */
  readonly agent_id?: string;
  readonly agent_type?: string;
  readonly tool_name?: string;
  readonly tool_input?: unknown;
  readonly tool_use_id?: string;
}

/**
 * What the adapter's hooks return: for `PreToolUse`, allow or deny with the reason the model
 * reads.
 *
 * @example
 * ```ts
 * const out: ClaudeHookOutput = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'Refused: …' } };
 * ```
 */
export interface ClaudeHookOutput {
  hookSpecificOutput?: {
    hookEventName: 'PreToolUse';
    permissionDecision: 'allow' | 'deny';
    permissionDecisionReason?: string;
  };
}

/**
 * A hook callback, as the SDK calls it.
 *
 * @example
 * ```ts
 * const hook: ClaudeHookCallback = async (input) => ({});
 * ```
 */
export type ClaudeHookCallback = (
  input: ClaudeHookInput,
  toolUseID: string | undefined,
  options: { signal: AbortSignal },
) => Promise<ClaudeHookOutput>;

/**
 * A hook matcher. The adapter's matchers set `onFailure: 'block'`: a hook that throws blocks
 * the call instead of letting it through.
 *
 * @example
 * ```ts
 * const matcher: ClaudeHookMatcher = { hooks: [hook], onFailure: 'block' };
 * ```
 */
export interface ClaudeHookMatcher {
  matcher?: string;
  hooks: ClaudeHookCallback[];
  timeout?: number;
  onFailure?: 'continue' | 'block';
}

/**
 * The hooks the adapter adds, by event.
 *
 * @example
 * ```ts
 * const hooks: ClaudeHooks = claude.hooks;
 * ```
 */
export interface ClaudeHooks {
  PreToolUse: ClaudeHookMatcher[];
  SubagentStart: ClaudeHookMatcher[];
  SubagentStop: ClaudeHookMatcher[];
}

/**
 * An in-process MCP server for the SDK's `mcpServers` (what `createSdkMcpServer` returns).
 *
 * @example
 * ```ts
 * const config: ClaudeSdkMcpServer = { type: 'sdk', name: 'mandate', instance: server };
 * ```
 */
export interface ClaudeSdkMcpServer {
  type: 'sdk';
  name: string;
  instance: McpServer;
}

/**
 * The fields of the SDK's query `options` that the adapter reads or adds.
 *
 * @example
 * ```ts
 * const base: ClaudeQueryOptions = { permissionMode: 'default', hooks: {} };
 * ```
 */
export interface ClaudeQueryOptions {
  permissionMode?: string;
  allowDangerouslySkipPermissions?: boolean;
  hooks?: Partial<Record<string, readonly unknown[]>>;
  mcpServers?: Record<string, unknown>;
}
