// The console from the built package, as a person reaches it: `mandate serve` (from dist/, so
// the bundle and stylesheet that `npm run build` copied are the ones served), `mandate console`
// printing a one-time link (and handing it to the system's opener with --open), Chromium
// signing in with it; and `npm run demo -- --console`, where the demo's agent asks and the
// person decides in the browser: approve, deny with a reason, revoke, each reaching the agent;
// Ctrl-C ends it cleanly at any step.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './fixtures/cli-build.js';
import {
  buildCli,
  cli,
  cliJson,
  finished,
  scratch,
  servedUrl,
  spawnCli,
} from './fixtures/cli-harness.js';
import { launchChromium, violations, watchedPage } from './fixtures/console-browser.js';

let browser: Browser;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  await buildCli();
  browser = await launchChromium();
}, 600_000);
afterAll(async () => {
  for (const c of cleanups) c();
  await browser?.close();
});

describe('mandate console', () => {
  it('prints a one-time link to the served console, opens it with --open, and says when no service answers', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    expect((await cli(['init'], { home: s.home })).code).toBe(0);
    const server = spawnCli(['serve', '--port', '0'], { home: s.home });
    const served = finished(server);
    const url = await servedUrl(server);
    try {
      const printed = await cli(['console', '--url', url, '--no-open'], { home: s.home });
      expect(printed.code).toBe(0);
      const link = printed.stdout.trim();
      expect(link).toMatch(new RegExp(`^${url}/v1/signin\\?code=[A-Za-z0-9_-]{43}$`));
      expect(printed.stderr).toContain('it works once, within 10 minutes');

      const { page, errors } = await watchedPage(await browser.newContext());
      await page.goto(link);
      await page.locator('h1', { hasText: 'Inbox' }).waitFor();
      await page.locator('.stream.live').waitFor();
      expect(errors).toEqual([]);
      expect(await violations(page)).toEqual([]);
      expect((await page.goto(link))?.status()).toBe(401);

      const json = await cliJson<{ url: string }>(['console', '--url', url], { home: s.home });
      expect(json.json.url).toMatch(/\/v1\/signin\?code=/);

      // --open hands the link to the system's opener (here a stand-in that writes it down).
      const bin = join(s.dir, 'bin');
      mkdirSync(bin);
      const opened = join(s.dir, 'opened.txt');
      writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
      chmodSync(join(bin, 'xdg-open'), 0o755);
      const withOpen = await cli(['console', '--url', url, '--open'], {
        home: s.home,
        env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` },
      });
      expect(withOpen.code).toBe(0);
      await expect
        .poll(() => readFileSync(opened, 'utf8'), { timeout: 10_000 })
        .toBe(withOpen.stdout.trim());
    } finally {
      server.kill('SIGTERM');
      await served;
    }

    const none = await cli(['console', '--url', 'http://127.0.0.1:9', '--no-open'], {
      home: s.home,
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no service answers at http://127.0.0.1:9');
  });
});

/** `npm run demo -- --console` from dist/, its output followed as it comes. */
async function startDemo() {
  const { demo } = await ensureBuilt();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('MANDATE_')) delete env[key];
  const child = spawn(process.execPath, [demo, '--console'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { out: '', err: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output.out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output.err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const shown = async (pattern: RegExp): Promise<RegExpExecArray> => {
    await expect.poll(() => pattern.exec(output.out), { timeout: 30_000 }).not.toBeNull();
    return pattern.exec(output.out) as RegExpExecArray;
  };
  return { child, output, exited, shown };
}

describe('npm run demo -- --console', () => {
  it('lets a person decide in the browser what the demo agent asks, and the agent acts on it', async () => {
    const { child, output, exited, shown } = await startDemo();
    try {
      const [link] = await shown(/http:\/\/127\.0\.0\.1:\d+\/v1\/signin\?code=[A-Za-z0-9_-]+/);
      const { page } = await watchedPage(await browser.newContext());
      await page.goto(link);

      const first = page.locator('article.request');
      await first.waitFor();
      expect(await first.innerText()).toContain(
        'Move $80 to savings to cover the electricity bill',
      );
      await first.locator('[data-action=approve-as-asked]').click();
      await shown(/✓ ok\n\s+t-\d+: \$80\.00 checking → savings; checking now \$2370\.00/);

      const second = page.locator('article.request', { hasText: 'rent' });
      await second.waitFor();
      await second.locator('[data-action=deny]').click();
      await page
        .locator('dialog.decision input[name=deny-reason]')
        .fill('Not before the first of the month');
      await page.keyboard.press('Enter');
      await shown(/denied: Not before the first of the month; the agent reports back/);

      await shown(/Ctrl-C ends the demo/);
      // The agent can hear of the denial before the page has closed its dialog, and a key
      // pressed inside a dialog is not a view shortcut.
      await page.locator('dialog.decision[open]').waitFor({ state: 'detached' });
      await page.keyboard.press('2');
      await page.locator('[data-action=revoke]').first().click();
      await page.locator('dialog.confirm input').fill('The demo is over');
      await page.locator('dialog.confirm [data-action=confirm]').click();
      await shown(/budget-agent › ✗ revoked by owner: .*The demo is over/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output.err).toBe('');
  });

  it('ends cleanly on Ctrl-C while the agent waits for a decision, and removes its home', async () => {
    const { child, output, exited, shown } = await startDemo();
    try {
      const [, home] = await shown(/A fresh home for this run: (\S+)/);
      await shown(/waiting for your decision in the console/);
      expect(existsSync(home as string)).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(home as string)).toBe(false);
      expect(output.err).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
