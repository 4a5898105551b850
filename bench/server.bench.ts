/**
 * The service's cost. (1) Request → approve → new token over HTTP on loopback against the same
 * round trip in-process, on the same kind of store, side by side (taking turns, so drift in the
 * machine's load falls on both alike): SQLite with full sync (the
 * default durability) and in memory; target: HTTP adds ≤ 1 ms median, and stays ≤ 5 ms median
 * on SQLite where the disk allows. (2) `POST /v1/authorize` decisions per second with a load
 * generator in another process (64 connections in flight); target ≥ 5,000/s on 2 cores. The load
 * generator speaks HTTP/1.1 with keep-alive through node:http, whose client costs far less than
 * fetch's, so that it does not take the CPU the server is measured on.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureInterleaved, report, type Measurement } from './_harness.js';
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
const rows: Measurement[] = [];
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

    // In process and over HTTP on loopback, side by side, each on its own store of this kind.
    const local = await open();
    const lp = await local.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'], expiresIn: 3600 });
    const lc = delegate(lp, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
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
    let i = 0;
    rows.push(
      ...(await measureInterleaved({
        [`${kind}: request → approve → token, in process`]: async () => {
          const t = await local.request({
            token: lc,
            principal: 'coder',
            scope: [`args.path == "/r/${i++}"`],
            reason: 'bench',
          });
          await local.approve(t.id, { by: { token: lp } });
          const answer = await local.poll(t.id);
          if (!('status' in answer)) throw new Error('not approved');
        },
        [`${kind}: request → approve → token, over HTTP`]: async () => {
          const t = await agent.request({
            token: rc,
            principal: 'coder',
            scope: [`args.path == "/r/${i++}"`],
            reason: 'bench',
          });
          await planner.approve(t.id);
          const answer = await agent.poll(t.id);
          if (!('status' in answer)) throw new Error('not approved');
        },
      })),
    );
    await local.close();

    // The same round trip with the agent and the grantor in another process (as they are): the
    // service's process does only the service's work.
    const roundTrip = join(dir, 'round-trip.mjs');
    writeFileSync(
      roundTrip,
      `import http from 'node:http';
const [url, coder, planner, seconds] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const agent = new http.Agent({ keepAlive: true });
const call = (method, path, token, body) => new Promise((resolve, reject) => {
  const data = body === undefined ? undefined : JSON.stringify(body);
  const req = http.request({ hostname, port, path, method, agent, headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json', ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) } }, (res) => {
    let text = ''; res.on('data', (d) => (text += d)); res.on('end', () => resolve({ status: res.statusCode, text }));
  });
  req.on('error', reject); req.end(data);
});
const times = []; let i = 0; const end = Date.now() + Number(seconds) * 1000;
while (Date.now() < end) {
  const t0 = performance.now();
  const asked = await call('POST', '/v1/requests', coder, { scope: ['args.path == "/x/' + i++ + '"'], reason: 'bench' });
  const { id } = JSON.parse(asked.text);
  await call('POST', '/v1/requests/' + id + '/approve', planner, {});
  const answer = await call('GET', '/v1/requests/' + id, coder);
  if (answer.status !== 200) throw new Error('not approved: ' + answer.text);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ medianMs: times[Math.floor(times.length / 2)], count: times.length }));`,
    );
    const apart = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [roundTrip, server.url, rc, rp, '3'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`round trips exited ${code}`)),
      );
    });
    const { medianMs, count } = JSON.parse(apart) as { medianMs: number; count: number };
    rows.push({
      name: `${kind}: request → approve → token, over HTTP from another process`,
      opsPerSecond: 1000 / medianMs,
      medianNs: medianMs * 1e6,
      samples: count,
    });

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
  const [sqliteLocal, sqliteHttp, sqliteApart, memLocal, memHttp, memApart] = rows as [
    Measurement,
    Measurement,
    Measurement,
    Measurement,
    Measurement,
    Measurement,
  ];
  const adds = (a: Measurement, b: Measurement) =>
    `${((a.medianNs - b.medianNs) / 1e6).toFixed(2)} ms`;
  report('request → approve → new token', rows, {
    [sqliteHttp.name]: { 'HTTP adds (median)': adds(sqliteHttp, sqliteLocal) },
    [sqliteApart.name]: { 'HTTP adds (median)': adds(sqliteApart, sqliteLocal) },
    [memHttp.name]: { 'HTTP adds (median)': adds(memHttp, memLocal) },
    [memApart.name]: { 'HTTP adds (median)': adds(memApart, memLocal) },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
