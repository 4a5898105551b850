// The console against hostile text and hostile pages, in Chromium. Every field an agent writes
// (its principal name, a subagent's, the caveats of its token, the tool and arguments of its
// call, the scope and reason of its request) carries markup that would call `__pwned` if it
// ever ran, and bidi and zero-width characters: in the inbox, the decision dialog, the tree,
// the effective scope and the audit log it shows as text, with each invisible character as a
// visible escape, and no script runs and no element is injected. A sign-in link works once and
// expires; the cookie is Secure when reached over TLS; a page of another origin can neither
// approve nor revoke (the session cookie is SameSite=Strict, every change needs the CSRF token
// it cannot read), nor read the session, nor frame the console; signing out ends the session.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegate } from '../../src/index.js';
import {
  injected,
  launchChromium,
  violations,
  watchedPage,
  type WatchedPage,
} from './fixtures/console-browser.js';
import { startConsoleService, type ConsoleService } from './fixtures/console-service.js';

const run = (what: string): string => `<img src=x onerror="__pwned('${what}')">`;
const NAME = `${run('principal')}\u202Egnp.exe`;
const SUB = `<svg onload="__pwned('subagent')">\u200B`;
// A reason is refused if it holds a control or format character (the library's rule): markup only.
const REASON = `<script>__pwned('reason')</script>${run('reason')} pay`;
const CALL_TOOL = `<iframe srcdoc="<script>parent.__pwned('call tool')</script>">`;
const ARG_KEY = `${run('argument key')}`;
const ARG_VALUE = `</code>${run('argument value')}\u202D`;

let browser: Browser;
let service: ConsoleService;
let attacker: Server;
let attackerPort: number;
const contexts: BrowserContext[] = [];

async function context(): Promise<BrowserContext> {
  const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(c);
  return c;
}

beforeAll(async () => {
  browser = await launchChromium();
  service = await startConsoleService();
  const { delegator } = service;
  const hostile = await delegator.mint({
    to: NAME,
    conditions: [
      'tool ~ "fs.*"',
      `args.note != "<script>__pwned('caveat')</script>\u200B"`,
      `args.path ~ "/repo/**"`,
    ],
    expiresIn: 3600,
  });
  const sub = delegate(hostile, {
    to: SUB,
    conditions: [`args.x != "<img src=x onerror=__pwned('subagent caveat')>"`],
  }).token;
  await delegator.request({
    token: sub,
    principal: SUB,
    scope: ['tool == "fs.list"'],
    reason: 'seen',
  });
  await delegator.request({
    token: hostile,
    principal: NAME,
    scope: [
      `tool == ${JSON.stringify(`<svg onload=__pwned('scope tool')>`)}`,
      `args[${JSON.stringify(ARG_KEY)}] == ${JSON.stringify(ARG_VALUE)}`,
    ],
    reason: REASON,
    call: { tool: CALL_TOOL, args: { [ARG_KEY]: ARG_VALUE, nested: { deep: [run('array')] } } },
  });
  // A page of another origin on this machine: http://127.0.0.1:<port> is the same site as the
  // service (ports do not count), http://localhost:<port> another site.
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>attacker</title><p>nothing to see</p>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await service?.close();
  if (attacker !== undefined) {
    attacker.closeAllConnections();
    await new Promise((resolve) => attacker.close(resolve));
  }
});

/** Nothing ran, nothing was injected, no policy was broken. */
async function inert(w: WatchedPage): Promise<void> {
  expect(w.pwned).toEqual([]);
  expect(w.dialogs).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(await injected(w.page)).toEqual([]);
  expect(await violations(w.page)).toEqual([]);
  const text = await w.page.locator('body').innerText();
  expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B]/);
}

describe('hostile text from agents', () => {
  it('renders inert everywhere a person reads it', async () => {
    const w = await watchedPage(await context());
    const { page } = w;
    await page.goto(service.link());
    const card = page.locator('article.request');
    await card.waitFor();
    const shown = await card.innerText();
    expect(shown).toContain('<img src=x onerror="__pwned(\'principal\')">\\u{202e}gnp.exe');
    expect(shown).toContain("<script>__pwned('reason')</script>");
    expect(shown).toContain(CALL_TOOL);
    expect(shown).toContain(`<svg onload=__pwned('scope tool')>`);
    // The witness the algebra builds from the agent's scope is its text too.
    await card.locator('.witness').waitFor();
    expect(await card.locator('.witness').innerText()).toContain(
      `<svg onload=__pwned('scope tool')>`,
    );
    // Each escape is marked as one, apart from the text around it.
    expect(await card.locator('.esc').first().textContent()).toBe('\\u{202e}');
    await inert(w);

    await card.locator('[data-action=decide]').click();
    const dialog = page.locator('dialog.decision');
    await dialog.locator('.preview').waitFor();
    expect(await dialog.innerText()).toContain('\\u{202d}');
    await inert(w);
    await dialog.locator('[data-action=close]').click();

    await page.keyboard.press('2');
    await page.locator('li.node').first().waitFor();
    const tree = await page.locator('.tree-slot').innerText();
    expect(tree).toContain(`<svg onload="__pwned('subagent')">\\u{200b}`);
    expect(tree).toContain('args.note != "<script>__pwned(\'caveat\')</script>\\u{200b}"');
    // Its accessible name carries the principal with the same escapes.
    await page
      .getByRole('button', {
        name: 'Effective scope of <img src=x onerror="__pwned(\'principal\')">\\u{202e}gnp.exe',
      })
      .click();
    await page.locator('.scope-panel ul.alternatives').waitFor();
    expect(await page.locator('.scope-panel').innerText()).toContain('\\u{202e}gnp.exe');
    await inert(w);

    await page.keyboard.press('3');
    await page.locator('.audit table').waitFor();
    expect(await page.locator('.audit table').innerText()).toContain("__pwned('reason')");
    await inert(w);
    // Still the console's own title: nothing wrote to the document.
    expect(await page.title()).toBe('(1) mandate console');
  });
});

