/**
 * The MCP gateway: an MCP server in front of another, which runs every `tools/call` on the
 * connection's delegated authority. One upstream server is shared by every connection; each
 * connection (the stdio one, or each Streamable HTTP session) gets its own `Server`, bound to its
 * own `ConnectionAuthority` (its principal and current token).
 *
 * Only tools pass through. `tools/list` shows every upstream tool with its status (see
 * `discovery.ts`) and mandate's two request tools; `tools/call` decides the call offline (or by
 * the service) and forwards it, with the frozen arguments that were authorized and nothing else
 * (no token, no client `_meta` but a progress token), only when it is allowed. A refusal is an
 * `isError` result the model reads, with the denial in `_meta.mandate`; the upstream never sees
 * it. Resources, prompts, completions and the upstream's requests to the client (sampling,
 * elicitation, roots) are not passed on: they would reach the server, or come from it, with no
 * mandate check.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import {
  InvalidArgumentsError,
  PERMISSION_TOOL_NAMES,
  PermissionDenied,
  type PermissionTools,
} from '../tools/index.js';
import type { ConnectionAuthority } from './authority.js';
import { listedOwnTool, listedTool, servedTools, type ServedTools } from './discovery.js';
import { failedResult, toolResult } from './results.js';
import type { Upstream, UpstreamTools } from './upstream.js';

/**
 * What the gateway logs: one entry per call (never its arguments or any token), and the tools
 * it leaves out.
 *
 * @example
 * ```ts
 * log: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`)
 * ```
 */
export type GatewayLogEntry =
  | {
      readonly event: 'call';
      readonly principal: string;
      readonly tool: string;
      readonly outcome:
        'allowed' | 'denied' | 'invalid' | 'undecided' | 'failed' | 'error' | 'cancelled';
      readonly ms: number;
    }
  | { readonly event: 'skipped'; readonly tool: string; readonly why: string };

/**
 * Options of `createGateway`.
 *
 * @example
 * ```ts
 * createGateway({ upstream, prefix: 'fs', version: '0.1.0' });
 * ```
 */
export interface GatewayOptions {
  readonly upstream: Upstream;
  /** The first part of every upstream tool's mandate name: `<prefix>.<tool>`. */
  readonly prefix: string;
  /** The gateway's version, as it introduces itself. */
  readonly version?: string;
  readonly log?: (entry: GatewayLogEntry) => void;
  /** Milliseconds an upstream call may go without progress. Default 10 minutes. */
  readonly callTimeoutMs?: number;
}

/**
 * A gateway. Create one with `createGateway`.
 *
 * @example
 * ```ts
 * const server = gateway.serverFor(await source.open(token));
 * await server.connect(new StdioServerTransport());
 * ```
 */
export interface Gateway {
  /** A new MCP server for one connection, acting with `authority`; connect it to a transport. */
  serverFor(authority: ConnectionAuthority): Server;
  /** Every upstream tool the gateway serves, and those it leaves out. */
  served(): Promise<ServedTools>;
  /** The upstream's tool list changed: every connection is told. */
  toolsChanged(): void;
}

/** Names no upstream tool may take: mandate's own tools'. */
const RESERVED: ReadonlySet<string> = new Set(Object.values(PERMISSION_TOOL_NAMES));

