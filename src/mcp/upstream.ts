/**
 * The gateway's one connection to the MCP server it guards: a child process over stdio, or a
 * Streamable HTTP endpoint. It never carries a mandate token (the child's environment has no
 * `MANDATE_*` variable, and a call carries only the tool's name and its authorized arguments).
 *
 * It keeps the server's tool list (read once, all pages, within limits, and read again when the
 * server says it changed) and restarts a server that went away: a child that exits, or an HTTP
 * endpoint whose connection failed, is reconnected with a growing delay; a call made meanwhile
 * waits a little for the restart and otherwise fails with `ERR_MCP_UPSTREAM_UNAVAILABLE`. A call
 * is never retried (it may have had effects). After `maxRestarts` failed attempts in a row the
 * upstream gives up and says so (`onEvent({ kind: 'gave-up' })`).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import {
  ErrorCode,
  McpError,
  ResultSchema,
  ToolListChangedNotificationSchema,
  ToolSchema,
  type CallToolResult,
  type Progress,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { McpGatewayError } from './errors.js';

/**
 * Where the upstream server is: a command to run (its stdio is the protocol), or a URL.
 *
 * @example
 * ```ts
 * const target: UpstreamTarget = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] };
 * ```
 */
export type UpstreamTarget =
  | {
      readonly command: string;
      readonly args: readonly string[];
      /** The child's environment (default: this process's, without any `MANDATE_*` variable). */
      readonly env?: Readonly<Record<string, string>>;
      readonly cwd?: string;
      /** The child's stderr: `inherit` (default) or `ignore`. */
      readonly stderr?: 'inherit' | 'ignore';
    }
  | { readonly url: string; readonly headers?: Readonly<Record<string, string>> };

/**
 * Something the upstream connection went through, for the gateway's log.
 *
 * @example
 * ```ts
 * onEvent: (e) => { if (e.kind === 'gave-up') process.exitCode = 1; }
 * ```
 */
export type UpstreamEvent =
  | { readonly kind: 'lost'; readonly detail: string }
  | { readonly kind: 'restarted'; readonly attempt: number }
  | { readonly kind: 'restart-failed'; readonly attempt: number; readonly detail: string }
  | { readonly kind: 'gave-up'; readonly attempts: number }
  | { readonly kind: 'too-many-tools'; readonly kept: number };

/**
 * Options of `Upstream.start`.
 *
 * @example
 * ```ts
 * await Upstream.start({ target, onToolsChanged: () => gateway.toolsChanged() });
 * ```
 */
export interface UpstreamOptions {
  readonly target: UpstreamTarget;
  /** Called when the server's tool list changed (it said so, or it was restarted). */
  readonly onToolsChanged?: () => void;
  readonly onEvent?: (event: UpstreamEvent) => void;
  /** Most tools read from the server; the rest are left out (and said so). Default 1,000. */
  readonly maxTools?: number;
  /** Failed restarts in a row before giving up. Default 5. */
  readonly maxRestarts?: number;
  /** Delay before the first restart, doubled each time up to 8 s. Default 250 ms. */
  readonly restartDelayMs?: number;
  /** How long a call waits for a restart under way. Default 10 s. */
  readonly restartWaitMs?: number;
}

/**
 * Options of one call.
 *
 * @example
 * ```ts
 * await upstream.call('read_graph', {}, { signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface UpstreamCallOptions {
  readonly signal?: AbortSignal;
  readonly onprogress?: (progress: Progress) => void;
  /** Milliseconds without progress before the call fails. */
  readonly timeoutMs?: number;
}

/**
 * The server's tool list: the tools that are valid MCP tool definitions, and the names of those
 * that are not, with why (one bad definition must not take the others down with it).
 *
 * @example
 * ```ts
 * const { tools, rejected } = await upstream.tools();
 * ```
 */
export interface UpstreamTools {
  readonly tools: readonly Tool[];
  readonly rejected: readonly { readonly name: string; readonly why: string }[];
}

const MAX_PAGES = 100;
const MAX_RESTART_DELAY_MS = 8000;
/** A server that stayed up this long has its restart count reset. */
const STABLE_MS = 30_000;

type State =
  | { readonly kind: 'up'; readonly client: Client; readonly since: number }
  | { readonly kind: 'down'; readonly restarting: Promise<void> }
  | { readonly kind: 'failed' }
  | { readonly kind: 'closed' };

/**
 * A supervised connection to the upstream MCP server. Create one with `Upstream.start`.
 *
 * @example
 * ```ts
 * const upstream = await Upstream.start({ target: { command: 'mcp-server-memory', args: [] } });
 * const tools = await upstream.tools();
 * const result = await upstream.call('read_graph', {});
 * await upstream.close(); // the child process is ended
 * ```
 */
