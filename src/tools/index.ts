/**
 * The tools area's public names: the tool registry, the runner, agent sessions, their typed
 * errors, and the permission-broker contract that the requests layer implements.
 */
export {
  createToolRunner,
  type ToolRunner,
  type ToolRunnerOptions,
  type ToolDescription,
} from './runner.js';
export {
  AgentSession,
  type StartAgentOptions,
  type ToolStatus,
  type CallCheck,
  type SubagentOptions,
  type PermissionRequestOptions,
} from './session.js';
export {
  defineTool,
  type ToolDefinition,
  type ToolContext,
  type ToolInputSchema,
  type TypedToolDefinition,
} from './registry.js';
export type { FromSchema } from './schema-types.js';
export type { ToolMap, ToolMapOf, ToolSignature, InvokeArgs } from './tool-types.js';
export { DEFAULT_ARGUMENT_LIMITS, type ArgumentLimits, type ArgumentProblem } from './arguments.js';
export {
  PermissionDenied,
  UnknownToolError,
  InvalidArgumentsError,
  NoBrokerError,
  PrincipalMismatchError,
} from './errors.js';
export type {
  PermissionBroker,
  PermissionStatus,
  PermissionTicket,
  PermissionOutcome,
  PollAnswer,
  PermissionRequestInput,
  PermissionCall,
} from './broker.js';
export type { ToolErrorCode } from '../errors.js';
export {
  permissionTools,
  PERMISSION_TOOL_NAMES,
  type PermissionTools,
  type PermissionSession,
  type AgentTool,
  type AgentToolResult,
} from './permission-tools.js';