/** A mandate name prefix: dot-separated words of `A–Z a–z 0–9 _ -`. */
const PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Creates a gateway in front of `upstream`.
 *
 * @example
 * ```ts
 * const upstream = await Upstream.start({ target: { command: 'mcp-server-memory', args: [] }, onToolsChanged: () => gateway.toolsChanged() });
 * const gateway = createGateway({ upstream, prefix: 'memory' });
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { upstream, prefix } = options;
  assertPrefix(prefix, 'options.prefix');
  const log = options.log ?? (() => {});
  const timeoutMs = options.callTimeoutMs ?? 600_000;
  const servers = new Set<Server>();
  let served: { tools: UpstreamTools; result: ServedTools } | undefined;

  const currentServed = async (): Promise<ServedTools> => {
    const tools = await upstream.tools();
    if (served?.tools !== tools) {
      const picked = servedTools(tools.tools, prefix, RESERVED);
      const result = { ...picked, skipped: [...tools.rejected, ...picked.skipped] };
      for (const s of result.skipped) log({ event: 'skipped', tool: s.name, why: s.why });
      served = { tools, result };
    }
    return served.result;
  };

  const serverFor = (authority: ConnectionAuthority): Server => {
    const { permissions } = authority;
    const own = new Map([
      [permissions.request.name, permissions.request],
      [permissions.check.name, permissions.check],
    ]);
    const server = new Server(
      { name: 'mandate', version: options.version ?? '0' },
      {
        capabilities: { tools: { listChanged: true } },
        instructions: instructions(upstream.instructions, permissions),
      },
    );
    servers.add(server);
    server.onclose = () => void servers.delete(server);

    server.setRequestHandler(ListToolsRequestSchema, async () => {
      const { list } = await currentServed();
      let access: readonly (Parameters<typeof listedTool>[1] | undefined)[];
      try {
        access = await authority.access(list.map((s) => s.policyName));
      } catch (err) {
        const error = err instanceof Error ? err : new Error('discovery failed');
        access = list.map(() => error);
      }
      const tools = list.map((s, i) =>
        listedTool(s, access[i] ?? new Error('no status'), permissions.request.name),
      );
      tools.push(listedOwnTool(permissions.request, false), listedOwnTool(permissions.check, true));
      return { tools };
    });

    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const started = performance.now();
      const { name } = request.params;
      const args = request.params.arguments ?? {};
      const ownTool = own.get(name);
      if (ownTool !== undefined) {
        const result = await ownTool.run(args);
        if (ownTool === permissions.check && result.data['status'] === 'approved')
          void server.sendToolListChanged().catch(() => undefined);
        return toolResult(result);
      }
      const tool = (await currentServed()).byName.get(name);
      if (tool === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      const entry = (outcome: Extract<GatewayLogEntry, { event: 'call' }>['outcome']) =>
        log({
          event: 'call',
          principal: authority.principal,
          tool: tool.policyName,
          outcome,
          ms: Math.round((performance.now() - started) * 1000) / 1000,
        });
      const verdict = await authority.check(tool.policyName, args);
      if (!verdict.allowed) {
        const { error } = verdict;
        if (error instanceof PermissionDenied || error instanceof InvalidArgumentsError) {
          entry(error instanceof PermissionDenied ? 'denied' : 'invalid');
          return toolResult(permissions.refused(error));
        }
        entry('undecided');
        return failedResult('the call was not made, since it could not be decided', error);
      }
      const progressToken = request.params._meta?.progressToken;
      // Progress is passed on in order, and all of it before the result (a client stops
      // listening for a request's progress once its answer has come).
      let progressed: Promise<void> = Promise.resolve();
      try {
        const result: CallToolResult = await upstream.call(tool.tool.name, verdict.args, {
          signal: extra.signal,
          timeoutMs,
          ...(progressToken === undefined
            ? {}
            : {
                onprogress: (p) => {
                  const notification = {
                    method: 'notifications/progress' as const,
                    params: { ...p, progressToken },
                  };
                  progressed = progressed
                    .then(() => extra.sendNotification(notification))
                    .catch(() => undefined);
                },
              }),
        });
        await progressed;
        entry('allowed');
        return result;
      } catch (err) {
        if (extra.signal.aborted) {
          entry('cancelled');
          throw err;
        }
        if (err instanceof McpError) {
          entry('error');
          throw err;
        }
        entry('failed');
        return failedResult('the call did not complete', err);
      }
    });
    return server;
  };

  return {
    serverFor,
    served: currentServed,
    toolsChanged() {
      for (const server of servers) void server.sendToolListChanged().catch(() => undefined);
    },
  };
}

/**
 * Checks a mandate name prefix: dot-separated words of letters, digits, `_` and `-`, at most 64
 * characters. Throws a `RangeError` naming `name` otherwise.
 *
 * @example
 * ```ts
 * assertPrefix('fs', 'options.prefix'); // fine
 * assertPrefix('a b', 'options.prefix'); // RangeError
 * ```
 */
export function assertPrefix(prefix: unknown, name: string): asserts prefix is string {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix) || prefix.length > 64)
    throw new RangeError(
      `${name} must be dot-separated words of letters, digits, _ and - (at most 64 characters), got ${JSON.stringify(prefix)}`,
    );
}

/** What the model is told when it connects: how mandate answers, then the server's own words. */
function instructions(upstream: string | undefined, tools: PermissionTools): string {
  const own =
    'Every tool call here runs on your mandate delegation and is checked before it reaches the ' +
    'server. Each tool says whether you may call it. A refused call says which condition blocked ' +
    `it, who wrote it and the scope you need; ask for it with ${tools.request.name} (you get a ` +
    `request id at once and can keep working), then check the answer with ${tools.check.name}.`;
  return upstream === undefined || upstream === '' ? own : `${own}\n\n${upstream}`;
}
