// `mandate serve`, as a separate process over a real home: it prints its URL and where the
// owner credential is, the owner and agents reach it over HTTP, each call is logged without
// tokens, a rotated credential takes effect at once, and SIGTERM stops it cleanly (exit 0).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, finished, scratch, servedUrl, spawnCli } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];
beforeAll(async () => {
  await buildCli();
}, 300_000);
afterAll(() => {
  for (const c of cleanups) c();
});

describe('mandate serve', () => {
  it('serves the home over HTTP to the owner and agents, logs without tokens, and stops on SIGTERM', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    expect((await cli(['init'], { home: s.home })).code).toBe(0);
    const credentialFile = join(s.home, 'owner.credential');
    const credential = readFileSync(credentialFile, 'utf8').trim();
    expect(credential).toMatch(/^mandate-owner\.[A-Za-z0-9_-]{43}$/);
    const minted = await cli(
      ['mint', '--to', 'coder', '--allow', 'tool == "fs.read"', '--expires', '1h'],
      { home: s.home },
    );
    const coder = minted.stdout.trim();

    const child = spawnCli(['serve', '--port', '0'], { home: s.home });
    const done = finished(child);
    const url = await servedUrl(child);
    const call = (path: string, bearer: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      });

    expect((await call('/v1/inbox', credential)).status).toBe(200);
    const asked = await call('/v1/requests', coder, {
      method: 'POST',
      body: JSON.stringify({ scope: ['tool == "fs.write"'], reason: 'write the fix' }),
    });
    expect(asked.status).toBe(201);
    const { id } = (await asked.json()) as { id: string };
    const inbox = (await (await call('/v1/inbox', credential)).json()) as { id: string }[];
    expect(inbox.map((i) => i.id)).toEqual([id]);

    // A rotated credential takes effect at once.
    expect((await cli(['credential', 'rotate'], { home: s.home })).code).toBe(0);
    expect((await call('/v1/inbox', credential)).status).toBe(401);
    const fresh = readFileSync(credentialFile, 'utf8').trim();
    expect((await call('/v1/inbox', fresh)).status).toBe(200);

    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const log = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { route: string; status: number; caller: string });
    expect(log.map((e) => [e.route, e.status, e.caller])).toContainEqual([
      '/v1/requests',
      201,
      'coder',
    ]);
    expect(log.map((e) => e.caller)).toContain('owner');
    expect(result.stderr).not.toContain(coder.slice(0, 40));
    expect(result.stderr).not.toContain(credential);
    expect(result.stderr).not.toContain(fresh);
  });

  it('lets an agent with no home ask and collect through the service (--url, $MANDATE_URL)', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    expect((await cli(['init'], { home: s.home })).code).toBe(0);
    const minted = await cli(
      ['mint', '--to', 'coder', '--allow', 'tool == "fs.read"', '--expires', '1h'],
      {
        home: s.home,
      },
    );
    const coder = minted.stdout.trim();
    const child = spawnCli(['serve', '--port', '0'], { home: s.home });
    const done = finished(child);
    const url = await servedUrl(child);
    // The agent's own environment: its token and the service, no home (HOME is elsewhere).
    const agentEnv = { MANDATE_URL: url, MANDATE_TOKEN: coder };
    const asked = await cli(
      ['request', '--tool', 'fs.write', '--args', '{"path":"/repo/x"}', '--reason', 'save the fix'],
      { env: agentEnv },
    );
    expect(asked.code, asked.stderr).toBe(4);
    const id = asked.stdout.trim();
    expect(id).toMatch(/^req_/);
    expect(asked.stderr).toContain('asking for: tool == "fs.write"');
    expect(asked.stderr).toContain(`pending: request ${id} from coder is waiting for owner`);
    const pending = await cli(['status', id], { env: agentEnv });
    expect(pending.code).toBe(4);

    // The owner decides through the service too (its credential is the home's).
    const inbox = await cli(['inbox', '--url', url], { home: s.home });
    expect(inbox.code, inbox.stderr).toBe(0);
    expect(inbox.stdout).toContain(id);
    expect(inbox.stdout).toContain('save the fix');
    const dry = await cli(['approve', id, '--url', url, '--dry-run'], { home: s.home });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`dry run: ${id} is not decided`);
    const approved = await cli(['approve', id, '--url', url, '--expires', '10m'], { home: s.home });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain('approved');
    const out = join(s.dir, 'new.token');
    await new Promise((r) => setTimeout(r, 5_100)); // the poll interval the service asked for
    const collected = await cli(['status', id, '--url', url, '--token', coder, '--out', out], {
      env: {},
    });
    expect(collected.code, collected.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim()).not.toBe(coder);
    // The owner revokes through the service, and reads the tree there.
    const revoked = await cli(['revoke', coder, '--url', url, '--reason', 'the fix is in'], {
      home: s.home,
    });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('✓ revoked');
    const tree = await cli(['--json', 'delegations', '--url', url, '--status', 'revoked'], {
      home: s.home,
    });
    expect(tree.code, tree.stderr).toBe(0);
    expect((JSON.parse(tree.stdout) as { grantee: string }[]).map((d) => d.grantee)).toContain(
      'coder',
    );
    // Policies and the audit log, through the service too.
    const policy = await cli(
      ['policy', 'add', 'deny', '--scope', 'tool == "fs.delete"', '--url', url],
      { home: s.home },
    );
    expect(policy.code, policy.stderr).toBe(0);
    const listed = await cli(['--json', 'policy', 'list', '--url', url], { home: s.home });
    const policies = (JSON.parse(listed.stdout) as { policies: { id: string; effect: string }[] })
      .policies;
    expect(policies.map((p) => p.effect)).toEqual(['deny']);
    expect(
      (await cli(['policy', 'remove', policies[0]?.id ?? '', '--url', url], { home: s.home })).code,
    ).toBe(0);
    const audit = await cli(['--json', 'audit', '--url', url, '--kind', 'revoke'], {
      home: s.home,
    });
    // The coder's token, and the approval that answered its request.
    const revocations = (JSON.parse(audit.stdout) as { entries: { details: { cause?: string } }[] })
      .entries;
    expect(revocations.map((e) => e.details.cause === undefined)).toEqual([true, false]);
    const verified = await cli(['audit', '--verify', '--url', url], { home: s.home });
    expect(verified.code, verified.stderr).toBe(0);
    // Another principal's token does not collect it.
    const bad = await cli(['status', id, '--url', url, '--token', 'not-a-token'], { env: {} });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERR_SERVER_UNAUTHORIZED');
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  }, 30_000);
});
