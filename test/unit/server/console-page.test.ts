// The console's page and files as the service serves them: a shell with no inline script or
// style, the bundle and the stylesheet named by content hash, every one with the headers that
// leave hostile text nothing to work with (a strict CSP with Trusted Types, no framing, no
// sniffing, no referrer); a missing bundle says how to make it; the OpenAPI document covers
// the console's API routes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Delegator } from '../../../src/index.js';
import {
  ServiceError,
  createOwnerCredential,
  createServiceApp,
  openApiDocument,
  ownerCheck,
} from '../../../src/server/index.js';
import { CONSOLE_CSP } from '../../../src/server/console/routes.js';
import { consoleFiles } from '../../../src/server/console/assets.js';

async function app() {
  const delegator = await Delegator.inMemory();
  const credential = createOwnerCredential();
  return createServiceApp({ delegator, isOwner: ownerCheck(() => credential) });
}

const get = async (path: string) => (await app()).fetch(new Request(`http://local${path}`));

describe('the console page', () => {
  it('is a shell that loads only its own script and stylesheet, by content hash', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toEqual([
      expect.stringMatching(
        /^<script type="module" src="\/console\/console\.js\?v=[0-9a-f]{16}">$/,
      ),
    ]);
    expect(html).not.toMatch(/<style|\sstyle=|\son\w+=|javascript:/i);
    expect(html).toMatch(/<link rel="stylesheet" href="\/console\/console\.css\?v=[0-9a-f]{16}">/);

    const js = await get('/console/console.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const bundle = await js.text();
    // The bundle writes text, never markup.
    expect(bundle).not.toMatch(
      /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(/,
    );
    const css = await get('/console/console.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.esc');
  });

  it('is served with a strict policy: own script only, Trusted Types, no framing, no sniffing', async () => {
    for (const path of ['/', '/console/console.js', '/console/console.css']) {
      const res = await get(path);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const directives = new Map(
      CONSOLE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('require-trusted-types-for')).toBe("'script'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('answers an unknown file with the JSON 404', async () => {
    const res = await get('/console/secrets.json');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'ERR_SERVER_NOT_FOUND' });
  });

  it('says how to make a missing bundle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-console-'));
    try {
      writeFileSync(join(dir, 'console.css'), 'body {}');
      let error: unknown;
      try {
        consoleFiles(dir);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ status: 503, code: 'ERR_SERVER_UNAVAILABLE' });
      expect((error as Error).message).toMatch(/_page_bundle\.js is missing.*npm run codegen/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the OpenAPI document', () => {
  it('covers the console API routes, with the schemas their bodies are checked against', () => {
    const doc = openApiDocument() as {
      paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.paths['/v1/scope/check']?.['post']?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/checkConditions' } } },
    });
    expect(doc.paths['/v1/requests/{id}/check']?.['post']?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/checkApproval' } } },
    });
    expect(doc.paths['/v1/scope/effective']?.['get']?.security).toEqual([{ ownerCredential: [] }]);
    expect(doc.components.schemas['checkConditions']).toMatchObject({
      required: ['conditions'],
      additionalProperties: false,
    });
  });
});
