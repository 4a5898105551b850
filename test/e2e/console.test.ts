// The consent console in Chromium, end to end, as a person uses it: sign in with the one-time
// link; an agent process's request appears without reloading; the person checks a bad
// condition (caret excerpt), backs out of a ** grant at the confirmation, approves narrower
// with a time box, and the agent's retry succeeds; a denial with a reason, made from the
// keyboard alone, reaches the agent; a branch of the tree is revoked (with confirmation) and
// its grantee's effective scope shown; the audit log shows each step, filters and verifies;
// a grant with no end in time asks first (a time-boxed one does not); a standing deny policy
// answers an agent at once. Screenshots of the inbox, the decision dialog and the tree are
// saved to docs/ for the README.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, delegate } from '../../src/index.js';
import {
  focused,
  launchChromium,
  loadId,
  violations,
  watchedPage,
  type WatchedPage,
} from './fixtures/console-browser.js';
import {
  spawnAgent,
  startConsoleService,
  type AgentProcess,
  type ConsoleService,
} from './fixtures/console-service.js';

/**
 * Where the screenshots go: `docs/` (committed, shown by the README) when the run is asked to
 * refresh them with MANDATE_SCREENSHOTS=docs, else a scratch directory git ignores, so that an
 * ordinary `npm test` leaves the checkout as it found it (the pictures show times and ids).
 */
const SHOTS = fileURLToPath(
  new URL(
    process.env['MANDATE_SCREENSHOTS'] === 'docs' ? '../../docs/' : '../../test-results/console/',
    import.meta.url,
  ),
);

let browser: Browser;
let service: ConsoleService;
let watched: WatchedPage;
let page: Page;
let coder: string;
let planner: string;
let helper: string;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  service = await startConsoleService();
  const { delegator } = service;
  coder = await delegator.mint({
    to: 'coder',
    conditions: ['tool == "fs.read"', 'args.path ~ "/repo/**"'],
    expiresIn: 3600,
  });
  planner = await delegator.mint({
    to: 'planner',
    conditions: ['tool ~ "fs.*"', 'args.path ~ "/repo/**"'],
    expiresIn: 3600,
  });
  helper = delegate(planner, { to: 'helper', conditions: ['tool == "fs.read"'] }).token;
  // The helper's request (to the planner, its grantor) shows the Delegator the hop.
  await delegator.request({
    token: helper,
    principal: 'helper',
    scope: ['tool == "fs.list"'],
    reason: 'list the repository',
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  watched = await watchedPage(context);
  page = watched.page;
}, 60_000);

afterAll(async () => {
  for (const a of agents) a.child.kill();
  await browser?.close();
  await service?.close();
});

/** The one test's agents, killed at the end whatever happens. */
function agent(...args: Parameters<typeof spawnAgent>): AgentProcess {
  const started = spawnAgent(...args);
  agents.push(started);
  return started;
}

/** The kind of each audit row, read at once (the rows' types are the DOM's, not compiled here). */
const kindsOf = (rows: Locator): Promise<(string | null)[]> =>
  rows.evaluateAll((trs: { getAttribute(name: string): string | null }[]) =>
    trs.map((tr) => tr.getAttribute('data-kind')),
  );

const screenshot = async (name: string, target: Page = page): Promise<void> => {
  mkdirSync(SHOTS, { recursive: true });
  await target.screenshot({ path: `${SHOTS}${name}`, animations: 'disabled' });
};

