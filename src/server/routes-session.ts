/**
 * Signing in to the console: the owner (by its credential) asks for a one-time link, a person
 * opens it and gets a session cookie (HttpOnly, SameSite=Strict, Secure over TLS), the console
 * reads the session's CSRF token, and signs out.
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { callerOf } from './callers.js';
import { addressKey, identify, type ServiceContext } from './context.js';
import { ServiceError, UNAUTHORIZED_MESSAGE } from './errors.js';
import { SESSION_COOKIE } from './sessions.js';

/**
 * Adds the sign-in routes to `app`.
 *
 * @example
 * ```ts
 * sessionRoutes(app, ctx);
 * ```
 */
export function sessionRoutes(app: Hono, ctx: ServiceContext): void {
  app.post('/v1/signin-links', (c) => {
    // The owner credential itself, not a session: a signed-in page cannot mint more sessions.
    const caller = callerOf(c.req.header('authorization'), ctx.check);
    if (caller.kind !== 'owner')
      throw new ServiceError('ERR_SERVER_FORBIDDEN', 'sign-in links are for the owner only', 403);
    ctx.rate.take('owner');
    const code = ctx.sessions.issueLink();
    return c.json({ url: `${new URL(c.req.url).origin}/v1/signin?code=${code}` }, 201);
  });

  app.get('/v1/signin', (c) => {
    ctx.rate.take(addressKey(c));
    const id = ctx.sessions.redeem(c.req.query('code') ?? '');
    if (id === undefined)
      throw new ServiceError(
        'ERR_SERVER_UNAUTHORIZED',
        `${UNAUTHORIZED_MESSAGE}: a sign-in link works once, for a few minutes`,
        401,
      );
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secure(c),
      path: '/',
    });
    c.header('cache-control', 'no-store');
    return c.redirect('/', 303);
  });

  app.get('/v1/session', (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    const csrf = id === undefined ? undefined : ctx.sessions.csrfOf(id);
    if (csrf === undefined)
      throw new ServiceError('ERR_SERVER_UNAUTHORIZED', UNAUTHORIZED_MESSAGE, 401);
    c.header('cache-control', 'no-store');
    return c.json({ owner: true, csrfToken: csrf }, 200);
  });

  app.post('/v1/signout', (c) => {
    identify(ctx, c);
    const id = getCookie(c, SESSION_COOKIE);
    if (id !== undefined) ctx.sessions.end(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
    return c.body(null, 204);
  });
}

/** Whether the client reached the service over TLS (directly, or through a proxy that says so). */
function secure(c: Context): boolean {
  return c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https';
}