export class Upstream {
  readonly #options: UpstreamOptions;
  #state: State;
  #tools: Promise<UpstreamTools> | undefined;
  #instructions: string | undefined;
  #attempts = 0;

  private constructor(options: UpstreamOptions, client: Client) {
    this.#options = options;
    this.#state = { kind: 'up', client, since: Date.now() };
    this.#instructions = client.getInstructions();
    this.#watch(client);
  }

  /**
   * Connects to the server (starting the child). Rejects with `ERR_MCP_UPSTREAM_START` when it
   * cannot be started or does not complete the MCP handshake.
   */
  static async start(options: UpstreamOptions): Promise<Upstream> {
    const client = await connect(options);
    return new Upstream(options, client);
  }

  /** The server's instructions for the model, from its last handshake. */
  get instructions(): string | undefined {
    return this.#instructions;
  }

  /** The child's process id (stdio), while it runs. */
  get pid(): number | null {
    if (this.#state.kind !== 'up') return null;
    const transport = this.#state.client.transport;
    return transport instanceof StdioClientTransport ? transport.pid : null;
  }

  /** The server's tools, read once and kept until the server says they changed. */
  tools(): Promise<UpstreamTools> {
    const reading = (this.#tools ??= this.#readTools());
    reading.catch(() => {
      if (this.#tools === reading) this.#tools = undefined;
    });
    return reading;
  }

  /**
   * Calls a tool on the server. An error the server answers (a JSON-RPC error) is rethrown as
   * the SDK's `McpError`; a server that is gone gives `ERR_MCP_UPSTREAM_UNAVAILABLE`.
   */
  async call(
    name: string,
    args: Readonly<Record<string, unknown>>,
    options: UpstreamCallOptions = {},
  ): Promise<CallToolResult> {
    const client = await this.#client();
    try {
      return (await client.callTool({ name, arguments: { ...args } }, undefined, {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onprogress === undefined
          ? {}
          : { onprogress: options.onprogress, resetTimeoutOnProgress: true }),
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      })) as CallToolResult;
    } catch (err) {
      // A call the client cancelled is over; the server is not gone for that.
      if (options.signal?.aborted === true) throw err;
      throw this.#failure(client, err);
    }
  }

  /** Ends the connection; a child process is asked to exit, then killed. */
  async close(): Promise<void> {
    const state = this.#state;
    this.#state = { kind: 'closed' };
    if (state.kind === 'up') await state.client.close().catch(() => undefined);
  }

  /** The connected client, waiting a little for a restart under way. */
  async #client(): Promise<Client> {
    let state = this.#state;
    if (state.kind === 'down') {
      const wait = this.#options.restartWaitMs ?? 10_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        state.restarting,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, wait))),
      ]);
      clearTimeout(timer);
      state = this.#state;
    }
    if (state.kind === 'up') return state.client;
    throw new McpGatewayError(
      'ERR_MCP_UPSTREAM_UNAVAILABLE',
      state.kind === 'closed'
        ? 'the gateway is shutting down'
        : state.kind === 'failed'
          ? 'the upstream MCP server is gone (it could not be restarted)'
          : 'the upstream MCP server is not running (the gateway is restarting it)',
    );
  }

  async #readTools(): Promise<UpstreamTools> {
    const client = await this.#client();
    const max = this.#options.maxTools ?? 1000;
    const tools: Tool[] = [];
    const rejected: { name: string; why: string }[] = [];
    // A fresh validator for each reading, so that no schema the server sent stays compiled.
    const schemas = new AjvJsonSchemaValidator();
    let cursor: string | undefined;
    try {
      // Read as plain results and each tool checked on its own: the SDK's listTools would refuse
      // the whole list for one bad tool, and compile every output schema the server sends.
      for (let page = 0; page < MAX_PAGES && tools.length < max; page++) {
        const result = await client.request(
          { method: 'tools/list', params: cursor === undefined ? {} : { cursor } },
          ResultSchema,
        );
        const listed: unknown = result['tools'];
        for (const item of Array.isArray(listed) ? listed : []) {
          const checked = checkedTool(item, schemas);
          if ('tool' in checked) tools.push(checked.tool);
          else rejected.push({ name: nameOf(item), why: checked.why });
        }
        const next = result['nextCursor'];
        cursor = typeof next === 'string' ? next : undefined;
        if (cursor === undefined) break;
      }
    } catch (err) {
      throw this.#failure(client, err);
    }
    if (tools.length > max || (cursor !== undefined && tools.length >= max)) {
      this.#options.onEvent?.({ kind: 'too-many-tools', kept: max });
      tools.length = max;
    }
    return Object.freeze({ tools: Object.freeze(tools), rejected: Object.freeze(rejected) });
  }

  /**
   * What a failed request means: the server's own error passes on; anything else (the process
   * exited, the HTTP connection failed) means the server is gone, and it is restarted.
   */
  #failure(client: Client, err: unknown): Error {
    if (err instanceof McpError && err.code !== (ErrorCode.ConnectionClosed as number)) return err;
    if (err instanceof McpGatewayError) return err;
    this.#lost(client, err instanceof Error ? err.message : 'the connection failed');
    return new McpGatewayError(
      'ERR_MCP_UPSTREAM_UNAVAILABLE',
      'the upstream MCP server went away during the call (the gateway is restarting it); the call may or may not have run',
      { cause: err },
    );
  }

  #watch(client: Client): void {
    client.onclose = () => this.#lost(client, 'the connection closed');
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => this.#toolsChanged());
  }

  #toolsChanged(): void {
    this.#tools = undefined;
    this.#options.onToolsChanged?.();
  }

  #lost(client: Client, detail: string): void {
    const state = this.#state;
    if (state.kind !== 'up' || state.client !== client) return;
    if (Date.now() - state.since >= STABLE_MS) this.#attempts = 0;
    this.#options.onEvent?.({ kind: 'lost', detail });
    this.#tools = undefined;
    this.#state = { kind: 'down', restarting: this.#restart() };
    void client.close().catch(() => undefined);
  }

  async #restart(): Promise<void> {
    const max = this.#options.maxRestarts ?? 5;
    const first = this.#options.restartDelayMs ?? 250;
    while (this.#state.kind === 'down' || this.#state.kind === 'up') {
      if (this.#attempts >= max) {
        this.#state = { kind: 'failed' };
        this.#options.onEvent?.({ kind: 'gave-up', attempts: this.#attempts });
        return;
      }
      const attempt = ++this.#attempts;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(first * 2 ** (attempt - 1), MAX_RESTART_DELAY_MS)),
      );
      if (this.#state.kind !== 'down') return;
      try {
        const client = await connect(this.#options);
        if (this.#state.kind !== 'down') {
          await client.close();
          return;
        }
        this.#state = { kind: 'up', client, since: Date.now() };
        this.#instructions = client.getInstructions();
        this.#watch(client);
        this.#options.onEvent?.({ kind: 'restarted', attempt });
        this.#toolsChanged();
        return;
      } catch (err) {
        const detail = err instanceof Error ? err.message : 'it failed';
        this.#options.onEvent?.({ kind: 'restart-failed', attempt, detail });
      }
    }
  }
}

