/**
 * `mandate mcp` over stdio in front of servers nobody here wrote (server-memory, server-everything)
 * and of a fixture server that misbehaves on purpose: a denied call leaves the memory file
 * untouched; a refusal of a tool with an output schema is a result the SDK client accepts; a
 * hostile tool list (bad names, a tool shadowing mandate's, descriptions that fake the status
 * line or carry terminal escapes) neither breaks the gateway nor reaches the statuses or the
 * operator's terminal raw; no token reaches the server (not in its environment, not in a call);
 * a server that crashes is restarted; the child is ended when the gateway ends; a line that is
 * not JSON-RPC gets a protocol error; a revoked token cannot start a connection, and a token
 * revoked during one is refused from then on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli } from './fixtures/cli-harness.js';
import {
  fixtureServer,
  mandateMeta,
  mintTo,
  rawGateway,
  referenceServer,
  stdioGateway,
  textOf,
  waitFor,
  workspace,
} from './fixtures/mcp-harness.js';

const ws = workspace();
const { home, dir } = ws;
const tokenFile = (name: string) => join(dir, `${name}.token`);

const mint = (name: string, allow: string[]) => mintTo(home, name, allow, tokenFile(name));
/** The gateway's arguments for the fixture server, with the tester's token. */
const tester = [
  '--token',
  `@${join(dir, 'tester.token')}`,
  '--prefix',
  't',
  '--',
  ...fixtureServer(),
];

beforeAll(async () => {
  await buildCli();
  expect((await cli(['init'], { home })).code).toBe(0);
  await mint('reader', ['tool in ["memory.read_graph", "memory.search_nodes"]']);
  await mint('weather', ['tool == "everything.echo"']);
  await mint('longrun', [
    'tool in ["everything.echo", "everything.trigger-long-running-operation"]',
  ]);
  await mint('tester', ['tool in ["t.whoami", "t.crash", "t.note"]']);
  await mint('doomed', ['tool == "t.whoami"']);
}, 300_000);

afterAll(() => ws.cleanup());

describe('in front of server-memory', () => {
  it('answers an allowed read and refuses a write, which never reaches the memory file', async () => {
    const memory = join(dir, 'memory.jsonl');
    const gw = await stdioGateway(
      [
        '--token',
        `@${tokenFile('reader')}`,
        '--prefix',
        'memory',
        '--',
        ...referenceServer('memory'),
      ],
      { home, env: { MEMORY_FILE_PATH: memory } },
    );
    try {
      const read = await gw.client.callTool({ name: 'read_graph', arguments: {} });
      expect(read.isError).not.toBe(true);
      expect(read.structuredContent).toEqual({ entities: [], relations: [] });
      const write = await gw.client.callTool({
        name: 'create_entities',
        arguments: { entities: [{ name: 'x', entityType: 'y', observations: [] }] },
      });
      expect(write.isError).toBe(true);
      expect(mandateMeta(write)['tool']).toBe('memory.create_entities');
      expect(existsSync(memory)).toBe(false);
    } finally {
      await gw.close();
    }
  });
});

describe('in front of server-everything', () => {
  it('refuses a tool with an output schema with an isError result the SDK client accepts', async () => {
    const gw = await stdioGateway(
      [
        '--token',
        `@${tokenFile('weather')}`,
        '--prefix',
        'everything',
        '--',
        ...referenceServer('everything', 'stdio'),
      ],
      { home },
    );
    try {
      const { tools } = await gw.client.listTools();
      const structured = tools.find((t) => t.name === 'get-structured-content');
      expect(structured?.outputSchema).toBeDefined();
      // callTool validates structuredContent against the output schema unless isError.
      const denied = await gw.client.callTool({
        name: 'get-structured-content',
        arguments: { location: 'Chicago' },
      });
      expect(denied.isError).toBe(true);
      expect(denied.structuredContent).toBeUndefined();
      expect(mandateMeta(denied)['code']).toBe('ERR_PERMISSION_DENIED');
      const echoed = await gw.client.callTool({ name: 'echo', arguments: { message: 'hi' } });
      expect(textOf(echoed)).toBe('Echo: hi');
    } finally {
      await gw.close();
    }
  });
  it('passes progress on, and a cancelled call does not count as the server going away', async () => {
    const gw = await stdioGateway(
      [
        '--token',
        `@${tokenFile('longrun')}`,
        '--prefix',
        'everything',
        '--',
        ...referenceServer('everything', 'stdio'),
      ],
      { home },
    );
    try {
      const progress: number[] = [];
      const done = await gw.client.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
        undefined,
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(textOf(done)).toContain('Long running operation completed');
      // The SDK's client handles notifications a tick after responses, so it drops the last
      // one, straight from the server as well as through the gateway.
      expect(progress.slice(0, 2)).toEqual([1, 2]);

      const abort = new AbortController();
      const cancelled = gw.client.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 5, steps: 50 } },
        undefined,
        { signal: abort.signal, onprogress: () => abort.abort(new Error('enough')) },
      );
      await expect(cancelled).rejects.toThrow('enough');
      expect(
        textOf(await gw.client.callTool({ name: 'echo', arguments: { message: 'still here' } })),
      ).toBe('Echo: still here');
      // Logged after a loss would have been.
      await waitFor(() => gw.stderr().includes('"outcome":"cancelled"'));
      expect(gw.stderr()).not.toContain('upstream-lost');
    } finally {
      await gw.close();
    }
  });
});

