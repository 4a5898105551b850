/**
 * The service as a Hono application over one Delegator: the routes of `routes-requests.ts`,
 * `routes-records.ts`, `routes-session.ts` and `routes-scope.ts`, the consent console
 * (`console/`), the OpenAPI document, a body limit, JSON for every error and for unknown
 * routes, and a structured log line per call (method, route, status, time, who called; never a
 * token, a credential or a body).
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Delegator } from '../requests/index.js';
import type { ServiceContext } from './context.js';
import { INTERNAL, ServiceError, errorAnswer } from './errors.js';
import { DEFAULT_SERVICE_LIMITS, RateLimiter, type ServiceLimits } from './limits.js';
import { openApiDocument } from './openapi.js';
import { recordRoutes } from './routes-records.js';
import { requestRoutes } from './routes-requests.js';
import { scopeRoutes } from './routes-scope.js';
import { consoleRoutes } from './console/routes.js';
import { sessionRoutes } from './routes-session.js';
import { DEFAULT_SESSION_LIMITS, Sessions } from './sessions.js';

/** One line of the service's log. */
export interface ServiceLogEntry {
  readonly at: string;
  readonly method: string;
  /** The matched route (`/v1/requests/:id`), so that no id or query is logged. */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
  /** `owner`, the agent's principal, or `-` when the caller was not identified. */
  readonly caller: string;
  /** For a 500: the error, for the operator (never sent to the client). */
  readonly error?: string;
}

/** Options of `createServiceApp`. */
export interface ServiceAppOptions {
  readonly delegator: Delegator;
  /** Whether a presented owner credential is the current one (see `ownerCheck`). */
  readonly isOwner: (presented: string) => boolean;
  readonly limits?: Partial<ServiceLimits>;
  /** Receives one entry per call (default: none). */
  readonly log?: (entry: ServiceLogEntry) => void;
  /** The clock for `authorize` and rate limits (default: the system clock). */
  readonly now?: () => Date;
  /** How often a revocation stream says it is complete, in ms (default 1000). */
  readonly feedIntervalMs?: number;
  /** How often an idle stream sends a comment, in ms (default 15000). */
  readonly heartbeatMs?: number;
  /** The console's sign-in links and sessions (default: a fresh set; pass one to issue links). */
  readonly sessions?: Sessions;
}

/**
 * The service's HTTP application (serve it with `serveDelegator`, or call `app.fetch` in tests).
 *
 * @example
 * ```ts
 * const app = createServiceApp({ delegator, isOwner: ownerCheck(() => credential) });
 * const res = await app.fetch(new Request('http://local/v1/inbox', { headers: { authorization: `Bearer ${credential}` } }));
 * ```
 */
export function createServiceApp(options: ServiceAppOptions): Hono {
  const limits: ServiceLimits = { ...DEFAULT_SERVICE_LIMITS, ...options.limits };
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const delegator = options.delegator;
  const ctx: ServiceContext = {
    delegator,
    check: {
      rootKeys: delegator.rootKeys,
      revocations: delegator.revocations(),
      isOwner: options.isOwner,
    },
    limits,
    rate: new RateLimiter(limits, () => now().getTime()),
    now,
    feedIntervalMs: options.feedIntervalMs ?? 1000,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    sessions: options.sessions ?? new Sessions(DEFAULT_SESSION_LIMITS, () => now().getTime()),
  };
  const app = new Hono();
  const failures = new WeakMap<Request, string>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    log({
      at: new Date().toISOString(),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      caller: (c.get('caller' as never) as string | undefined) ?? '-',
      ...(failures.has(c.req.raw) ? { error: failures.get(c.req.raw) as string } : {}),
    });
  });
  const tooLarge = (c: Context) =>
    c.json(
      errorAnswer(
        new ServiceError(
          'ERR_SERVER_TOO_LARGE',
          `the body is larger than ${limits.maxBodyBytes} bytes`,
          413,
        ),
      )?.body,
      413,
    );
  const limitStreamedBody = bodyLimit({ maxSize: limits.maxBodyBytes, onError: tooLarge });
  const limitBody: MiddlewareHandler = async (c, next) => {
    // A declared length bounds the body (Node's parser reads exactly that many bytes), as hono's
    // bodyLimit trusts it too; checking the header first keeps @hono/node-server's fast path,
    // which reads the body straight from the socket instead of building a web Request and stream.
    const length = c.req.header('content-length') ?? '';
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if (!chunked && length === '' && (c.req.method === 'GET' || c.req.method === 'HEAD'))
      return next();
    if (!/^\d{1,15}$/.test(length) || chunked) return limitStreamedBody(c, next);
    if (Number(length) > limits.maxBodyBytes) return tooLarge(c);
    await next();
  };
  app.use('*', limitBody);
  app.onError((err, c) => {
    const answer = errorAnswer(err);
    if (answer !== undefined) return c.json(answer.body, answer.status as 400);
    failures.set(c.req.raw, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    return c.json(INTERNAL.body, 500);
  });
  app.notFound((c) =>
    c.json(errorAnswer(new ServiceError('ERR_SERVER_NOT_FOUND', 'no such route', 404))?.body, 404),
  );

  app.get('/v1/openapi.json', (c) => c.json(openApiDocument(), 200));
  requestRoutes(app, ctx);
  recordRoutes(app, ctx);
  sessionRoutes(app, ctx);
  scopeRoutes(app, ctx);
  consoleRoutes(app);
  return app;
}
