/**
 * What every route of the service shares: the Delegator, how callers are identified, the
 * limits, and the helpers each route uses to read its caller and its body.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Delegator } from '../requests/index.js';
import { callerOf, type Caller, type CallerCheck } from './callers.js';
import { ServiceError } from './errors.js';
import type { RateLimiter, ServiceLimits } from './limits.js';
import { checkBody, type BodyName } from './schemas.js';
import { SESSION_COOKIE, sameSecret, type Sessions } from './sessions.js';

/** The service's shared parts. */
export interface ServiceContext {
  readonly delegator: Delegator;
  readonly check: CallerCheck;
  readonly limits: ServiceLimits;
  readonly rate: RateLimiter;
  /** The clock `authorize` decides at. */
  readonly now: () => Date;
  /** How often a revocation stream re-reads the feed and says it is complete, in ms. */
  readonly feedIntervalMs: number;
  /** How often an idle stream sends a comment, so that proxies keep it open, in ms. */
  readonly heartbeatMs: number;
  /** The console's sign-in links and sessions. */
  readonly sessions: Sessions;
}

/**
 * The caller of `c`, identified and charged one call against its rate.
 *
 * @example
 * ```ts
 * const caller = identify(ctx, c);
 * ```
 */
export function identify(ctx: ServiceContext, c: Context): Caller {
  const header = c.req.header('authorization');
  const session = header === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
  const caller: Caller =
    session === undefined ? callerOf(header, ctx.check) : sessionCaller(ctx, c, session);
  ctx.rate.take(caller.kind === 'owner' ? 'owner' : caller.key);
  c.set('caller' as never, (caller.kind === 'owner' ? 'owner' : caller.name) as never);
  return caller;
}

/**
 * The caller of `c`, who must be an agent (asking, cancelling: the owner holds everything).
 *
 * @example
 * ```ts
 * const agent = identifyAgent(ctx, c, 'asking for permission');
 * ```
 */
export function identifyAgent(
  ctx: ServiceContext,
  c: Context,
  what: string,
): Extract<Caller, { kind: 'agent' }> {
  const caller = identify(ctx, c);
  if (caller.kind !== 'agent')
    throw new ServiceError(
      'ERR_SERVER_FORBIDDEN',
      `${what} is for agents, with their own token; the owner holds every permission`,
      403,
    );
  return caller;
}

/**
 * The JSON body of `c`, checked against the schema `name`.
 *
 * @example
 * ```ts
 * const body = await bodyOf<{ reason: string }>(c, 'deny');
 * ```
 */
export async function bodyOf<T>(c: Context, name: BodyName): Promise<T> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ServiceError('ERR_SERVER_BAD_REQUEST', 'the body must be JSON', 400);
  }
  return checkBody<T>(name, body);
}

/** Whether the client asked for an event stream. */
export function wantsStream(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/event-stream');
}

/**
 * The owner, signed in to the console by a session cookie. A call that changes anything must
 * carry the session's CSRF token (`X-CSRF-Token`); a session that is unknown or idle too long
 * gets the fixed 401.
 */
function sessionCaller(ctx: ServiceContext, c: Context, session: string): Caller {
  const csrf = ctx.sessions.csrfOf(session);
  if (csrf === undefined) return callerOf(undefined, ctx.check);
  const method = c.req.method;
  if (
    method !== 'GET' &&
    method !== 'HEAD' &&
    !sameSecret(c.req.header('x-csrf-token') ?? '', csrf)
  )
    throw new ServiceError(
      'ERR_SERVER_FORBIDDEN',
      'a call that changes anything needs the X-CSRF-Token of the session',
      403,
    );
  return { kind: 'owner' };
}

/**
 * The rate-limit key of an unauthenticated call: the address it came from (the socket's, never a
 * header a client could write), or `unknown` off a Node server (`app.fetch` in a test).
 *
 * @example
 * ```ts
 * ctx.rate.take(addressKey(c));
 * ```
 */
export function addressKey(c: Context): string {
  try {
    return `address:${getConnInfo(c).remote.address ?? 'unknown'}`;
  } catch {
    return 'address:unknown';
  }
}

/**
 * A non-negative integer given as text (a cursor, a limit, a `Last-Event-ID`); a 400 naming
 * `name` otherwise.
 *
 * @example
 * ```ts
 * const cursor = integerOf(c.req.query('cursor') ?? '0', 'cursor');
 * ```
 */
export function integerOf(text: string, name: string): number {
  const n = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(n))
    throw new ServiceError('ERR_SERVER_BAD_REQUEST', `${name} must be a non-negative integer`, 400);
  return n;
}