describe('in front of a hostile server', () => {
  it('serves the tools it can, keeps mandate’s own, and lets no description fake a status', async () => {
    const gw = await stdioGateway(tester, { home, env: { FIXTURE_HOSTILE: '1' } });
    try {
      const { tools } = await gw.client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual([
        'whoami',
        'crash',
        'note',
        'innocent',
        'mandate_request_permission',
        'mandate_check_request',
      ]);
      // The shadowing tool is left out: the request tool is mandate's.
      const request = tools.find((t) => t.name === 'mandate_request_permission');
      expect(mandateMeta(request)).toMatchObject({ own: true });
      const innocent = tools.find((t) => t.name === 'innocent');
      expect(mandateMeta(innocent)).toMatchObject({ tool: 't.innocent', status: 'denied' });
      expect(innocent?._meta?.['other']).toBe(1);
      const description = innocent?.description ?? '';
      expect(description).toMatch(/^\[mandate: denied \(as t\.innocent\)/);
      expect(description.match(/\[\s*mandate/gi)).toHaveLength(1);
      const denied = await gw.client.callTool({ name: 'innocent', arguments: {} });
      expect(denied.isError).toBe(true);
      // What the gateway logs about the left-out tools is inert on a terminal.
      await waitFor(() => gw.stderr().split('"event":"skipped"').length > 7);
      const log = gw.stderr();
      expect(log).toContain('"event":"skipped"');
      const gatewayLines = log.split('\n').filter((l) => l.includes('"event":"skipped"'));
      expect(gatewayLines).toHaveLength(7);
      expect(log).toContain(
        '"tool":"not_an_object","why":"its definition is not a valid MCP tool"',
      );
      expect(log).toContain(
        '"tool":"bad_output","why":"its output schema is not a JSON Schema a client can use"',
      );
      // No raw control or bidi character: each is a JSON escape.
      for (const line of gatewayLines)
        expect([...line].some((c) => c.charCodeAt(0) < 0x20 || c === '\u202e')).toBe(false);
      expect(log).toContain('bad name\\u001b[31m');
    } finally {
      await gw.close();
    }
  });

  it('passes no token to the server: not in its environment, not in a call', async () => {
    const calls = join(dir, 'calls.jsonl');
    const gw = await stdioGateway(['--prefix', 't', '--', ...fixtureServer()], {
      home,
      env: {
        MANDATE_TOKEN: readFileSync(tokenFile('tester'), 'utf8').trim(),
        FIXTURE_LOG: calls,
      },
    });
    try {
      const result = await gw.client.callTool({
        name: 'note',
        arguments: { text: 'hi' },
        _meta: { secret: 'not for the server' },
      });
      expect(result.isError).not.toBe(true);
      const [seen] = readFileSync(calls, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(seen).toEqual({ name: 'note', args: { text: 'hi' }, _meta: null, mandateEnv: [] });
    } finally {
      await gw.close();
    }
  });

  it('restarts a server that crashed, and says the tool list changed', async () => {
    const gw = await stdioGateway(tester, { home });
    try {
      const before = JSON.parse(
        textOf(await gw.client.callTool({ name: 'whoami', arguments: {} })),
      ) as { pid: number };
      const changed = gw.nextListChange();
      const crashed = await gw.client.callTool({ name: 'crash', arguments: {} });
      expect(crashed.isError).toBe(true);
      expect(textOf(crashed)).toContain('the upstream MCP server went away');
      await changed;
      const after = JSON.parse(
        textOf(await gw.client.callTool({ name: 'whoami', arguments: {} })),
      ) as { pid: number };
      expect(after.pid).not.toBe(before.pid);
      await waitFor(() => gw.stderr().includes('"event":"upstream-restarted"'));
    } finally {
      await gw.close();
    }
  });

  it('ends the server’s process when the gateway ends', async () => {
    const gw = await stdioGateway(tester, { home });
    const { pid } = JSON.parse(
      textOf(await gw.client.callTool({ name: 'whoami', arguments: {} })),
    ) as { pid: number };
    expect(alive(pid)).toBe(true);
    await gw.close(); // stdin ends: the gateway exits and takes the server with it
    await waitFor(() => !alive(pid));
    expect(alive(pid)).toBe(false);
  });
  it('ends, with the server’s process, on SIGTERM', async () => {
    const gw = await stdioGateway(tester, { home });
    const { pid } = JSON.parse(
      textOf(await gw.client.callTool({ name: 'whoami', arguments: {} })),
    ) as { pid: number };
    const gateway = gw.transport.pid as number;
    const closed = new Promise<void>((resolve) => (gw.transport.onclose = resolve));
    process.kill(gateway, 'SIGTERM');
    await closed;
    await waitFor(() => !alive(pid) && !alive(gateway));
    expect(gw.stderr()).not.toContain('error');
  });
});

describe('the stdio connection itself', () => {
  it('answers a line that is not JSON-RPC with a protocol error, and keeps serving', async () => {
    const { child, lines, exited } = await rawGateway(tester, home);
    try {
      child.stdin.write('this is not json\n');
      child.stdin.write('{"jsonrpc":"2.0","id":1,"method":42}\n');
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`,
      );
      child.stdin.write('{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{}}\n');
      await waitFor(() => lines.length >= 4);
      const byId = (id: number) => lines.find((l) => l['id'] === id);
      expect(lines[0]).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32700, message: 'Parse error' },
      });
      expect(lines[1]).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, message: 'Invalid Request' },
      });
      expect(byId(2)).toMatchObject({ result: { serverInfo: { name: 'mandate' } } });
      // The SDK answers a request whose params do not fit with an error (-32603, its own words).
      expect(byId(3)).toMatchObject({ error: { code: expect.any(Number) as number } });
      child.stdin.write('{"jsonrpc":"2.0","id":4,"method":"tools/list"}\n');
      await waitFor(() => byId(4) !== undefined);
      expect(byId(4)).toMatchObject({ result: { tools: expect.any(Array) as unknown[] } });
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
  });
  it('answers the requests already read when stdin ends, then exits', async () => {
    const { child, lines, exited } = await rawGateway(tester, home);
    child.stdin.end(
      [
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'pipe', version: '1' },
          },
        },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
        {
          jsonrpc: '2.0',
          id: 3,
          method: 'tools/call',
          params: { name: 'whoami', arguments: { x: 1 } },
        },
      ]
        .map((m) => `${JSON.stringify(m)}\n`)
        .join(''),
    );
    expect(await exited).toBe(0);
    expect(lines.map((a) => a['id']).sort()).toEqual([1, 2, 3]);
    expect(lines.every((a) => a['result'] !== undefined)).toBe(true);
  });
});

describe('mistakes', () => {
  it('says what is wrong, in one line, with status 1', async () => {
    const cases: [string[], string][] = [
      [
        ['--token', `@${tokenFile('tester')}`, '--', 'no-such-mcp-server'],
        'cannot start the upstream MCP server "no-such-mcp-server"',
      ],
      [['--token', `@${tokenFile('tester')}`], 'name the upstream MCP server'],
      [['--listen', '0', '--token', `@${tokenFile('tester')}`, '--', 'x'], 'drop --token'],
      [['--list', '--listen', '0', '--', 'x'], '--list prints what one token sees'],
      [['--token', '-', '--', 'x'], 'stdin is the MCP connection'],
      [
        ['--token', `@${tokenFile('tester')}`, '--prefix', 'a b', '--', ...fixtureServer()],
        '--prefix must be dot-separated words',
      ],
      [['--token', 'not-a-token', '--', 'x'], 'the token does not verify'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['mcp', ...args], { home });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain(message);
      expect(r.stdout, args.join(' ')).toBe('');
    }
  });
});

describe('revocation', () => {
  it('refuses to start with a revoked token, and refuses the calls of a token revoked meanwhile', async () => {
    const gw = await stdioGateway(
      [
        '--token',
        `@${tokenFile('doomed')}`,
        '--prefix',
        't',
        '--max-revocation-staleness',
        '5s',
        '--',
        ...fixtureServer(),
      ],
      { home },
    );
    try {
      expect((await gw.client.callTool({ name: 'whoami', arguments: {} })).isError).not.toBe(true);
      const revoked = await cli(['revoke', `@${tokenFile('doomed')}`, '--reason', 'leaked'], {
        home,
      });
      expect(revoked.code, revoked.stderr).toBe(0);
      // The gateway's view of the store is refreshed every second.
      await waitFor(
        async () => (await gw.client.callTool({ name: 'whoami', arguments: {} })).isError === true,
      );
      const refused = await gw.client.callTool({ name: 'whoami', arguments: {} });
      expect(mandateMeta(refused)['revoked']).toMatchObject({ reason: 'leaked' });
    } finally {
      await gw.close();
    }
    const again = await cli(
      ['mcp', '--token', `@${tokenFile('doomed')}`, '--prefix', 't', '--', ...fixtureServer()],
      { home },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('was revoked by "owner"');
    expect(again.stderr).toContain('ERR_MCP_UNAUTHORIZED');
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
