/**
 * The gateway over stdio: one connection, the process's own stdin and stdout, acting with the
 * token the gateway was started with. Stdout is the protocol, so nothing else may be written to
 * it; the gateway's log goes to stderr.
 *
 * A line that is not JSON, or not a JSON-RPC message, is answered with JSON-RPC's parse error
 * (-32700) or invalid request (-32600), `id: null` as JSON-RPC 2.0 says, and the connection goes
 * on; the SDK's transport alone would only drop it, and a client waiting on it would hang. The
 * connection ends on `close()`, or when stdin ends (the harness went away) once the requests
 * already read are answered or cancelled.
 */
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectionAuthority } from './authority.js';
import type { Gateway } from './gateway.js';

/**
 * Options of `serveStdio`.
 *
 * @example
 * ```ts
 * await serveStdio(gateway, authority, { stdin: process.stdin, stdout: process.stdout });
 * ```
 */
export interface StdioOptions {
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** Protocol errors (a malformed line, a failed handler): for the log. */
  readonly onError?: (err: Error) => void;
}

/**
 * A connection being served.
 *
 * @example
 * ```ts
 * const served = await serveStdio(gateway, authority, io);
 * await served.closed; // stdin ended
 * ```
 */
export interface ServedConnection {
  /** Settles when the connection has ended. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves `gateway` on stdin/stdout as one connection acting with `authority`.
 *
 * @example
 * ```ts
 * const served = await serveStdio(gateway, await source.open(token), { stdin: process.stdin, stdout: process.stdout });
 * ```
 */
export async function serveStdio(
  gateway: Gateway,
  authority: ConnectionAuthority,
  options: StdioOptions,
): Promise<ServedConnection> {
  const { stdin, stdout } = options;
  const transport = new StdioServerTransport(stdin, stdout);
  const server = gateway.serverFor(authority);
  const closed = new Promise<void>((resolve) => {
    const before = server.onclose;
    server.onclose = () => {
      before?.();
      resolve();
    };
  });
  server.onerror = (err) => options.onError?.(err);
  await server.connect(transport);
  // The SDK's protocol layer set onerror; answer a malformed line before passing the error on.
  const protocolOnError = transport.onerror;
  transport.onerror = (error) => {
    const code = malformed(error);
    if (code !== undefined) {
      const reply = {
        jsonrpc: '2.0',
        id: null,
        error: {
          code,
          message: code === (ErrorCode.ParseError as number) ? 'Parse error' : 'Invalid Request',
        },
      } as unknown as JSONRPCMessage;
      void transport.send(reply).catch(() => undefined);
    }
    protocolOnError?.(error);
  };
  // When stdin ends, the requests already read are answered before the connection closes (a
  // client may write its last request and close its end at once).
  const open = new Set<string | number>();
  let ending = false;
  const closeIfDone = () => {
    if (ending && open.size === 0) void server.close().catch(() => undefined);
  };
  const receive = transport.onmessage;
  transport.onmessage = (message) => {
    if ('method' in message && 'id' in message) open.add(message.id);
    receive?.(message);
    // A cancelled request gets no answer: it is not waited for.
    if ('method' in message && message.method === 'notifications/cancelled') {
      const id: unknown = message.params?.['requestId'];
      if (typeof id === 'string' || typeof id === 'number') open.delete(id);
      closeIfDone();
    }
  };
  const send = transport.send.bind(transport);
  transport.send = async (message) => {
    await send(message);
    if (!('method' in message) && 'id' in message && message.id !== undefined) {
      open.delete(message.id);
      closeIfDone();
    }
  };
  const end = () => {
    ending = true;
    closeIfDone();
  };
  stdin.once('end', end);
  stdin.once('close', end);
  return { closed, close: () => server.close() };
}

/** The JSON-RPC code for a line that could not be read as a message, if that is what failed. */
function malformed(error: Error): number | undefined {
  if (error instanceof SyntaxError) return ErrorCode.ParseError;
  if (error.name === 'ZodError' || error.constructor.name === 'ZodError')
    return ErrorCode.InvalidRequest;
  return undefined;
}
