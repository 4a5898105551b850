// Output safe to redirect: a command whose result is a token puts the token on stdout and
// nothing else (`request --wait` blocks until another process decides, then prints it), so `NEW=$(mandate status $ID)` never captures `authorization_pending`, and
// `--out FILE` writes the token only on approval — atomically, mode 0600, replacing a symlink
// rather than writing through it — so a pending or denied request leaves the agent's token file
// as it was (a shell redirect, `> agent.token`, empties it before mandate even starts).
import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, cliJson, finished, scratch, spawnCli } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];

beforeAll(async () => {
  await buildCli();
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

/** A home, an agent token in agent.token, and a pending request from it. */
async function pending(): Promise<{ home: string; dir: string; agentFile: string; id: string }> {
  const s = scratch();
  cleanups.push(s.cleanup);
  await cli(['init'], { home: s.home });
  const minted = await cli(
    ['mint', '--to', 'agent', '--allow', 'tool == "read"', '--expires', '1h'],
    {
      home: s.home,
    },
  );
  const agentFile = join(s.dir, 'agent.token');
  writeFileSync(agentFile, minted.stdout, { mode: 0o600 });
  const asked = await cli(
    ['request', `@${agentFile}`, '--allow', 'tool == "write"', '--reason', 'save'],
    { home: s.home },
  );
  expect(asked.code).toBe(4);
  return { home: s.home, dir: s.dir, agentFile, id: asked.stdout.trim() };
}

describe.concurrent('status and request --wait', () => {
  it('status prints nothing on stdout unless it has a token: pending and denied go to stderr', async () => {
    const { home, id } = await pending();
    const waiting = await cli(['status', id], { home });
    expect(waiting).toMatchObject({ code: 4, stdout: '' });
    expect(waiting.stderr).toMatch(/^authorization_pending {2}poll again in \d+s\n$/);
    await cli(['deny', id, '--reason', 'not today'], { home });
    const denied = await cli(['status', id], { home });
    expect(denied).toMatchObject({ code: 3, stdout: '', stderr: 'access_denied  not today\n' });
  });

  it('status --out leaves the token file alone until approval, then replaces it (0600)', async () => {
    const { home, agentFile, id } = await pending();
    const before = readFileSync(agentFile, 'utf8');
    const waiting = await cli(['status', id, '--out', agentFile], { home });
    expect(waiting).toMatchObject({ code: 4, stdout: '' });
    expect(readFileSync(agentFile, 'utf8')).toBe(before);

    expect((await cli(['approve', id], { home })).code).toBe(0);
    const picked = await cli(['status', id, '--out', agentFile], { home });
    expect(picked).toMatchObject({ code: 0, stdout: '' });
    expect(picked.stderr).toContain(`the new token is in ${agentFile} (mode 0600)`);
    const token = readFileSync(agentFile, 'utf8').trim();
    expect(token).not.toBe(before.trim());
    expect(statSync(agentFile).mode & 0o777).toBe(0o600);
    expect((await cli(['authorize', `@${agentFile}`, '--tool', 'write'], { home })).code).toBe(0);
  });

  it('status --out replaces a symlink instead of writing through it', async () => {
    const { home, dir, id } = await pending();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    const link = join(dir, 'linked.token');
    symlinkSync(victim, link);
    await cli(['approve', id], { home });
    expect((await cli(['status', id, '--out', link], { home })).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(link).isFile()).toBe(true);
  });

  it('--out to a directory that does not exist names the option and how to fetch the token again', async () => {
    const { home, dir, id } = await pending();
    await cli(['approve', id], { home });
    const out = join(dir, 'missing', 'agent.token');
    const r = await cli(['status', id, '--out', out], { home });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      `error: --out ${out}: cannot write it (ENOENT); fetch the token again with: mandate status ${id} --out <file> (ERR_CLI_BAD_INPUT)\n`,
    );
  });

  it('request --wait blocks until another process approves, then prints the new token alone', async () => {
    const { home, agentFile } = await pending();
    const waiting = spawnCli(
      [
        'request',
        `@${agentFile}`,
        '--allow',
        'tool == "transfer"',
        '--reason',
        'pay now',
        '--wait',
        '--timeout',
        '50s',
      ],
      { home },
    );
    const result = finished(waiting);
    let id: string | undefined;
    for (let i = 0; i < 100 && id === undefined; i++) {
      const inbox = await cliJson<{ requests: { id: string; scope: string[] }[] }>(['inbox'], {
        home,
      });
      id = inbox.json.requests.find((r) => r.scope.includes('tool == "transfer"'))?.id;
    }
    expect(id).toBeDefined();
    expect((await cli(['approve', id as string], { home })).code).toBe(0);
    const r = await result;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9_-]+\n$/);
    expect(r.stderr).toContain('waiting for the decision');
    expect((await cli(['authorize', r.stdout.trim(), '--tool', 'transfer'], { home })).code).toBe(
      0,
    );
  });

  it('request --wait --out writes nothing and prints nothing on stdout when it times out', async () => {
    const { home, agentFile } = await pending();
    const before = readFileSync(agentFile, 'utf8');
    const r = await cli(
      [
        'request',
        `@${agentFile}`,
        '--allow',
        'tool == "delete"',
        '--reason',
        'tidy',
        '--wait',
        '--timeout',
        '1s',
        '--out',
        agentFile,
      ],
      { home },
    );
    expect(r).toMatchObject({ code: 4, stdout: '' });
    expect(r.stderr).toMatch(/pending: request req_[0-9a-f]+ from agent is waiting for owner/);
    expect(readFileSync(agentFile, 'utf8')).toBe(before);
  });

  it('request --out writes the token a standing policy grants at once, and nothing on stdout', async () => {
    const { home, agentFile } = await pending();
    await cli(['policy', 'add', 'approve', '--scope', 'tool == "list"'], { home });
    const r = await cli(
      [
        'request',
        `@${agentFile}`,
        '--allow',
        'tool == "list"',
        '--reason',
        'x',
        '--out',
        agentFile,
      ],
      { home },
    );
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect((await cli(['authorize', `@${agentFile}`, '--tool', 'list'], { home })).code).toBe(0);
  });
});
