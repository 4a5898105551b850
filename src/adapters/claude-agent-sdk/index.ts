/**
 * `mandate/adapters/claude-agent-sdk`: the Claude Agent SDK adapter's public names.
 */
export { mandateClaude, type MandateClaude, type MandateClaudeOptions } from './mandate-claude.js';
export { claudeToolName } from './names.js';
export type { ClaudeSubagentRule, ClaudeSubagentRules, ClaudeSubagentSpawn } from './subagents.js';
export type {
  ClaudeHookCallback,
  ClaudeHookInput,
  ClaudeHookMatcher,
  ClaudeHookOutput,
  ClaudeHooks,
  ClaudeQueryOptions,
  ClaudeSdkMcpServer,
} from './hook-types.js';
export type { MandateAdapterOptions, ToolNameMap } from '../_gate.js';
