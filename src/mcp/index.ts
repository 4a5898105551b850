/**
 * `mandate/mcp`: the MCP gateway — any MCP server behind mandate. `Upstream` connects to the
 * server it guards; `createGateway` makes a downstream MCP server per connection; `serveStdio`
 * and `listenGateway` serve it over stdio or Streamable HTTP; `runnerAuthority` (offline, with
 * the root keys) and `serviceAuthority` (through `mandate serve`) decide each connection's
 * calls. See docs/mcp.md.
 */
export {
  createGateway,
  assertPrefix,
  type Gateway,
  type GatewayOptions,
  type GatewayLogEntry,
} from './gateway.js';
export {
  Upstream,
  childEnvironment,
  type UpstreamTarget,
  type UpstreamOptions,
  type UpstreamEvent,
  type UpstreamCallOptions,
  type UpstreamTools,
} from './upstream.js';
export {
  runnerAuthority,
  sessionAuthority,
  type AuthoritySource,
  type ConnectionAuthority,
  type CallVerdict,
  type RunnerAuthorityOptions,
} from './authority.js';
export { serviceAuthority, type ServiceAuthorityOptions } from './service-authority.js';
export {
  servedTools,
  listedTool,
  listedOwnTool,
  neutral,
  type ServedTool,
  type ServedTools,
} from './discovery.js';
export { serveStdio, type StdioOptions, type ServedConnection } from './stdio.js';
export {
  listenGateway,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  type ListenGatewayOptions,
  type SessionEvent,
} from './listen.js';
export { McpGatewayError } from './errors.js';