describe('signing in', () => {
  it('a link works once, and not after 10 minutes', async () => {
    const link = service.link();
    const first = await watchedPage(await context());
    expect((await first.page.goto(link))?.status()).toBe(200);
    await first.page.locator('h1', { hasText: 'Inbox' }).waitFor();

    const second = await watchedPage(await context());
    const replayed = await second.page.goto(link);
    expect(replayed?.status()).toBe(401);
    expect(await replayed?.json()).toMatchObject({ code: 'ERR_SERVER_UNAUTHORIZED' });
    await second.page.goto(`${service.url}/`);
    await second.page.getByText('Not signed in').waitFor();

    const late = service.link();
    service.skew(10 * 60_000 + 1000);
    try {
      expect((await second.page.goto(late))?.status()).toBe(401);
    } finally {
      service.skew(-(10 * 60_000 + 1000));
    }
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie the page cannot read, until sign-out', async () => {
    const c = await context();
    const { page } = await watchedPage(c);
    await page.goto(service.link());
    await page.locator('h1', { hasText: 'Inbox' }).waitFor();
    const [cookie] = await c.cookies();
    expect(cookie).toMatchObject({
      name: 'mandate_session',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('mandate_session');
    await page.locator('[data-action=sign-out]').click();
    await page.getByText('Signed out.').waitFor();
    expect((await c.request.get(`${service.url}/v1/session`)).status()).toBe(401);
  });

  it('marks the cookie Secure when the console is reached over TLS (through a proxy that says so)', async () => {
    const plain = await fetch(service.link(), { redirect: 'manual' });
    expect(plain.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
    const tls = await fetch(service.link(), {
      redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(tls.status).toBe(303);
    expect(tls.headers.get('set-cookie')).toMatch(
      /^mandate_session=[\w-]+; .*HttpOnly; Secure; SameSite=Strict$/,
    );
  });
});

describe('another origin', () => {
  it('cannot approve, revoke, read the session or frame the console', async () => {
    const c = await context();
    const { page } = await watchedPage(c);
    await page.goto(service.link());
    await page.locator('article.request').waitFor();
    const [pending] = await service.delegator.inbox('owner');
    const id = String(pending?.id);
    const revocationsBefore = (await service.delegator.revocationFeed(0)).revocations.length;
    const seen = service.log.length;

    for (const origin of [`http://127.0.0.1:${attackerPort}`, `http://localhost:${attackerPort}`]) {
      const evil = await c.newPage();
      await evil.goto(`${origin}/`);
      // A fetch it may send but never read, and no custom header without a CORS preflight.
      await evil.evaluate(
        `fetch(${JSON.stringify(`${service.url}/v1/revoke`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ principal: 'coder', reason: 'gotcha' }) })`,
      );
      const read = await evil.evaluate<string>(
        `fetch(${JSON.stringify(`${service.url}/v1/session`)}, { credentials: 'include' }).then(() => 'read', (e) => e.name)`,
      );
      expect(read).toBe('TypeError');
      // A form post, the classic CSRF, navigates the page to the service's answer.
      const answer = evil.waitForResponse((r) => r.url().includes('/approve'));
      await evil.evaluate(`(() => {
        const f = document.createElement('form');
        f.method = 'POST';
        f.enctype = 'text/plain';
        f.action = ${JSON.stringify(`${service.url}/v1/requests/${id}/approve`)};
        const i = document.createElement('input');
        i.name = '{"x":"';
        i.value = '"}';
        f.appendChild(i);
        document.body.appendChild(f);
        f.submit();
      })()`);
      const status = (await answer).status();
      // Same site: the cookie goes along, the CSRF token does not (403). Another site: no cookie.
      expect(status).toBe(origin.includes('localhost') ? 401 : 403);

      const framer = await c.newPage();
      await framer.goto(`${origin}/`);
      await framer.evaluate(
        `new Promise((resolve) => { const f = document.createElement('iframe'); f.src = ${JSON.stringify(`${service.url}/`)}; f.onload = resolve; document.body.appendChild(f); })`,
      );
      const frame = framer.frames().find((f) => f !== framer.mainFrame());
      expect(frame?.url()).not.toBe(`${service.url}/`);
      await evil.close();
      await framer.close();
    }

    await expect
      .poll(() => service.log.slice(seen).filter((e) => e.route === '/v1/revoke').length)
      .toBe(2);
    const refused = service.log
      .slice(seen)
      .filter((e) => e.method === 'POST' && e.route !== '/v1/requests/:id/check');
    expect(refused.map((e) => e.status).sort()).toEqual([401, 401, 403, 403]);
    expect((await service.delegator.get(id)).status).toBe('pending');
    expect((await service.delegator.revocationFeed(0)).revocations.length).toBe(revocationsBefore);
  });
});