describe('the consent console, in Chromium', () => {
  it('signs in with the one-time link and shows the live inbox', async () => {
    const res = await page.goto(service.link());
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByText('Nothing waiting.').waitFor();
    await page.locator('.stream.live').waitFor();
  });

  it('shows an agent process’s request without reloading, with the call, the verdict and a witness', async () => {
    const before = await loadId(page);
    const a = agent(service.url, {
      principal: 'coder',
      token: coder,
      call: { tool: 'fs.write', args: { path: '/repo/src/app.ts' } },
      scope: ['tool == "fs.write"', 'args.path ~ "/repo/**"'],
      reason: 'Write the fix for issue 7 to src/app.ts',
    });
    expect(await a.next()).toEqual({ step: 'called', allowed: false });
    const asked = await a.next();
    const card = page.locator(`article.request[data-id="${String(asked['id'])}"]`);
    await card.waitFor();
    expect(await loadId(page)).toBe(before);
    await expect.poll(() => page.locator('#tab-inbox .badge').textContent()).toBe('1');
    const text = await card.innerText();
    expect(text).toContain('owner → coder');
    expect(text).toContain('fs.write {"path":"/repo/src/app.ts"}');
    expect(text).toContain('✓ allowed after this approval');
    expect(text).toContain('Write the fix for issue 7 to src/app.ts');
    expect(text).toContain('✓ within your authority');
    await card.locator('.witness').waitFor();
    expect(await card.locator('.witness').innerText()).toMatch(
      /Beyond the call, this would also allow\s+fs\.write \{"path":"\/repo[^"]*"\}/i,
    );
    await screenshot('console-inbox.png');

    // From the keyboard: the card takes the focus, Enter opens the decision dialog.
    await card.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog.decision');
    await dialog.waitFor();
    const textarea = dialog.locator('textarea');
    expect(await focused(textarea)).toBe(true);
    expect(await textarea.inputValue()).toBe('tool == "fs.write"\nargs.path ~ "/repo/**"');
    await dialog.locator('.preview .verdict.ok').waitFor();

    // Approving the ** as asked asks first; going back leaves the request pending.
    await dialog.locator('[data-action=approve]').click();
    const confirm = page.locator('dialog.confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('Matches ** (any depth)');
    expect(await focused(confirm.locator('[data-action=back]'))).toBe(true);
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    expect((await service.delegator.get(String(asked['id']))).status).toBe('pending');

    // A syntax error shows the caret excerpt as it is typed.
    await textarea.fill('tool == "fs.write"\nargs.path ~ "/repo/src/*.ts" and');
    const excerpt = dialog.locator('.problem.syntax pre.excerpt');
    await excerpt.waitFor();
    expect(await dialog.locator('.problem.syntax').innerText()).toMatch(/^Line 2: expected/);
    expect(await excerpt.innerText()).toMatch(/args\.path ~ "\/repo\/src\/\*\.ts" and\n\s+\^/);

    // Narrower, with a one-hour time box: the preview follows the edit.
    await textarea.fill('tool == "fs.write"\nargs.path ~ "/repo/src/*.ts"');
    await excerpt.waitFor({ state: 'detached' });
    await dialog.locator('select[name=timebox]').selectOption('3600');
    await expect
      .poll(() => dialog.locator('.preview').innerText())
      .toMatch(
        /args\.path ~ "\/repo\/src\/\*\.ts"[\s\S]*The grant would end: .* \(in (1h|59m\d*s)\)/,
      );
    expect(await dialog.locator('.preview').innerText()).toContain('✓ within your authority');
    await screenshot('console-decision.png');

    await dialog.locator('[data-action=approve]').click();
    await dialog.waitFor({ state: 'detached' });
    await card.waitFor({ state: 'detached' });
    await page.getByText('approved, narrower').waitFor();

    // The agent had been waiting on its stream: it installs the token and its retry passes.
    const approved = await a.next();
    expect(approved).toMatchObject({
      step: 'approved',
      allowed: true,
      scope: expect.arrayContaining(['args.path ~ "/repo/src/*.ts"']) as unknown,
    });
    const ends = Date.parse(String(approved['expiresAt']));
    expect(ends).toBeGreaterThan(Date.now() + 3_500_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(await a.exited).toBe(0);
  });

  it('denies with a reason from the keyboard alone, and the agent reads it', async () => {
    const a = agent(service.url, {
      principal: 'coder',
      token: coder,
      call: { tool: 'shell.exec', args: { cmd: 'rm -rf /tmp/cache' } },
      scope: ['tool == "shell.exec"'],
      reason: 'Clean up the build cache',
    });
    await a.next();
    const asked = await a.next();
    const card = page.locator(`article.request[data-id="${String(asked['id'])}"]`);
    await card.waitFor();
    await card.focus();
    await page.keyboard.press('d');
    const reason = page.locator('dialog.decision input[name=deny-reason]');
    await reason.waitFor();
    expect(await focused(reason)).toBe(true);
    await page.keyboard.type('No shell on this machine; ask for fs.delete on /tmp/cache instead');
    await page.keyboard.press('Enter');
    await card.waitFor({ state: 'detached' });
    expect(await a.next()).toEqual({
      step: 'denied',
      reason: 'No shell on this machine; ask for fs.delete on /tmp/cache instead',
    });
    expect(await a.exited).toBe(0);
  });

  it('shows the delegation tree and a grantee’s effective scope, and revokes a branch with confirmation', async () => {
    await page.keyboard.press('2');
    const plannerNode = page.locator('li.node', {
      has: page.locator('.hop', { hasText: 'owner → planner' }),
    });
    await plannerNode.waitFor();
    const helperNode = plannerNode.locator('ul[role=group] > li.node').first();
    expect(await helperNode.locator('.hop').innerText()).toMatch(/^live\s+planner → helper/i);
    await helperNode.locator('[data-action=scope]').click();
    const panel = page.locator('.scope-panel');
    await expect
      .poll(() => panel.innerText())
      .toMatch(
        /What helper may do[\s\S]*tool == "fs\.read" and args\.path ~ "\/repo\/\*\*" and time </,
      );
    await screenshot('console-tree.png');

    await plannerNode.locator(':scope > .actions [data-action=revoke]').click();
    const confirm = page.locator('dialog.confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('every delegation derived from it');
    await confirm.locator('[data-action=confirm]').click();
    await confirm.getByText('Say why').waitFor();
    await confirm.locator('input').fill('The planner finished its task');
    await confirm.locator('[data-action=confirm]').click();
    await confirm.waitFor({ state: 'detached' });
    await expect
      .poll(() => plannerNode.locator(':scope > .hop .status').textContent())
      .toBe('revoked');
    await expect
      .poll(() => helperNode.locator(':scope > .hop .status').textContent())
      .toBe('revoked');
    expect(await plannerNode.locator(':scope > .hop-details .revoked').innerText()).toMatch(
      /revoked by owner at .*: The planner finished its task/,
    );
    const coderNodes = page.locator('li.node', {
      has: page.locator('.hop', { hasText: 'owner → coder' }),
    });
    expect(await coderNodes.locator('.hop .status').allTextContents()).not.toContain('revoked');

    // The subagent's token is refused from now on, offline, from the Delegator's revocations.
    const decision = authorize(
      helper,
      { tool: 'fs.read', args: { path: '/repo/a.md' }, principal: 'helper' },
      { rootKeys: service.delegator.rootKeys, revocations: service.delegator.revocations() },
    );
    expect(decision).toMatchObject({
      allowed: false,
      revoked: { reason: 'The planner finished its task' },
    });
  });

  it('shows each step in the audit log, filters it, and verifies the chain', async () => {
    await page.keyboard.press('3');
    const rows = page.locator('.audit table tbody tr');
    await rows.first().waitFor();
    const kinds = await kindsOf(rows);
    for (const kind of ['mint', 'request', 'approve', 'deny', 'revoke'])
      expect(kinds).toContain(kind);
    const table = await page.locator('.audit table').innerText();
    expect(table).toContain('Write the fix for issue 7 to src/app.ts');
    expect(table).toContain('args.path ~ \\"/repo/src/*.ts\\"');
    expect(table).toContain('No shell on this machine');
    expect(table).toContain('The planner finished its task');

    await page.locator('#audit-kind').selectOption('approve');
    await page.locator('form.filters button[type=submit]').click();
    await expect.poll(() => kindsOf(rows)).toEqual(['approve']);

    await page.locator('[data-action=verify]').click();
    const verdict = page.locator('.verify-slot .verdict');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-verified')).toBe('true');
    expect(await verdict.innerText()).toMatch(/✓ The chain holds: \d+ entries, and 3 requests/);
  });

  it('asks before approving a grant with no end in time, and not once it is time-boxed', async () => {
    // A token with no end: approving as asked would grant with no end either.
    const reader = await service.delegator.mint({
      to: 'reader',
      conditions: ['tool == "fs.list"'],
    });
    const ask = (path: string): AgentProcess =>
      agent(service.url, {
        principal: 'reader',
        token: reader,
        call: { tool: 'fs.read', args: { path } },
        scope: ['tool == "fs.read"', `args.path == ${JSON.stringify(path)}`],
        reason: `Read ${path}`,
      });
    await page.keyboard.press('1');
    const a = ask('/repo/README.md');
    await a.next();
    const first = page.locator(`article.request[data-id="${String((await a.next())['id'])}"]`);
    await first.waitFor();
    expect(await first.innerText()).toContain('never (no time limit)');
    await first.locator('[data-action=approve-as-asked]').click();
    const confirm = page.locator('dialog.confirm');
    await confirm.waitFor();
    const asked = await confirm.innerText();
    expect(asked).toContain('No end in time');
    expect(asked).not.toContain('Matches **');
    expect(await focused(confirm.locator('[data-action=back]'))).toBe(true);
    await confirm.locator('[data-action=confirm]').click();
    await first.waitFor({ state: 'detached' });
    expect(await a.next()).toMatchObject({ step: 'approved', allowed: true, expiresAt: null });

    // From the keyboard ('a' on the card), with a 15-minute box: approved without a question.
    const b = ask('/repo/LICENSE');
    await b.next();
    const second = page.locator(`article.request[data-id="${String((await b.next())['id'])}"]`);
    await second.waitFor();
    await second.focus();
    await page.keyboard.press('a');
    const dialog = page.locator('dialog.decision');
    await dialog.locator('select[name=timebox]').selectOption('900');
    await expect
      .poll(() => dialog.locator('.preview').innerText())
      .toMatch(/The grant would end: .* \(in (15m|14m\d*s)\)/);
    await dialog.locator('[data-action=approve]').click();
    await second.waitFor({ state: 'detached' });
    expect(await confirm.count()).toBe(0);
    const approved = await b.next();
    expect(approved).toMatchObject({ step: 'approved', allowed: true });
    expect(Date.parse(String(approved['expiresAt']))).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  });

  it('keeps standing policies: a deny policy answers an agent at once; a broad approve policy asks first', async () => {
    await page.keyboard.press('4');
    const form = page.locator('form.new-policy');
    await form.waitFor();
    await form.locator('#policy-effect').selectOption('deny');
    await form.locator('textarea').fill('tool = "net.fetch"');
    await form.locator('.problem.syntax pre.excerpt').waitFor();
    await form.locator('textarea').fill('tool == "net.fetch"');
    await form.locator('button[type=submit]').click();
    const policy = page.locator('li.policy.deny');
    await policy.waitFor();
    expect(await policy.innerText()).toContain('tool == "net.fetch"');

    const a = agent(service.url, {
      principal: 'coder',
      token: coder,
      call: { tool: 'net.fetch', args: { url: 'https://example.com' } },
      scope: ['tool == "net.fetch"'],
      reason: 'Fetch the docs',
    });
    await a.next();
    await a.next();
    expect(await a.next()).toMatchObject({ step: 'denied' });
    // The stream may announce it before the policy's answer is written; the card does not stay.
    await expect.poll(() => page.locator('#tab-inbox .badge').textContent()).toBe('');

    // An approve policy with no time box on its grants, and a ** glob, asks before it is added.
    await form.locator('#policy-effect').selectOption('approve');
    await form.locator('textarea').fill('tool == "fs.read"\nargs.path ~ "/repo/docs/**"');
    await form.locator('button[type=submit]').click();
    const confirm = page.locator('dialog.confirm');
    await confirm.waitFor();
    const asked = await confirm.innerText();
    expect(asked).toContain('no time box');
    expect(asked).toContain('args.path ~ "/repo/docs/**"');
    await confirm.locator('[data-action=back]').click();
    await confirm.waitFor({ state: 'detached' });
    expect(await page.locator('li.policy').count()).toBe(1);

    await policy.locator('[data-action=remove]').click();
    await page.locator('dialog.confirm [data-action=confirm]').click();
    await page.getByText('No standing policies').waitFor();
    expect(await service.delegator.policies('owner')).toEqual([]);
  });

  it('ran no script it did not ship, and broke no rule of its policy', async () => {
    expect(watched.pwned).toEqual([]);
    expect(watched.dialogs).toEqual([]);
    expect(watched.errors).toEqual([]);
    expect(await violations(page)).toEqual([]);
  });
});
