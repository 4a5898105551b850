/**
 * The service's cost (the load generator speaks HTTP/1.1 with keep-alive through node:http, whose
 * client costs far less than fetch's, so that it does not take the CPU the server is measured on).
 * The service's cost. (1) Request → approve → new token over HTTP on loopback against the same
 * round trip in-process, on the same kind of store, side by side: SQLite with full sync (the
 * default durability) and in memory; target: HTTP adds ≤ 1 ms median, and stays ≤ 5 ms median
 * on SQLite where the disk allows. (2) `POST /v1/authorize` decisions per second with a load
 * generator in another process (64 connections in flight); target ≥ 5,000/s on 2 cores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureAsync, report } from './_harness.js';
import { delegate } from '../src/delegation/index.js';
import { Delegator } from '../src/requests/index.js';
import {
  DelegatorClient,
  createOwnerCredential,
  createServiceApp,
  listen,
  ownerCheck,
} from '../src/server/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-server-'));
const rows = [];
try {
  for (const kind of ['sqlite', 'memory'] as const) {
    const open = () =>
      kind === 'sqlite'
        ? Delegator.open({
            path: join(dir, `${kind}-${Math.random()}.db`),
            revocationRefreshMs: 0,
            watchIntervalMs: 0,
          })
        : Delegator.inMemory({ revocationRefreshMs: 0, watchIntervalMs: 0 });

    // In-process.
    const local = await open();
    const lp = await local.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'], expiresIn: 3600 });
    const lc = delegate(lp, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    let i = 0;
    rows.push(
      await measureAsync(`${kind}: request → approve → token, in process`, async () => {
        const t = await local.request({
          token: lc,
          principal: 'coder',
          scope: [`args.path == "/r/${i++}"`],
          reason: 'bench',
        });
        await local.approve(t.id, { by: { token: lp } });
        const answer = await local.poll(t.id);
        if (!('status' in answer)) throw new Error('not approved');
      }),
    );
    await local.close();

    // Over HTTP on loopback.
    const remote = await open();
    const credential = createOwnerCredential();
    const server = await listen(
      createServiceApp({
        delegator: remote,
        isOwner: ownerCheck(() => credential),
        limits: { callsPerSecond: 1e6, burst: 1e6 },
      }),
      { port: 0 },
      () => remote.close(),
    );
    const rp = await remote.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'], expiresIn: 3600 });
    const rc = delegate(rp, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    const agent = new DelegatorClient(server.url);
    const planner = new DelegatorClient(server.url, { credential: rp });
    rows.push(
      await measureAsync(`${kind}: request → approve → token, over HTTP`, async () => {
        const t = await agent.request({
          token: rc,
          principal: 'coder',
          scope: [`args.path == "/r/${i++}"`],
          reason: 'bench',
        });
        await planner.approve(t.id);
        const answer = await agent.poll(t.id);
        if (!('status' in answer)) throw new Error('not approved');
      }),
    );

    if (kind === 'memory') {
      // Authorize throughput from another process.
      const script = join(dir, 'load.mjs');
      writeFileSync(
        script,
        `import http from 'node:http';
const [url, token, seconds] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const body = JSON.stringify({ token, tool: 'fs.read', args: { path: '/repo/a' }, principal: 'coder' });
const once = () => new Promise((resolve, reject) => {
  const req = http.request({ hostname, port, path: '/v1/authorize', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume(); res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status ' + res.statusCode))));
  });
  req.on('error', reject); req.end(body);
});
let done = 0; const end = Date.now() + Number(seconds) * 1000;
async function worker() { while (Date.now() < end) { await once(); done++; } }
await Promise.all(Array.from({ length: 64 }, worker));
console.log(JSON.stringify({ perSecond: done / Number(seconds) }));`,
      );
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [script, server.url, rc, '5'], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let text = '';
        child.stdout.on('data', (d: Buffer) => (text += d.toString()));
        child.on('exit', (code) =>
          code === 0 ? resolve(text) : reject(new Error(`load generator exited ${code}`)),
        );
      });
      const { perSecond } = JSON.parse(out) as { perSecond: number };
      console.log(
        `\nPOST /v1/authorize from another process, 64 in flight: ${Math.round(perSecond).toLocaleString('en-US')} decisions/s (target ≥ 5,000)`,
      );
    }
    await server.close({ graceMs: 100 });
  }
  const [sqliteLocal, sqliteHttp, memLocal, memHttp] = rows as [
    (typeof rows)[number],
    (typeof rows)[number],
    (typeof rows)[number],
    (typeof rows)[number],
  ];
  report('request → approve → new token', rows, {
    [sqliteHttp.name]: {
      'HTTP adds (median)': `${((sqliteHttp.medianNs - sqliteLocal.medianNs) / 1e6).toFixed(2)} ms`,
    },
    [memHttp.name]: {
      'HTTP adds (median)': `${((memHttp.medianNs - memLocal.medianNs) / 1e6).toFixed(2)} ms`,
    },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
