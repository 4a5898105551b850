// The service benchmarks' clients, run in a process of their own so that the service's process
// does only the service's work. They speak HTTP/1.1 with keep-alive through node:http, whose
// client costs far less than fetch's. One mode per run, one JSON line on stdout:
//
//   round-trips <url> <coder> <planner> <seconds>
//     request → approve → new token, one at a time, after a second's warm-up: { medianMs, count }
//   approvals <urlA> <urlB> <planner> <codersFile> <inFlight> <seconds>
//     requests filed on one instance and approved on the other, `inFlight` at once:
//     { perSecond, approvals, cpuMs } (cpuMs: this process's own CPU time meanwhile)
//   wake <urlA> <urlB> <owner> <coder> <count>
//     how long the owner's decision on B takes to reach an agent (the coder, whose grantor is the
//     owner) waiting on A's outcome stream, and a request filed on B to reach the owner's inbox
//     stream on A: { outcome, inbox }, each { median, p99 } in ms
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [mode, ...args] = process.argv.slice(2);
const agents = new Map();

function request(base, method, path, token, body, accept = 'application/json') {
  const { hostname, port } = new URL(base);
  let agent = agents.get(base);
  if (agent === undefined)
    agents.set(base, (agent = new http.Agent({ keepAlive: true, maxSockets: 256 })));
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname,
        port,
        path,
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          accept,
          'content-type': 'application/json',
          ...(data ? { 'content-length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => resolve(res),
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function call(base, method, path, token, body) {
  const res = await request(base, method, path, token, body);
  let text = '';
  for await (const chunk of res) text += chunk;
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text);
}

/** The events of a `text/event-stream` response, as `{ event, data }`. */
async function* events(res) {
  let buffer = '';
  for await (const chunk of res) {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      yield {
        event: /^event: (.*)$/m.exec(block)?.[1],
        data: /^data: (.*)$/m.exec(block)?.[1] ?? '',
      };
    }
  }
}

/** The time the next event of `stream` named `event` (whose data passes `accept`) arrives. */
async function arrival(stream, event, accept = () => true) {
  for (;;) {
    const next = await stream.next();
    if (next.done) throw new Error(`the stream ended before a ${event} event`);
    if (next.value.event === event && accept(next.value.data)) return performance.now();
  }
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];
let n = 0;
const scope = () => [`args.path == "/x/${process.pid}-${n++}"`];

if (mode === 'round-trips') {
  const [url, coder, planner, seconds] = args;
  const times = [];
  // The first second warms the service up and is not counted.
  const start = Date.now() + 1000;
  const end = start + Number(seconds) * 1000;
  while (Date.now() < end) {
    const t0 = performance.now();
    const { id } = await call(url, 'POST', '/v1/requests', coder, {
      scope: scope(),
      reason: 'bench',
    });
    await call(url, 'POST', `/v1/requests/${id}/approve`, planner, {});
    const answer = await call(url, 'GET', `/v1/requests/${id}`, coder);
    if (typeof answer.token !== 'string') throw new Error('not approved');
    if (Date.now() >= start) times.push(performance.now() - t0);
  }
  console.log(JSON.stringify({ medianMs: median(times), count: times.length }));
} else if (mode === 'approvals') {
  const [urlA, urlB, planner, codersFile, inFlight, seconds] = args;
  const coders = JSON.parse(readFileSync(codersFile, 'utf8'));
  const urls = [urlA, urlB];
  let done = 0;
  const end = Date.now() + Number(seconds) * 1000;
  const worker = async (w) => {
    const coder = coders[w % coders.length];
    for (let i = w; Date.now() < end; i++) {
      const { id } = await call(urls[i % 2], 'POST', '/v1/requests', coder, {
        scope: scope(),
        reason: 'bench',
      });
      await call(urls[(i + 1) % 2], 'POST', `/v1/requests/${id}/approve`, planner, {});
      done++;
    }
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: Number(inFlight) }, (_, w) => worker(w)));
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      perSecond: done / ((performance.now() - t0) / 1000),
      approvals: done,
      cpuMs: (cpu.user + cpu.system) / 1000,
    }),
  );
} else if (mode === 'wake') {
  const [urlA, urlB, owner, coder, count] = args;
  const outcome = [];
  const inbox = [];
  // The owner's inbox stream on A, open throughout.
  const inboxRes = await request(urlA, 'GET', '/v1/inbox', owner, undefined, 'text/event-stream');
  const feed = events(inboxRes);
  await arrival(feed, 'ready');
  for (let i = 0; i < Number(count); i++) {
    // A decision on B reaching the agent waiting on A (its stream is in place: the headers came,
    // and a moment passes for the wait's first read).
    const { id } = await call(urlA, 'POST', '/v1/requests', coder, {
      scope: scope(),
      reason: 'bench',
    });
    const waiting = await request(
      urlA,
      'GET',
      `/v1/requests/${id}`,
      coder,
      undefined,
      'text/event-stream',
    );
    await pause(20);
    const arrived = arrival(events(waiting), 'outcome');
    const t0 = performance.now();
    await call(urlB, 'POST', `/v1/requests/${id}/approve`, owner, {});
    outcome.push((await arrived) - t0);
    waiting.destroy();
    // A request filed on B reaching the owner's inbox stream on A.
    const path = scope();
    const seen = arrival(feed, 'request', (data) =>
      data.includes(JSON.stringify(path[0]).slice(1, -1)),
    );
    const t1 = performance.now();
    await call(urlB, 'POST', '/v1/requests', coder, { scope: path, reason: 'bench' });
    inbox.push((await seen) - t1);
  }
  inboxRes.destroy();
  console.log(
    JSON.stringify({
      outcome: { median: median(outcome), p99: p99(outcome) },
      inbox: { median: median(inbox), p99: p99(inbox) },
    }),
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}