/**
 * A tool the server listed, checked: a valid MCP tool definition whose output schema, if any,
 * compiles (a client's SDK would refuse the whole list for one that does not); else why not.
 */
function checkedTool(
  item: unknown,
  schemas: AjvJsonSchemaValidator,
): { readonly tool: Tool } | { readonly why: string } {
  const parsed = ToolSchema.safeParse(item);
  if (!parsed.success) return { why: 'its definition is not a valid MCP tool' };
  const tool = parsed.data;
  if (tool.outputSchema === undefined) return { tool };
  try {
    schemas.getValidator(tool.outputSchema as Parameters<typeof schemas.getValidator>[0]);
    return { tool };
  } catch {
    return { why: 'its output schema is not a JSON Schema a client can use' };
  }
}

/** A tool's name as the server sent it, whatever the rest of it is. */
function nameOf(item: unknown): string {
  const name: unknown =
    typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : JSON.stringify(name ?? null);
}

/** A connected client for the target (a fresh child for a command). */
async function connect(options: UpstreamOptions): Promise<Client> {
  const { target } = options;
  const client = new Client({ name: 'mandate-mcp-gateway', version: '1' }, { capabilities: {} });
  const transport =
    'url' in target
      ? new StreamableHTTPClientTransport(new URL(target.url), {
          requestInit: { headers: { ...target.headers } },
        })
      : new StdioClientTransport({
          command: target.command,
          args: [...target.args],
          env: { ...(target.env ?? childEnvironment(process.env)) },
          stderr: target.stderr ?? 'inherit',
          ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
        });
  try {
    await client.connect(transport, { timeout: 30_000 });
    return client;
  } catch (err) {
    await client.close().catch(() => undefined);
    const what = 'url' in target ? `at ${target.url}` : JSON.stringify(target.command);
    const why = err instanceof Error ? err.message : 'it failed';
    throw new McpGatewayError(
      'ERR_MCP_UPSTREAM_START',
      `cannot start the upstream MCP server ${what}: ${why}`,
      { cause: err },
    );
  }
}

/**
 * The environment an upstream child gets: this process's, without any `MANDATE_*` variable (an
 * agent's token, the owner's home), so no token reaches the server it guards.
 *
 * @example
 * ```ts
 * childEnvironment({ PATH: '/bin', MANDATE_TOKEN: '…' }); // { PATH: '/bin' }
 * ```
 */
export function childEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && !name.startsWith('MANDATE_')) out[name] = value;
  return out;
}
