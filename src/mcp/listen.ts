/**
 * The gateway over Streamable HTTP (`POST`/`GET`/`DELETE /mcp`), where each connection is its
 * own principal: the request that opens a session (`initialize`) carries a mandate token as
 * `Authorization: Bearer <token>`, and the session acts with it (and with the tokens its
 * approvals install) for as long as it lives. Every later request of the session must carry the
 * same token (compared by SHA-256 digest, in constant time): a session id alone is not a
 * credential. Tokens never go further than the gateway.
 *
 * A credential that is refused gets one fixed answer, whatever is wrong with it (401,
 * `invalid_token`); the operator's log says why. Limits: open sessions (64), a session's idle
 * time (30 minutes, then it is closed and a client starts a new one), and a request body's size
 * (4 MiB), on top of the argument limits every call's arguments meet.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Hono } from 'hono';
import { listen, type ListenOn, type RunningService } from '../server/index.js';
import type { AuthoritySource } from './authority.js';
import { McpGatewayError } from './errors.js';
import type { Gateway } from './gateway.js';

/**
 * Bounds on the HTTP side.
 *
 * @example
 * ```ts
 * listenGateway(gateway, source, { port: 0, limits: { maxSessions: 8 } });
 * ```
 */
export interface HttpLimits {
  /** Sessions open at once. Default 64. */
  readonly maxSessions: number;
  /** Milliseconds a session may go without a request before it is closed. Default 30 minutes. */
  readonly idleMs: number;
  /** Largest request body, in bytes. Default 4 MiB. */
  readonly maxBodyBytes: number;
}

/**
 * The defaults of `HttpLimits`.
 *
 * @example
 * ```ts
 * listenGateway(gateway, source, { port: 0, limits: { ...DEFAULT_HTTP_LIMITS, maxSessions: 8 } });
 * ```
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = Object.freeze({
  maxSessions: 64,
  idleMs: 30 * 60_000,
  maxBodyBytes: 4 * 1024 * 1024,
});

/**
 * Something that happened to a session, for the operator's log (never a token).
 *
 * @example
 * ```ts
 * onSession: (e) => log(e.event, e.principal ?? '-')
 * ```
 */
export type SessionEvent =
  | { readonly event: 'opened' | 'closed' | 'expired'; readonly principal: string }
  | { readonly event: 'refused'; readonly code: string; readonly why: string };

/**
 * Options of `listenGateway`: where (as `listen` takes it), limits, and the log.
 *
 * @example
 * ```ts
 * await listenGateway(gateway, source, { port: 8411, onSession: console.error });
 * ```
 */
export type ListenGatewayOptions = ListenOn & {
  readonly limits?: Partial<HttpLimits>;
  readonly onSession?: (event: SessionEvent) => void;
  /** A session's protocol errors, for the log. */
  readonly onError?: (err: Error) => void;
};

interface Session {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  readonly server: Server;
  readonly digest: Buffer;
  readonly principal: string;
  seen: number;
}

const REFUSED = {
  error: 'invalid_token',
  message: 'the credential is not valid here',
} as const;

/**
 * Serves `gateway` over Streamable HTTP at `<url>/mcp`; each session opens with its own token.
 *
 * @example
 * ```ts
 * const running = await listenGateway(gateway, runnerAuthority({ rootKeys, broker }), { port: 0 });
 * console.log(`${running.url}/mcp`);
 * await running.close();
 * ```
 */
export async function listenGateway(
  gateway: Gateway,
  source: AuthoritySource,
  options: ListenGatewayOptions,
): Promise<RunningService> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const sessions = new Map<string, Session>();
  const report = options.onSession ?? (() => {});

  const drop = (id: string, event: 'closed' | 'expired'): void => {
    const session = sessions.get(id);
    if (session === undefined) return;
    sessions.delete(id);
    report({ event, principal: session.principal });
    void session.server.close().catch(() => undefined);
  };

  const app = new Hono();
  app.all('/mcp', async (c) => {
    const bearer = bearerOf(c.req.header('authorization'));
    if (bearer === undefined) return refuse();
    const id = c.req.header('mcp-session-id');
    if (id !== undefined) {
      const session = sessions.get(id);
      if (session === undefined)
        return c.json(rpcError(-32001, 'Session not found: start a new one'), 404);
      if (!timingSafeEqual(session.digest, digestOf(bearer))) return refuse();
      session.seen = Date.now();
      return session.transport.handleRequest(c.req.raw);
    }
    if (c.req.method !== 'POST')
      return c.json(rpcError(-32000, 'Bad Request: no session; initialize first'), 400);
    if (sessions.size >= limits.maxSessions)
      return c.json(rpcError(-32000, 'Too many sessions: close one, or try again later'), 503);
    let authority;
    try {
      authority = await source.open(bearer);
    } catch (err) {
      if (err instanceof McpGatewayError && err.code === 'ERR_MCP_UNAUTHORIZED') {
        report({ event: 'refused', code: err.code, why: err.message });
        return refuse();
      }
      const why = err instanceof Error ? err.message : 'it failed';
      report({ event: 'refused', code: 'ERR_MCP_UPSTREAM_INVALID', why });
      return c.json(rpcError(-32000, 'The authority that decides calls cannot be reached'), 503);
    }
    const server = gateway.serverFor(authority);
    const principal = authority.principal;
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        maxRequestBodySize: limits.maxBodyBytes,
        onsessioninitialized: (sid) => {
          sessions.set(sid, {
            transport,
            server,
            digest: digestOf(bearer),
            principal,
            seen: Date.now(),
          });
          report({ event: 'opened', principal });
        },
        onsessionclosed: (sid) => drop(sid, 'closed'),
      });
    server.onerror = (err) => options.onError?.(err);
    await server.connect(transport);
    const response = await transport.handleRequest(c.req.raw);
    // Not an initialize (the transport answered 400): no session was made.
    if (transport.sessionId === undefined) await server.close();
    return response;
  });
  app.all('*', (c) => c.json({ error: 'not_found', message: 'the MCP endpoint is /mcp' }, 404));

  const sweep = setInterval(
    () => {
      const oldest = Date.now() - limits.idleMs;
      for (const [id, session] of sessions) if (session.seen < oldest) drop(id, 'expired');
    },
    Math.min(60_000, limits.idleMs),
  );
  sweep.unref();
  const on: ListenOn = 'socket' in options ? { socket: options.socket } : options;
  return listen(app, on, () => {
    clearInterval(sweep);
    for (const id of [...sessions.keys()]) drop(id, 'closed');
    return Promise.resolve();
  });
}

/** The token of `Authorization: Bearer <token>`, if that is what the header holds. */
function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9_\-.~+/]+=*) *$/i.exec(header ?? '');
  return match?.[1];
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function refuse(): Response {
  return new Response(JSON.stringify(REFUSED), {
    status: 401,
    headers: {
      'content-type': 'application/json',
      'www-authenticate': 'Bearer error="invalid_token"',
    },
  });
}

function rpcError(code: number, message: string): Record<string, unknown> {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}
