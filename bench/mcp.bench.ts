/**
 * The MCP gateway's cost, side by side in one run: an allowed `tools/call` from the SDK's
 * `Client` straight to an upstream server (a child over stdio) against the same call through
 * `mandate mcp` (the gateway as its own process, as a harness runs it: client → gateway →
 * upstream, two stdio hops), and through the gateway in this process (an in-memory transport in
 * front, so only the gateway's own work is added). Also `tools/list` with 100 upstream tools,
 * each given its status under a token with allowed, conditional and denied tools. Targets
 * (issue 16): the call adds ≤ 0.5 ms median; the list takes ≤ 20 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { measureAsync, report, type Measurement } from './_harness.js';
import { Delegator } from '../src/requests/index.js';
import { Upstream, createGateway, runnerAuthority } from '../src/mcp/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-mcp-'));
const fixture = ['--import', 'tsx', join('test', 'e2e', 'fixtures', 'mcp-upstream.ts')];
const env = (extra: Record<string, string> = {}): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('MANDATE_')) out[k] = v;
  return { ...out, ...extra };
};
const call = { name: 'note', arguments: { text: 'hello' } };
const allow = [
  'tool in ["t.note", "t.whoami"] or tool ~ "t.bulk_1*" or (tool ~ "t.bulk_2*" and args.n <= 5)',
];

const clients: Client[] = [];
async function connect(command: string, args: string[], extra: Record<string, string> = {}) {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(
    new StdioClientTransport({ command, args, env: env(extra), stderr: 'ignore' }),
  );
  clients.push(client);
  return client;
}

try {
  const home = join(dir, 'home');
  const cli = (...args: string[]) =>
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', '--home', home, ...args],
      {
        env: env(),
      },
    ).toString();
  cli('init');
  const token = cli(
    'mint',
    '--to',
    'bench',
    ...allow.flatMap((a) => ['--allow', a]),
    '--expires',
    '1h',
  );
  writeFileSync(join(dir, 'bench.token'), token);

  const rows: Measurement[] = [];
  const direct = await connect(process.execPath, fixture, { FIXTURE_MANY: '100' });
  rows.push(
    await measureAsync('tools/call, straight to the upstream', () => direct.callTool(call), {
      timeMs: 3000,
    }),
  );

  const gatewayProcess = await connect(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      '--home',
      home,
      'mcp',
      '--token',
      `@${join(dir, 'bench.token')}`,
      '--prefix',
      't',
      '--',
      process.execPath,
      ...fixture,
    ],
    { FIXTURE_MANY: '100' },
  );
  rows.push(
    await measureAsync(
      'tools/call, through mandate mcp (its own process)',
      () => gatewayProcess.callTool(call),
      {
        timeMs: 3000,
      },
    ),
  );

  // The gateway in this process, with an in-memory transport in front of it.
  const delegator = await Delegator.inMemory({ revocationRefreshMs: 0, watchIntervalMs: 0 });
  const inProcessToken = await delegator.mint({ to: 'bench', conditions: allow, expiresIn: 3600 });
  const upstream = await Upstream.start({
    target: {
      command: process.execPath,
      args: fixture,
      env: env({ FIXTURE_MANY: '100' }),
      stderr: 'ignore',
    },
  });
  const gateway = createGateway({ upstream, prefix: 't' });
  const authority = await runnerAuthority({
    rootKeys: delegator.rootKeys,
    broker: delegator,
    revocations: delegator.revocations(),
  }).open(inProcessToken);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await gateway.serverFor(authority).connect(serverSide);
  const inProcess = new Client({ name: 'bench', version: '1' });
  await inProcess.connect(clientSide);
  clients.push(inProcess);
  rows.push(
    await measureAsync(
      'tools/call, through the gateway in process',
      () => inProcess.callTool(call),
      {
        timeMs: 3000,
      },
    ),
  );

  const lists: Measurement[] = [
    await measureAsync(
      'tools/list (100 tools), straight to the upstream',
      () => direct.listTools(),
      {
        timeMs: 2000,
      },
    ),
    await measureAsync(
      'tools/list (100 tools + statuses), through mandate mcp',
      () => gatewayProcess.listTools(),
      {
        timeMs: 2000,
      },
    ),
    await measureAsync(
      'tools/list (100 tools + statuses), gateway in process',
      () => inProcess.listTools(),
      {
        timeMs: 2000,
      },
    ),
  ];
  const [straight, apart, inside] = rows as [Measurement, Measurement, Measurement];
  const adds = (m: Measurement) => `${((m.medianNs - straight.medianNs) / 1e6).toFixed(3)} ms`;
  report('an allowed tools/call: the gateway against the upstream directly', rows, {
    [apart.name]: { 'adds (median)': adds(apart) },
    [inside.name]: { 'adds (median)': adds(inside) },
  });
  report('tools/list with 100 upstream tools', lists);
  await upstream.close();
  await delegator.close();
} finally {
  for (const client of clients) await client.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
