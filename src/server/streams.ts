/**
 * The service's event streams (inbox, a request's outcome, revocations) share one frame: a slot
 * among the caller's open streams, a comment every `heartbeatMs` so that proxies keep an idle
 * stream open, and a quiet end when the client goes away (or the service closes).
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Caller } from './callers.js';
import type { ServiceContext } from './context.js';

/**
 * An event stream to `caller`, written by `write` until it returns or `signal` aborts (the
 * client left). Past the caller's stream limit, a 429 `ServiceError` before anything is sent.
 *
 * @example
 * ```ts
 * return eventStream(ctx, c, caller, async (stream, signal) => { … });
 * ```
 */
export function eventStream(
  ctx: ServiceContext,
  c: Context,
  caller: Caller,
  write: (stream: SSEStreamingApi, signal: AbortSignal) => Promise<void>,
): Response {
  const release = ctx.rate.openStream(caller.kind === 'owner' ? 'owner' : caller.key);
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n'), ctx.heartbeatMs);
    try {
      await write(stream, abort.signal);
    } catch (err) {
      // The client went away (or the service is closing): the stream simply ends.
      if (!abort.signal.aborted) throw err;
    } finally {
      clearInterval(heartbeat);
      release();
    }
  });
}
