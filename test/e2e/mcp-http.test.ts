/**
 * `mandate mcp` over Streamable HTTP and through the service: with `--listen`, each connection
 * brings its own token and is its own principal (what one is allowed, asks and is granted is
 * not the other's); a request without a valid token, a session borrowed with another token and
 * a revoked token are refused with one fixed answer. With `--upstream-url` the upstream is
 * server-everything over Streamable HTTP. With `--url` and no keys on the gateway's side, the
 * service (`mandate serve`) decides each call and discovery, takes the request, and hands back
 * the approval the owner made over HTTP; the retry works on the same connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Home } from '../../src/cli/home.js';
import { loadKeyFile } from '../../src/cli/keyfile.js';
import { Delegator } from '../../src/requests/index.js';
import { DelegatorClient } from '../../src/server/index.js';
import { buildCli, cli, spawnCli } from './fixtures/cli-harness.js';
import {
  httpGateway,
  mandateMeta,
  mintTo,
  referenceServer,
  stdioGateway,
  textOf,
  waitFor,
  workspace,
  type HttpGateway,
} from './fixtures/mcp-harness.js';

const ws = workspace();
const { home, repo, dir } = ws;
const tokens: Record<string, string> = {};
const children: ChildProcess[] = [];
let gw: HttpGateway;

async function mint(name: string, allow: string[]): Promise<void> {
  tokens[name] = await mintTo(home, name, allow, join(dir, `${name}.token`));
}

beforeAll(async () => {
  await buildCli();
  expect((await cli(['init'], { home })).code).toBe(0);
  writeFileSync(join(repo, 'a.md'), 'alpha\n');
  await mint('alice', ['tool == "fs.read_text_file"', `args.path ~ "${repo}/**"`]);
  await mint('bob', ['tool == "fs.list_directory"']);
  await mint('carol', ['tool == "fs.read_text_file"']);
  await mint('echoer', ['tool == "everything.echo"']);
  gw = await httpGateway(['--prefix', 'fs', '--', ...referenceServer('filesystem', repo)], {
    home,
  });
}, 300_000);

afterAll(async () => {
  await gw?.stop();
  for (const child of children) child.kill('SIGTERM');
  ws.cleanup();
});

describe('mandate mcp --listen', () => {
  it('makes each connection its own principal, with its own token, requests and grants', async () => {
    const alice = await gw.connect(tokens['alice'] as string);
    const bob = await gw.connect(tokens['bob'] as string);
    try {
      const path = join(repo, 'a.md');
      const read = (client: typeof alice) =>
        client.callTool({ name: 'read_text_file', arguments: { path } });
      expect(textOf(await read(alice))).toBe('alpha\n');
      const refused = await read(bob);
      expect(refused.isError).toBe(true);
      expect(mandateMeta(refused)['failures']).toEqual([
        expect.objectContaining({ caveat: 'tool == "fs.list_directory"' }),
      ]);

      const asked = await bob.callTool({
        name: 'mandate_request_permission',
        arguments: { scope: 'tool == "fs.read_text_file"', reason: 'read the readme' },
      });
      const id = mandateMeta(asked)['id'] as string;
      const delegator = await Delegator.open({
        path: new Home(home).storeFile,
        rootKeys: loadKeyFile(new Home(home)).keyring,
      });
      try {
        const [item] = await delegator.inbox('owner');
        expect(item).toMatchObject({ id, requester: 'bob' });
        await delegator.approve(id, { by: 'owner' });
      } finally {
        await delegator.close();
      }
      const checked = await bob.callTool({ name: 'mandate_check_request', arguments: { id } });
      expect(mandateMeta(checked)['status']).toBe('approved');
      expect(textOf(await read(bob))).toBe('alpha\n');
      // Bob's grant is Bob's: Alice still may not list, and Bob's token never became Alice's.
      const listing = await alice.callTool({ name: 'list_directory', arguments: { path: repo } });
      expect(listing.isError).toBe(true);
      await waitFor(() =>
        gw.stderr().includes('"principal":"alice","tool":"fs.read_text_file","outcome":"allowed"'),
      );
      await waitFor(() =>
        gw.stderr().includes('"principal":"bob","tool":"fs.read_text_file","outcome":"allowed"'),
      );
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('refuses a missing, a wrong, a borrowed and a revoked credential with one answer', async () => {
    const initialize = (bearer: string | undefined, session?: string) =>
      fetch(gw.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
          ...(session === undefined ? {} : { 'mcp-session-id': session }),
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: session === undefined ? 'initialize' : 'tools/list',
          params:
            session === undefined
              ? {
                  protocolVersion: '2025-06-18',
                  capabilities: {},
                  clientInfo: { name: 'raw', version: '1' },
                }
              : {},
        }),
      });
    const expectRefused = async (res: Response) => {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toEqual({
        error: 'invalid_token',
        message: 'the credential is not valid here',
      });
    };
    await expectRefused(await initialize(undefined));
    await expectRefused(await initialize('not-a-token'));
    const alice = await initialize(tokens['alice']);
    expect(alice.status).toBe(200);
    const session = alice.headers.get('mcp-session-id') as string;
    await alice.body?.cancel();
    // A session id is not a credential: Carol cannot use Alice's session.
    await expectRefused(await initialize(tokens['carol'], session));
    const revoked = await cli(['revoke', `@${join(dir, 'carol.token')}`, '--reason', 'gone'], {
      home,
    });
    expect(revoked.code, revoked.stderr).toBe(0);
    await waitFor(async () => (await initialize(tokens['carol'])).status === 401);
    await waitFor(() => gw.stderr().includes('"event":"session-refused"'));
    expect(gw.stderr()).not.toContain(tokens['carol'] as string);
  });
  it('stops on SIGTERM with status 0', async () => {
    expect(await gw.stop()).toBe(0);
  });
});

describe('mandate mcp --upstream-url', () => {
  it('puts a Streamable HTTP server (server-everything) behind mandate, and reconnects when it comes back', async () => {
    const port = await freePort();
    const startUpstream = async () => {
      const upstream = spawn(
        process.execPath,
        referenceServer('everything', 'streamableHttp').slice(1),
        { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      children.push(upstream);
      await new Promise<void>((resolve) => {
        let out = '';
        upstream.stderr?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('listening on port')) resolve();
        });
      });
      return upstream;
    };
    let upstream = await startUpstream();
    const client = await stdioGateway(
      [
        '--token',
        `@${join(dir, 'echoer.token')}`,
        '--prefix',
        'everything',
        '--upstream-url',
        `http://127.0.0.1:${port}/mcp`,
      ],
      { home },
    );
    const echo = () => client.client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    try {
      expect(textOf(await echo())).toBe('Echo: hi');
      const denied = await client.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } });
      expect(denied.isError).toBe(true);

      // The server goes away (and its sessions with it), then comes back on the same port.
      const gone = new Promise((resolve) => upstream.once('exit', resolve));
      upstream.kill('SIGKILL');
      await gone;
      const failed = await echo();
      expect(failed.isError).toBe(true);
      expect(mandateMeta(failed)['code']).toBe('ERR_MCP_UPSTREAM_UNAVAILABLE');
      upstream = await startUpstream();
      await waitFor(async () => textOf(await echo()) === 'Echo: hi');
      await waitFor(() => client.stderr().includes('"event":"upstream-restarted"'));
    } finally {
      await client.close();
      upstream.kill('SIGTERM');
    }
  });
});

describe('mandate mcp --url, with no keys on the gateway’s side', () => {
  it('lets the service decide, take the request and hand back the approval', async () => {
    const serve = spawnCli(['serve', '--port', '0'], { home });
    children.push(serve);
    const url = await new Promise<string>((resolve) => {
      let out = '';
      serve.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match !== null) resolve(match[1] as string);
      });
    });
    const target = join(repo, 'through-the-service.md');
    await mint('svc', ['tool == "fs.read_text_file" or tool == "fs.list_directory"']);
    const agent = await stdioGateway(
      [
        '--url',
        url,
        '--token',
        `@${join(dir, 'svc.token')}`,
        '--prefix',
        'fs',
        '--',
        ...referenceServer('filesystem', repo),
      ],
      // A home without keys: the gateway cannot verify offline, so the service does.
      { home: join(dir, 'no-home') },
    );
    try {
      await waitFor(() => agent.stderr().includes('calls decided by the service, with each call'));
      const { tools } = await agent.client.listTools();
      expect(mandateMeta(tools.find((t) => t.name === 'read_text_file'))['status']).toBe('allowed');
      expect(mandateMeta(tools.find((t) => t.name === 'write_file'))['status']).toBe('denied');
      const write = { name: 'write_file', arguments: { path: target, content: 'via the service' } };
      const denied = await agent.client.callTool(write);
      expect(denied.isError).toBe(true);
      expect(existsSync(target)).toBe(false);
      const asked = await agent.client.callTool({
        name: 'mandate_request_permission',
        arguments: {
          scope: `tool == "fs.write_file" and args.path == "${target}"`,
          reason: 'save it',
        },
      });
      const id = mandateMeta(asked)['id'] as string;
      const owner = new DelegatorClient(url, {
        credential: readFileSync(join(home, 'owner.credential'), 'utf8').trim(),
      });
      const [item] = await owner.inbox();
      expect(item).toMatchObject({ id, requester: 'svc', call: { tool: 'fs.write_file' } });
      await owner.approve(id);
      const checked = await agent.client.callTool({
        name: 'mandate_check_request',
        arguments: { id },
      });
      expect(mandateMeta(checked)['status']).toBe('approved');
      expect((await agent.client.callTool(write)).isError).not.toBe(true);
      expect(readFileSync(target, 'utf8')).toBe('via the service');

      // The same over Streamable HTTP: each connection is checked by the service when it opens.
      const listening = await httpGateway(
        ['--url', url, '--prefix', 'fs', '--', ...referenceServer('filesystem', repo)],
        { home: join(dir, 'no-home') },
      );
      try {
        const svc = await listening.connect(tokens['svc'] as string);
        const read = await svc.callTool({
          name: 'read_text_file',
          arguments: { path: join(repo, 'a.md') },
        });
        expect(textOf(read)).toBe('alpha\n');
        // The grant went to the stdio connection; this one still acts with the old token.
        expect((await svc.callTool(write)).isError).toBe(true);
        await svc.close();
        await expect(listening.connect('not-a-token')).rejects.toThrow();
        await waitFor(() => listening.stderr().includes('"event":"session-refused"'));
      } finally {
        await listening.stop();
      }
    } finally {
      await agent.close();
      serve.kill('SIGTERM');
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
