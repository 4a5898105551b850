/**
 * Serving the application: a Node HTTP server on 127.0.0.1 (a port, 0 for any free one) or on
 * a Unix socket, with room in its headers for a full-size token, and a graceful close that stops
 * accepting, ends the open streams and lets the calls in flight finish.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';

/** Where to listen: a TCP port on a host, or a Unix socket path. */
export type ListenOn =
  { readonly port: number; readonly host?: string } | { readonly socket: string };

/** A running service. */
export interface RunningService {
  /** `http://127.0.0.1:<port>` or `unix:<path>`. */
  readonly url: string;
  /**
   * Stops accepting connections, runs `beforeClose` (the Delegator's close, which ends every
   * stream), and resolves when the calls in flight have finished (or after `graceMs`, when the
   * rest are cut).
   */
  close(options?: { readonly graceMs?: number }): Promise<void>;
}

/** Largest request head, in bytes: a 16,384-character token in `Authorization` and the rest. */
const MAX_HEADER_BYTES = 32 * 1024;

/**
 * Serves `app` where `on` says.
 *
 * @example
 * ```ts
 * const running = await listen(createServiceApp({ delegator, isOwner }), { port: 0 });
 * console.log(running.url);
 * ```
 */
export async function listen(
  app: Hono,
  on: ListenOn,
  beforeClose: () => Promise<void> = async () => {},
): Promise<RunningService> {
  const handle = getRequestListener(app.fetch);
  const server: Server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 0 },
    (req, res) => void handle(req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socket' in on) server.listen(on.socket, resolve);
    else server.listen(on.port, on.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  const url =
    'socket' in on
      ? `unix:${on.socket}`
      : `http://${(address as AddressInfo).address}:${(address as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    close(options = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await beforeClose();
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 5000);
        await closed;
        clearTimeout(cut);
      })();
      return closing;
    },
  };
}
