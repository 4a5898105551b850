/**
 * Serving the consent console: the page at `/` and its script and stylesheet under `/console/`,
 * each with headers that leave a hostile text nothing to work with: a Content-Security-Policy
 * that runs only the console's own script file (no inline script or style, no `eval`, Trusted
 * Types required so that no code can write HTML into the page), refuses to be framed
 * (`frame-ancestors 'none'`, `X-Frame-Options: DENY`), sends no referrer, and no content
 * sniffing. The page itself holds nothing secret: what it shows it reads from the API with the
 * session cookie (`routes-session.ts`).
 */
import type { Context, Hono } from 'hono';
import { consoleFiles } from './assets.js';

/**
 * The console's Content-Security-Policy.
 *
 * @example
 * ```ts
 * res.headers.get('content-security-policy') === CONSOLE_CSP;
 * ```
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Headers of every console response. */
const HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Adds the console's routes to `app`.
 *
 * @example
 * ```ts
 * consoleRoutes(app);
 * ```
 */
export function consoleRoutes(app: Hono): void {
  app.get('/', (c) => serve(c, '/'));
  app.get('/console/:file', (c) => serve(c, `/console/${c.req.param('file')}`));
}

function serve(c: Context, path: string): Response {
  const file = consoleFiles().get(path);
  if (file === undefined) return c.notFound() as Response;
  for (const [name, value] of Object.entries(HEADERS)) c.header(name, value);
  c.header('content-type', file.type);
  // The page is small and names its files by content hash; nothing is worth a stale copy.
  c.header('cache-control', 'no-cache');
  return c.body(file.body, 200);
}
