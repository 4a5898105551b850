/**
 * The service under many clients: 500 inbox streams open at once (500 agents, each following
 * its own inbox) and 1,000 agents that each filed a request and poll it at the interval the
 * service asks for, for 30 s, with new requests arriving for the streams meanwhile. Reports
 * errors (target: none), the events the streams received, and the service's heap early and late
 * in the load (target: not growing), on a SQLite store. The clients run in another process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delegate } from '../src/delegation/index.js';
import { Delegator } from '../src/requests/index.js';
import {
  createOwnerCredential,
  createServiceApp,
  listen,
  ownerCheck,
} from '../src/server/index.js';

const STREAMS = 500;
const POLLERS = 1000;
const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 30);

const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-load-'));
try {
  // On SQLite, so that what the load stores (requests, the audit log) is on disk, and the heap
  // shows what the service itself holds.
  const delegator = await Delegator.open({
    path: join(dir, 'load.db'),
    revocationRefreshMs: 0,
    watchIntervalMs: 100,
  });
  const credential = createOwnerCredential();
  const server = await listen(
    createServiceApp({
      delegator,
      isOwner: ownerCheck(() => credential),
      limits: { maxStreamsPerCaller: 2 },
      heartbeatMs: 10_000,
    }),
    { port: 0 },
    () => delegator.close(),
  );
  const root = await delegator.mint({ to: 'lead', conditions: ['tool ~ "fs.*"'], expiresIn: 3600 });
  // Each streaming agent is a grantor: its own subagent files a request to it now and then.
  const grantors = Array.from(
    { length: STREAMS },
    (_, i) => delegate(root, { to: `g${i}`, conditions: [] }).token,
  );
  const children = grantors.map(
    (g, i) => delegate(g, { to: `c${i}`, conditions: ['tool == "fs.read"'] }).token,
  );
  const pollers = Array.from(
    { length: POLLERS },
    (_, i) => delegate(root, { to: `p${i}`, conditions: ['tool == "fs.read"'] }).token,
  );
  const input = join(dir, 'tokens.json');
  writeFileSync(input, JSON.stringify({ grantors, children, pollers }));
  const script = join(dir, 'clients.mjs');
  writeFileSync(
    script,
    `import http from 'node:http';
import { readFileSync } from 'node:fs';
const [url, file, seconds] = process.argv.slice(2);
const { grantors, children, pollers } = JSON.parse(readFileSync(file, 'utf8'));
const { hostname, port } = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 2000 });
let errors = 0, events = 0, polls = 0, slowDowns = 0, asked = 0;
function call(method, path, token, body) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ hostname, port, path, method, agent, headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json', ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) } }, (res) => {
      let text = ''; res.on('data', (d) => (text += d)); res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', () => { errors++; resolve({ status: 0, text: '' }); });
    req.end(data);
  });
}
const streams = grantors.map((token) => new Promise((resolve) => {
  const req = http.request({ hostname, port, path: '/v1/inbox', headers: { authorization: 'Bearer ' + token, accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) errors++;
    res.on('data', (d) => { events += (String(d).match(/^event: request$/gm) ?? []).length; });
    res.on('error', () => {}); res.on('end', resolve);
  });
  req.on('error', () => { errors++; resolve(); });
  req.end();
  setTimeout(() => { req.destroy(); resolve(); }, Number(seconds) * 1000 + 2000);
}));
const end = Date.now() + Number(seconds) * 1000;
const polling = pollers.map(async (token, i) => {
  const r = await call('POST', '/v1/requests', token, { scope: ['tool == "fs.write"'], reason: 'load ' + i });
  if (r.status !== 201) { errors++; return; }
  const { id, interval } = JSON.parse(r.text);
  await new Promise((s) => setTimeout(s, Math.random() * interval * 1000));
  while (Date.now() < end) {
    const p = await call('GET', '/v1/requests/' + id, token);
    polls++;
    const answer = JSON.parse(p.text);
    if (answer.error === 'slow_down') slowDowns++;
    else if (answer.error !== 'authorization_pending') errors++;
    await new Promise((s) => setTimeout(s, (answer.interval ?? interval) * 1000 + 50));
  }
});
const asking = (async () => {
  while (Date.now() < end) {
    const i = Math.floor(Math.random() * children.length);
    const r = await call('POST', '/v1/requests', children[i], { scope: ['args.n == ' + asked], reason: 'stream ' + asked });
    if (r.status !== 201) errors++; else asked++;
    await new Promise((s) => setTimeout(s, 20));
  }
})();
await Promise.all([...polling, asking]);
await Promise.all(streams);
console.log(JSON.stringify({ errors, events, polls, slowDowns, asked }));
process.exit(0);
`,
  );
  // What survives a full collection, when the bench runs with --expose-gc (npm run bench does
  // not: then the heap in use, which garbage not yet collected inflates).
  const gc = (globalThis as { gc?: () => void }).gc;
  const memory = () => {
    gc?.();
    return Math.round(process.memoryUsage().heapUsed / 1048576);
  };
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(memory()), 1000);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [script, server.url, input, String(SECONDS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`clients exited ${code}`)),
    );
  });
  clearInterval(sampler);
  const result = JSON.parse(out) as {
    errors: number;
    events: number;
    polls: number;
    slowDowns: number;
    asked: number;
  };
  const third = Math.max(1, Math.floor(samples.length / 3));
  const early = Math.max(...samples.slice(0, third));
  const late = Math.max(...samples.slice(-third));
  console.log(`\n## the service under load (${SECONDS} s; clients in another process)\n`);
  console.log(
    `- ${STREAMS} inbox streams open at once; ${result.asked} requests filed to them; ${result.events} events received`,
  );
  console.log(
    `- ${POLLERS} agents polling at their interval: ${result.polls} polls, ${result.slowDowns} slow_down`,
  );
  console.log(`- errors: ${result.errors} (target: none)`);
  console.log(
    `- the service's heap${gc === undefined ? ' in use (run with --expose-gc for what is retained)' : ' after a full collection'}: ${early} MiB at most in the first third, ${late} MiB at most in the last third (target: not growing)`,
  );
  await server.close({ graceMs: 100 });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
