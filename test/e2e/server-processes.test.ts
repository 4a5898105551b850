// The seed's loop across processes, through `mandate serve`: the owner's home is served by one
// process; an agent process that has only the service's URL and its token is denied, asks over
// HTTP and keeps working; the owner (this process) sees the request in its inbox and approves
// through the API; the agent receives the new token on its stream and its retried call is
// allowed. Then the service is killed with SIGKILL and restarted on the same home: nothing
// acknowledged is lost.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, scratch, spawnCli } from './fixtures/cli-harness.js';
import {
  expectNothingLost,
  followRequests,
  headers,
  inboxStream,
} from './fixtures/service-http.js';

const cleanups: (() => void)[] = [];
beforeAll(async () => {
  await buildCli();
}, 300_000);
afterAll(() => {
  for (const c of cleanups) c();
});

function serve(home: string): Promise<{ url: string; child: ReturnType<typeof spawnCli> }> {
  const child = spawnCli(['serve', '--port', '0'], { home });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match !== null) resolve({ url: match[1] as string, child });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe('the loop across processes', () => {
  it('denied, asks over HTTP, keeps working, approved by its grantor over HTTP, installs and retries', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    expect((await cli(['init'], { home: s.home })).code).toBe(0);
    const minted = await cli(
      [
        'mint',
        '--to',
        'coder',
        '--allow',
        'tool ~ "fs.*"',
        '--allow',
        'args.path ~ "/repo/**"',
        '--expires',
        '1h',
      ],
      { home: s.home },
    );
    const coder = minted.stdout.trim();
    const delegated = await cli(
      ['delegate', coder, '--to', 'helper', '--allow', 'tool == "fs.read"', '--expires', '1h'],
      {
        home: s.home,
      },
    );
    const helper = delegated.stdout.trim();
    const owner = readFileSync(join(s.home, 'owner.credential'), 'utf8').trim();
    const { url, child: server } = await serve(s.home);

    const agent = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'http-agent.ts')],
      {
        env: {
          PATH: process.env['PATH'],
          MANDATE_URL: url,
          MANDATE_TOKEN: helper,
          MANDATE_PRINCIPAL: 'helper',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const steps = createInterface({ input: agent.stdout })[Symbol.asyncIterator]();
    const next = async () =>
      JSON.parse((await steps.next()).value as string) as Record<string, unknown>;
    expect(await next()).toMatchObject({ step: 'denied', askFrom: 'coder' });
    const asked = await next();
    expect(asked).toMatchObject({ step: 'asked' });
    expect(await next()).toEqual({ step: 'kept working', allowed: true });

    // The grantor here is the coder (it wrote the helper's block): it approves with its token.
    const inbox = (await (
      await fetch(`${url}/v1/inbox`, { headers: { authorization: `Bearer ${coder}` } })
    ).json()) as {
      id: string;
      reason: string;
    }[];
    expect(inbox.map((i) => [i.id, i.reason])).toEqual([[asked['id'], 'write the fix']]);
    const approved = await fetch(`${url}/v1/requests/${String(asked['id'])}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${coder}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(approved.status).toBe(200);
    expect(await next()).toEqual({ step: 'installed' });
    expect(await next()).toEqual({ step: 'retried', allowed: true });
    await new Promise((r) => agent.once('exit', r));
    expect(agent.exitCode).toBe(0);

    // SIGKILL in the middle of things, then a restart on the same home: what was acknowledged
    // (the request and its approval) is all there, and the audit chain holds.
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    const again = await serve(s.home);
    const audit = (await (
      await fetch(`${again.url}/v1/audit?requestId=${String(asked['id'])}`, {
        headers: { authorization: `Bearer ${owner}` },
      })
    ).json()) as { kind: string }[];
    expect(audit.map((e) => e.kind)).toEqual(['request', 'approve']);
    const verified = (await (
      await fetch(`${again.url}/v1/audit/verify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as { ok: boolean };
    expect(verified.ok).toBe(true);
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));
  });

  it('escalates across processes: the coder asks, the planner escalates, the owner approves, the coder is served', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    expect((await cli(['init'], { home: s.home })).code).toBe(0);
    const planner = (
      await cli(
        [
          'mint',
          '--to',
          'planner',
          '--allow',
          'tool == "fs.read"',
          '--allow',
          'args.path ~ "/repo/**"',
          '--expires',
          '1h',
        ],
        {
          home: s.home,
        },
      )
    ).stdout.trim();
    const coder = (
      await cli(
        [
          'delegate',
          planner,
          '--to',
          'coder',
          '--allow',
          'args.path ~ "/repo/src/**"',
          '--expires',
          '1h',
        ],
        { home: s.home },
      )
    ).stdout.trim();
    const owner = readFileSync(join(s.home, 'owner.credential'), 'utf8').trim();
    const { url, child: server } = await serve(s.home);
    const env = (token: string) => ({
      PATH: process.env['PATH'],
      MANDATE_URL: url,
      MANDATE_TOKEN: token,
    });

    const escalator = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'http-escalator.ts')],
      {
        env: env(planner),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const planned = createInterface({ input: escalator.stdout })[Symbol.asyncIterator]();
    expect(JSON.parse((await planned.next()).value as string)).toEqual({ step: 'listening' });

    // The coder asks for fs.write, which the planner does not hold itself.
    const agent = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'http-agent.ts')],
      {
        env: { ...env(coder), MANDATE_PRINCIPAL: 'coder', AGENT_PATH: '/repo/src/fix.md' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const steps = createInterface({ input: agent.stdout })[Symbol.asyncIterator]();
    const next = async () =>
      JSON.parse((await steps.next()).value as string) as Record<string, unknown>;
    expect(await next()).toMatchObject({ step: 'denied', askFrom: 'planner' });
    const asked = await next();
    expect(await next()).toMatchObject({ step: 'kept working' });

    const escalated = JSON.parse((await planned.next()).value as string) as {
      id: string;
      to: string;
    };
    expect(escalated).toMatchObject({ step: 'escalated', id: asked['id'], requester: 'coder' });
    const approved = await fetch(`${url}/v1/requests/${escalated.to}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(approved.status).toBe(200);
    expect(await next()).toEqual({ step: 'installed' });
    expect(await next()).toEqual({ step: 'retried', allowed: true });
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }, 60_000);

  it('loses nothing acknowledged when SIGKILLed in the middle of a stream of requests and approvals, and the inbox stream resumes', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    expect((await cli(['init'], { home: s.home })).code).toBe(0);
    const coder = (
      await cli(['mint', '--to', 'coder', '--allow', 'tool == "fs.read"', '--expires', '1h'], {
        home: s.home,
      })
    ).stdout.trim();
    const owner = readFileSync(join(s.home, 'owner.credential'), 'utf8').trim();
    const first = await serve(s.home);

    // The owner follows its inbox; the coder files requests and the owner approves every other one.
    const { seen, ended } = followRequests(await inboxStream(first.url, owner));
    const filed: string[] = [];
    const approved: string[] = [];
    let n = 0;
    const worker = async () => {
      for (;;) {
        const i = n++;
        const asked = await fetch(`${first.url}/v1/requests`, {
          method: 'POST',
          headers: headers(coder),
          body: JSON.stringify({ scope: [`args.n == ${i}`], reason: `request ${i}` }),
        }).catch(() => undefined);
        if (asked?.status !== 201) return;
        const { id } = (await asked.json()) as { id: string };
        filed.push(id);
        if (i % 2 === 0) {
          const ok = await fetch(`${first.url}/v1/requests/${id}/approve`, {
            method: 'POST',
            headers: headers(owner),
            body: '{}',
          }).catch(() => undefined);
          if (ok?.status !== 200) return;
          approved.push(id);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((r) => setTimeout(r, 700));
    first.child.kill('SIGKILL');
    await Promise.all(workers);
    await ended;
    expect(filed.length).toBeGreaterThan(10);

    // The restarted service holds everything acknowledged, its log verifies, and the inbox
    // stream resumes after the last event it delivered.
    const again = await serve(s.home);
    await expectNothingLost(again.url, owner, { filed, approved }, seen);
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));
  }, 60_000);
});
