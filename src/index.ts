/**
 * mandate's public API: re-exports only. Each area keeps its own barrel (`./<area>/index.ts`);
 * they are listed from the top of the import order (requests → tools → delegation →
 * {scope, macaroon}) down. Names are unique across areas.
 */
export {
  MandateError,
  type ErrorCode,
  type MacaroonErrorCode,
  type ScopeErrorCode,
  type DelegationErrorCode,
  type ToolErrorCode,
  type RequestErrorCode,
  type ServerErrorCode,
  type McpErrorCode,
  type CliErrorCode,
} from './errors.js';
export * from './requests/index.js';
export * from './tools/index.js';
export * from './delegation/index.js';
export * from './scope/index.js';
export * from './macaroon/index.js';
